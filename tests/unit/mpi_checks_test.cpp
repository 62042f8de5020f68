// What the mpi exercise grades with, from data alone: `count` matchers (one result line, not one
// per rank), `slurm = { tasks = N }` on the steps sacct recorded (captured from the test
// cluster), the jobscript check's `tasks`, and the steps surviving a run record.
#include <gtest/gtest.h>

#include "grader/checks/count_check.h"
#include "grader/checks/evaluate.h"
#include "grader/checks/slurm_check.h"
#include "grader/report/run_record.h"
#include "grader/rubric/loader.h"
#include "runners/slurm/job_verdict.h"
#include "runners/slurm/slurm_parse.h"
#include "tests/support/unit_data.h"

namespace grader {
namespace {

using test_support::rubric_error_of;
using test_support::unit_test_data;

// The accounting of one job of tests/unit/data/slurm_sacct_mpi.txt, as the tracker settles it.
SlurmAccounting accounting_of(const std::string& job) {
  slurm::JobOutcome oc;
  oc.state = "COMPLETED";
  oc.exit_code = "0:0";
  oc.started = true;
  for (auto& row : slurm::parse_sacct(unit_test_data("slurm_sacct_mpi.txt")))
    if (row.base_id() == job) oc.acct.push_back(row);
  return slurm::job_accounting(job, oc);
}

RunResult job_run(const std::string& job) {
  RunResult r;
  r.id = "job";
  r.status = RunStatus::Ok;
  r.exit_code = 0;
  r.slurm = accounting_of(job);
  return r;
}

const std::string kJobHead = R"(exercise = "mpi"
[[run]]
id = "job"
jobscript = "job.sh"
[[check]]
id = "c"
)";

}  // namespace

TEST(CountMatch, OneResultLinePasses) {
  Verdict v = eval_count({"^Integral value is", 1},
                         "Integral value is 1e-17, Error is 1e-17\nTime spent: 0.4 sec\n", "stdout");
  EXPECT_EQ(v.status, CheckStatus::Passed) << v.message;
  EXPECT_EQ(v.message, "stdout: 1 line match /^Integral value is/");
}

TEST(CountMatch, EveryRankPrintingIsSaidAsCopies) {
  std::string out =
      "Integral value is -9.174883e-12, Error is 9.174883e-12\nTime spent: 0.41 sec\n"
      "Integral value is -9.174883e-12, Error is 9.174883e-12\nTime spent: 0.41 sec\n";
  Verdict v = eval_count({"^Integral value is", 1}, out, "stdout");
  EXPECT_EQ(v.status, CheckStatus::Failed);
  EXPECT_NE(v.message.find("2 lines match /^Integral value is/, expected 1"), std::string::npos) << v.message;
  EXPECT_NE(v.message.find("the same line 2 times over: 2 copies of the program each printed it"),
            std::string::npos)
      << v.message;
  EXPECT_NE(v.message.find("\n    3: Integral value is"), std::string::npos) << "lines with their numbers";
  EXPECT_EQ(v.safe.find("expected 1"), std::string::npos) << "a hidden check names no expected value";
}

TEST(CountMatch, DifferentLinesAreNotCalledCopies) {
  Verdict v = eval_count({"^Integral", 1}, "Integral value is 1\nIntegral value is 2\n", "stdout");
  EXPECT_EQ(v.status, CheckStatus::Failed);
  EXPECT_EQ(v.message.find("copies"), std::string::npos) << v.message;
}

TEST(CountMatch, NoLineAtAllSaysZero) {
  Verdict v = eval_count({"^Integral", 1}, "Traceback (most recent call last):\n", "stdout");
  EXPECT_EQ(v.status, CheckStatus::Failed);
  EXPECT_EQ(v.message, "stdout: 0 lines match /^Integral/, expected 1");
}

TEST(CountMatch, ZeroExpectedPassesOnSilence) {
  EXPECT_EQ(eval_count({"Warning", 0}, "all fine\n", "stderr").status, CheckStatus::Passed);
  EXPECT_EQ(eval_count({"Warning", 0}, "Warning: x\n", "stderr").status, CheckStatus::Failed);
}

