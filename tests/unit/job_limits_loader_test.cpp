// A jobscript run's `job_limits` as the rubric loader reads it: defaults, values, and each rule it
// refuses with file:line:col.
#include <gtest/gtest.h>

#include "grader/rubric/loader.h"
#include "tests/support/unit_data.h"

using namespace grader;
using grader::test_support::rubric_error_of;

namespace {

const std::string kHead = "exercise = \"b\"\n[[run]]\nid = \"job\"\njobscript = \"job.sh\"\n";
const std::string kCheck = "[[check]]\nid = \"ran\"\nrun = \"job\"\nexit_code = 0\n";

}  // namespace

TEST(JobLimitsLoader, DefaultsAreOneNodeAndNoGpu) {
  Rubric r = parse_rubric(kHead + kCheck, "r.toml");
  const JobLimits& l = r.runs.at(0).job_limits;
  EXPECT_EQ(l.nodes, 1);
  EXPECT_EQ(l.gpus, 0);
  EXPECT_FALSE(l.time_s);
  EXPECT_FALSE(l.tasks);
  EXPECT_FALSE(l.cores);
  EXPECT_FALSE(l.memory_bytes);
}

TEST(JobLimitsLoader, ReadsEveryKey) {
  Rubric r = parse_rubric(kHead +
                              "job_limits = { time = \"30m\", nodes = 2, tasks = 4, cores = 8, gpus = 1, "
                              "memory = \"4G\" }\n" +
                              kCheck,
                          "r.toml");
  const JobLimits& l = r.runs.at(0).job_limits;
  EXPECT_EQ(l.time_s, 1800);
  EXPECT_EQ(l.nodes, 2);
  EXPECT_EQ(l.tasks, 4);
  EXPECT_EQ(l.cores, 8);
  EXPECT_EQ(l.gpus, 1);
  EXPECT_EQ(l.memory_bytes, 4ull << 30);
}

TEST(JobLimitsLoader, RefusesThemOnACommandRun) {
  EXPECT_EQ(
      rubric_error_of("exercise = \"b\"\n[[run]]\nid = \"main\"\ncommand = [\"python3\", \"x.py\"]\n"
                      "job_limits = { nodes = 1 }\n[[check]]\nid = \"ran\"\nrun = \"main\"\nexit_code = 0\n"),
      "r.toml:5:1: 'job_limits' in run 'main' is for a jobscript run; run 'main' runs no Slurm job");
}

TEST(JobLimitsLoader, RefusesUnknownKeyWithSuggestion) {
  EXPECT_EQ(rubric_error_of(kHead + "job_limits = { node = 1 }\n" + kCheck),
            "r.toml:5:16: unknown key 'node' in 'job_limits' in run 'job'; did you mean 'nodes'?");
}

TEST(JobLimitsLoader, RefusesZeroNodesButAllowsZeroGpus) {
  EXPECT_EQ(rubric_error_of(kHead + "job_limits = { nodes = 0 }\n" + kCheck),
            "r.toml:5:24: key 'nodes' in 'job_limits' in run 'job' must be 1 or more");
  EXPECT_NO_THROW(parse_rubric(kHead + "job_limits = { gpus = 0 }\n" + kCheck, "r.toml"));
}
