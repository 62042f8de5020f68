// A learner's jobscript vetted before the grader submits it (grader/jobscript/vetting.h): the
// options that take a job out of the grader's hands, and what a job asks for against the run's
// job_limits. Scripts in the course's style; pure, nothing is submitted.
#include <gtest/gtest.h>

#include "grader/jobscript/vetting.h"

using namespace grader;
using namespace grader::jobscript;

namespace {

std::vector<Refusal> vetted(const std::string& directives, JobLimits limits = {}) {
  return vet(parse("#!/bin/bash\n" + directives + "module load python/3.11.8\npython3 hello.py\n"), limits);
}

std::string only(const std::vector<Refusal>& r) {
  if (r.size() != 1) return std::to_string(r.size()) + " refusals";
  return std::to_string(r[0].line) + ": " + r[0].message;
}

}  // namespace

TEST(JobVetting, TheCourseScriptPasses) {
  EXPECT_TRUE(
      vetted("#SBATCH -A naiss2024-22-415\n#SBATCH -t 00:10:00\n#SBATCH -n 1\n#SBATCH -o out.txt\n").empty());
}

TEST(JobVetting, ArrayIsRefused) {
  EXPECT_EQ(only(vetted("#SBATCH -A x\n#SBATCH --array=1-20\n")),
            "3: `#SBATCH --array=1-20` is not allowed in a graded job: it makes one job per index, which the "
            "grader does not follow; submit a single job");
}

TEST(JobVetting, ShortAndAbbreviatedFormsAreRefusedAlike) {
  EXPECT_EQ(vetted("#SBATCH -a 1-4\n").size(), 1u);
  EXPECT_EQ(vetted("#SBATCH --arr=1-4\n").size(), 1u) << "getopt takes an abbreviation as the option";
  EXPECT_EQ(vetted("#SBATCH -d afterok:12\n").size(), 1u);
  EXPECT_EQ(vetted("#SBATCH -H\n").size(), 1u);
}

TEST(JobVetting, EveryOptionOfTheIssueIsRefused) {
  for (const char* line : {"--dependency=afterok:1", "--begin=now+1hour", "--hold", "--uid=0", "--gid=0",
                           "--export=ALL", "--mail-type=END", "--mail-user=me@example.org", "--chdir=/tmp",
                           "--wait", "--test-only", "--requeue", "--deadline=now+1hour"})
    EXPECT_EQ(vetted(std::string("#SBATCH ") + line + "\n").size(), 1u) << line;
}

TEST(JobVetting, NodesBeyondTheLimit) {
  EXPECT_EQ(only(vetted("#SBATCH -N 4\n")),
            "2: `#SBATCH -N 4` asks for 4 nodes; a graded job may use at most 1");
  EXPECT_EQ(only(vetted("#SBATCH -N 1-3\n")),
            "2: `#SBATCH -N 1-3` asks for 3 nodes; a graded job may use at most 1")
      << "a range may get its largest count";
}

// The issue's `-n 24 --ntasks-per-node=1`: one task per node is 24 nodes.
TEST(JobVetting, TasksPerNodeImplyNodes) {
  EXPECT_EQ(only(vetted("#SBATCH -n 24\n#SBATCH --ntasks-per-node=1\n")),
            "3: `#SBATCH --ntasks-per-node=1` asks for 24 nodes; a graded job may use at most 1");
}

TEST(JobVetting, GpusAreCountedInAllTheirForms) {
  EXPECT_EQ(only(vetted("#SBATCH --gres=gpu:1\n")),
            "2: `#SBATCH --gres=gpu:1` asks for 1 GPU; a graded job may use at most 0");
  EXPECT_EQ(vetted("#SBATCH --gpus=T4:1\n").size(), 1u);
  EXPECT_EQ(only(vetted("#SBATCH -n 24\n#SBATCH --gpus-per-task=1\n", {.gpus = 4})),
            "3: `#SBATCH --gpus-per-task=1` asks for 24 GPUs; a graded job may use at most 4");
  EXPECT_TRUE(vetted("#SBATCH --gres=gpu:l40s:1\n", {.gpus = 1}).empty());
}

TEST(JobVetting, TasksAndCoresWithinTheirLimits) {
  JobLimits limits{.tasks = 2, .cores = 4};
  EXPECT_TRUE(vetted("#SBATCH -n 2\n#SBATCH -c 2\n", limits).empty());
  EXPECT_EQ(only(vetted("#SBATCH -n 4\n", limits)),
            "2: `#SBATCH -n 4` asks for 4 tasks; a graded job may use at most 2");
  EXPECT_EQ(only(vetted("#SBATCH -n 2\n#SBATCH -c 4\n", limits)),
            "3: `#SBATCH -c 4` asks for 8 cores; a graded job may use at most 4");
}

TEST(JobVetting, TimeBeyondTheLimit) {
  JobLimits limits{.time_s = 600};
  EXPECT_TRUE(vetted("#SBATCH -t 00:10:00\n", limits).empty());
  EXPECT_EQ(only(vetted("#SBATCH -t 2-00:00:00\n", limits)),
            "2: `#SBATCH -t 2-00:00:00` asks for 2 days; a graded job may run at most 10 min");
  EXPECT_EQ(only(vetted("#SBATCH --time=UNLIMITED\n", limits)),
            "2: `#SBATCH --time=UNLIMITED` asks for no time limit; a graded job may run at most 10 min");
  EXPECT_TRUE(vetted("#SBATCH -t 2-00:00:00\n").empty()) << "no time limit given: the run's timeout waits";
}

TEST(JobVetting, MemoryPerNodeBeyondTheLimit) {
  JobLimits limits{.memory_bytes = 4ull << 30};
  EXPECT_TRUE(vetted("#SBATCH --mem=4G\n", limits).empty());
  EXPECT_EQ(
      only(vetted("#SBATCH --mem=0\n", limits)),
      "2: `#SBATCH --mem=0` asks for all of a node's memory; a graded job may use at most 4 GiB per node");
  EXPECT_EQ(
      only(vetted("#SBATCH -n 4\n#SBATCH --mem-per-cpu=2G\n", limits)),
      "3: `#SBATCH --mem-per-cpu=2G` asks for 8 GiB per node (4 cores); a graded job may use at most 4 GiB "
      "per node");
}

TEST(JobVetting, RefusalsComeInLineOrder) {
  std::vector<Refusal> r = vetted("#SBATCH -N 2\n#SBATCH --array=1-3\n#SBATCH --mail-type=ALL\n");
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[0].line, 2);
  EXPECT_EQ(r[1].line, 3);
  EXPECT_EQ(r[2].line, 4);
}

TEST(JobVetting, IgnoredDirectivesAreNotVetted) {
  // After the first command sbatch reads no #SBATCH line: it asks for nothing.
  EXPECT_TRUE(vet(parse("#!/bin/bash\necho hi\n#SBATCH --array=1-20\n"), {}).empty());
}