TEST(CountMatch, ReachesThroughEvaluateCheckForStdoutAndFiles) {
  RunResult r;
  r.id = "main";
  r.status = RunStatus::Ok;
  r.exit_code = 0;
  r.out.data = "x\nx\n";
  r.files["log.txt"] = {true, "x\n", 2, false};
  CheckSpec c;
  c.id = "c";
  c.run = "main";
  c.kind = OutputCheck{Stream::Stdout, "", CountMatch{"^x$", 2}};
  EXPECT_EQ(evaluate_check(c, {{"main", r}}, false).status, CheckStatus::Passed);
  c.kind = OutputCheck{Stream::File, "log.txt", CountMatch{"^x$", 2}};
  CheckResult res = evaluate_check(c, {{"main", r}}, false);
  EXPECT_EQ(res.status, CheckStatus::Failed);
  EXPECT_NE(res.message.find("file 'log.txt': 1 line match"), std::string::npos) << res.message;
}

TEST(SlurmSteps, SacctNTasksIsReadPerStep) {
  SlurmAccounting a = accounting_of("49900002");
  ASSERT_EQ(a.steps.size(), 2u);
  EXPECT_EQ(a.steps[0].id, "batch");
  EXPECT_EQ(a.steps[0].ntasks, 1);
  EXPECT_EQ(a.steps[1].id, "0");
  EXPECT_EQ(a.steps[1].ntasks, 2);
  EXPECT_EQ(a.steps[1].state, "COMPLETED");
}

TEST(SlurmCheck, SrunOfTwoTasksPasses) {
  Verdict v = eval_slurm(SlurmCheck{2}, job_run("49900002"));
  EXPECT_EQ(v.status, CheckStatus::Passed) << v.message;
  EXPECT_EQ(v.message, "sacct: a step of job 49900002 ran 2 tasks (step 0: 2 tasks)");
}

TEST(SlurmCheck, PythonWithoutSrunStartedNoStep) {
  Verdict v = eval_slurm(SlurmCheck{2}, job_run("49900005"));
  EXPECT_EQ(v.status, CheckStatus::Failed);
  EXPECT_NE(v.message.find("started no step of its own"), std::string::npos) << v.message;
  EXPECT_NE(v.message.find("srun starts 2 tasks"), std::string::npos) << v.message;
}

TEST(SlurmCheck, MpirunOnOneNodeIsNoStepAndTheMessageSaysWhy) {
  Verdict v = eval_slurm(SlurmCheck{2}, job_run("49900006"));
  EXPECT_EQ(v.status, CheckStatus::Failed);
  EXPECT_NE(v.message.find("mpirun"), std::string::npos) << v.message;
}

TEST(SlurmCheck, AStepOfOtherSizeIsNamed) {
  Verdict v = eval_slurm(SlurmCheck{4}, job_run("49900002"));
  EXPECT_EQ(v.status, CheckStatus::Failed);
  EXPECT_EQ(v.message, "sacct: no step of job 49900002 ran 4 tasks (step 0: 2 tasks)");
}

TEST(SlurmCheck, ARunThatWasNoJobIsAnErrorNotAFailure) {
  RunResult r;
  r.id = "main";
  r.status = RunStatus::Ok;
  EXPECT_EQ(eval_slurm(SlurmCheck{2}, r).status, CheckStatus::Error);
}

TEST(SlurmCheck, StepsSurviveARunRecord) {
  RunRecord rec;
  rec.key = "k";
  rec.report_file = "a.json";
  rec.run_specs = {{"order", nlohmann::json::array()}, {"runs", nlohmann::json::object()}};
  rec.report.exercise = "mpi";
  rec.report.runs.push_back({job_run("49900002"), {"job.sh"}, false});
  RunRecord back = parse_record(render_record(rec), "a.json");
  const auto& steps = back.report.runs.at(0).result.slurm->steps;
  ASSERT_EQ(steps.size(), 2u);
  EXPECT_EQ(steps[1].ntasks, 2);
}

TEST(SlurmCheckLoader, LoadsTasks) {
  Rubric r = parse_rubric(kJobHead + "slurm = { tasks = 2 }\n", "r.toml");
  EXPECT_EQ(*std::get<SlurmCheck>(r.checks.at(0).kind).tasks, 2);
}

TEST(SlurmCheckLoader, BadTablesAreRefusedWithTheirPlace) {
  EXPECT_EQ(rubric_error_of(kJobHead + "slurm = { task = 2 }\n"),
            "r.toml:7:11: unknown key 'task' in check 'c'; did you mean 'tasks'?");
  EXPECT_EQ(rubric_error_of(kJobHead + "slurm = {}\n"), "r.toml:7:9: key 'slurm' in check 'c' needs 'tasks'");
  EXPECT_EQ(rubric_error_of(kJobHead + "slurm = { tasks = 0 }\n"),
            "r.toml:7:19: key 'tasks' in check 'c' must be 1 or more");
}

TEST(SlurmCheckLoader, ACommandRunHasNoAccounting) {
  std::string text =
      "exercise = \"x\"\n[[run]]\nid = \"main\"\ncommand = [\"true\"]\n[[check]]\nid = \"c\"\n"
      "slurm = { tasks = 2 }\n";
  EXPECT_EQ(
      rubric_error_of(text),
      "r.toml:5:1: check 'c' is a slurm check of run 'main', which runs a command, not a jobscript: only "
      "Slurm jobs have Slurm's accounting");
}

TEST(CountMatchLoader, LoadsAndRefusesBadValues) {
  Rubric r = parse_rubric(kJobHead + "stdout.count = { regex = '^Integral', value = 1 }\n", "r.toml");
  const auto& count = std::get<CountMatch>(std::get<OutputCheck>(r.checks.at(0).kind).match);
  EXPECT_EQ(count.regex, "^Integral");
  EXPECT_EQ(count.value, 1);
  EXPECT_EQ(rubric_error_of(kJobHead + "stdout.count = { regex = '^I' }\n"),
            "r.toml:7:16: key 'count' in check 'c' has no 'value' (how many lines must match)");
  EXPECT_EQ(rubric_error_of(kJobHead + "stdout.count = { regex = '(', value = 1 }\n").find("r.toml:7:26:"),
            0u)
      << rubric_error_of(kJobHead + "stdout.count = { regex = '(', value = 1 }\n");
  EXPECT_EQ(rubric_error_of(kJobHead + "stdout.count = { regex = 'x', value = -1 }\n"),
            "r.toml:7:39: key 'value' in check 'c' must be 0 or more");
}

TEST(JobscriptTasks, CountsTasksNotCores) {
  std::string text = R"(exercise = "mpi"
[[check]]
id = "c"
jobscript = { file = "job.sh", tasks = 2 }
)";
  Rubric rubric = parse_rubric(text, "r.toml");
  auto run_with = [&](const std::string& script) {
    RunResults runs;
    runs[kSubmissionRun].id = kSubmissionRun;
    runs[kSubmissionRun].status = RunStatus::Ok;
    runs[kSubmissionRun].files["job.sh"] = {true, script, script.size(), false};
    return evaluate_check(rubric.checks.at(0), runs, false);
  };
  EXPECT_EQ(run_with("#!/bin/bash\n#SBATCH -n 2\nsrun python a.py\n").status, CheckStatus::Passed);
  EXPECT_EQ(run_with("#!/bin/bash\n#SBATCH -N 2\n#SBATCH --ntasks-per-node=1\nsrun python a.py\n").status,
            CheckStatus::Passed);
  CheckResult one = run_with("#!/bin/bash\n#SBATCH -n 1\n#SBATCH -c 2\nsrun python a.py\n");
  EXPECT_EQ(one.status, CheckStatus::Failed);
  EXPECT_NE(one.message.find("job.sh: asks for 1 task (-n 1 (line 2)), not 2"), std::string::npos)
      << one.message;
}

}  // namespace grader
