// Reading sbatch/squeue/sacct output captured from the test cluster (tests/unit/data/slurm_*),
// and the pure mapping from a job's final state to a run's verdict.
#include "runners/slurm/slurm_parse.h"

#include <gtest/gtest.h>

#include "tests/support/unit_data.h"

namespace grader::slurm {
namespace {

using test_support::unit_test_data;

const AcctRow* find(const std::vector<AcctRow>& rows, const std::string& id) {
  for (const auto& r : rows)
    if (r.job_id == id) return &r;
  return nullptr;
}

TEST(SlurmParse, SbatchParsableGivesTheJobId) {
  EXPECT_EQ(parse_sbatch_parsable("12\n"), "12");
  EXPECT_EQ(parse_sbatch_parsable("345;snowy\n"), "345");
  EXPECT_EQ(parse_sbatch_parsable("sbatch: warning: something\n77\n"), "77");
  EXPECT_EQ(parse_sbatch_parsable(""), std::nullopt);
  EXPECT_EQ(parse_sbatch_parsable("Submitted batch job 12\n"), std::nullopt);
}

TEST(SlurmParse, SacctRowsFromTheTestCluster) {
  auto rows = parse_sacct(unit_test_data("slurm_sacct.txt"));
  ASSERT_EQ(rows.size(), 14u);  // comment lines skipped
  const AcctRow* done = find(rows, "12");
  ASSERT_TRUE(done);
  EXPECT_FALSE(done->is_step());
  EXPECT_EQ(done->state, "COMPLETED");
  EXPECT_EQ(done->exit_code, "0:0");
  EXPECT_EQ(done->elapsed_s, 1.0);
  EXPECT_NEAR(*done->total_cpu_s, 0.021, 1e-9);
  EXPECT_EQ(done->partition, "main");
  EXPECT_EQ(done->account, "naiss2024-22-107");
  EXPECT_EQ(done->cluster, "gradertest");
  EXPECT_EQ(done->time_limit, "00:05:00");
  EXPECT_EQ(done->submit, 1795500935);
  EXPECT_EQ(done->start, 1795500936);
  EXPECT_EQ(done->end, 1795500937);
  const AcctRow* batch = find(rows, "12.batch");
  ASSERT_TRUE(batch);
  EXPECT_TRUE(batch->is_step());
  EXPECT_EQ(batch->base_id(), "12");
  EXPECT_EQ(batch->max_rss_kb, 11416u);

  const AcctRow* cancelled = find(rows, "10");
  ASSERT_TRUE(cancelled);
  EXPECT_EQ(cancelled->state, "CANCELLED");
  EXPECT_EQ(cancelled->state_text, "CANCELLED by 0");

  const AcctRow* pending = find(rows, "5");
  ASSERT_TRUE(pending);
  EXPECT_EQ(pending->state, "PENDING");
  EXPECT_EQ(pending->reason, "BeginTime");
  EXPECT_EQ(pending->start, std::nullopt);  // "Unknown"

  const AcctRow* gpu = find(rows, "4");
  ASSERT_TRUE(gpu);
  EXPECT_NE(gpu->alloc_tres.find("gres/gpu=1"), std::string::npos);
  EXPECT_EQ(gpu->partition, "gpu");
}

TEST(SlurmParse, SqueueRowsFromTheTestCluster) {
  auto rows = parse_squeue(unit_test_data("slurm_squeue.txt"));
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].job_id, "12");
  EXPECT_EQ(rows[0].state, "COMPLETED");
  EXPECT_EQ(rows[0].time_limit, "5:00");
  EXPECT_EQ(rows[0].alloc_tres, "cpu=1,mem=2000M,node=1,billing=1");
  EXPECT_EQ(rows[0].cluster, "gradertest");
  EXPECT_EQ(rows[0].start, 1795500936);
  EXPECT_EQ(rows[2].state, "PENDING");
  EXPECT_EQ(rows[2].reason, "BeginTime");
}

// Array tasks: squeue -r with JobArrayID names each task "JOB_TASK" (JobID would print the task's
// own raw id, which sbatch never told us); sacct names them the same way, steps included.
TEST(SlurmParse, ArrayTasksFromTheTestCluster) {
  auto rows = parse_squeue(unit_test_data("slurm_squeue_array.txt"));
  ASSERT_EQ(rows.size(), 8u);
  EXPECT_EQ(rows[0].job_id, "385_0");
  EXPECT_EQ(rows[0].state, "PENDING");
  EXPECT_EQ(rows[0].start, std::nullopt);
  EXPECT_EQ(rows[7].job_id, "385_2");
  EXPECT_EQ(rows[7].state, "FAILED");
  EXPECT_EQ(rows[7].reason, "NonZeroExitCode");

  auto acct = parse_sacct(unit_test_data("slurm_sacct_array.txt"));
  ASSERT_EQ(acct.size(), 8u);
  const AcctRow* step = find(acct, "385_2.batch");
  ASSERT_TRUE(step);
  EXPECT_TRUE(step->is_step());
  EXPECT_EQ(step->base_id(), "385_2");  // the task's, not the array's: each task is waited for alone
  EXPECT_EQ(step->exit_code, "3:0");
  const AcctRow* task = find(acct, "385_2");
  ASSERT_TRUE(task);
  EXPECT_FALSE(task->is_step());
  EXPECT_EQ(task->base_id(), "385_2");
  EXPECT_EQ(task->state, "FAILED");
}

TEST(SlurmParse, Durations) {
  EXPECT_EQ(parse_slurm_duration("00:00.021"), 0.021);
  EXPECT_EQ(parse_slurm_duration("5:00"), 300);
  EXPECT_EQ(parse_slurm_duration("00:05:00"), 300);
  EXPECT_EQ(parse_slurm_duration("7-00:00:00"), 7 * 86400);
  EXPECT_EQ(parse_slurm_duration("1-02:03:04"), 86400 + 2 * 3600 + 3 * 60 + 4);
  EXPECT_EQ(parse_slurm_duration("2-12"), 2 * 86400 + 12 * 3600);
  EXPECT_EQ(parse_slurm_duration("UNLIMITED"), std::nullopt);
  EXPECT_EQ(parse_slurm_duration(""), std::nullopt);
}

TEST(SlurmParse, MemoryAndExitCodes) {
  EXPECT_EQ(parse_slurm_memory_kb("3276K"), 3276u);
  EXPECT_EQ(parse_slurm_memory_kb("310M"), 310u * 1024);
  EXPECT_EQ(parse_slurm_memory_kb("2G"), 2u * 1024 * 1024);
  EXPECT_EQ(parse_slurm_memory_kb("2048"), 2u);
  EXPECT_EQ(parse_slurm_memory_kb(""), std::nullopt);
  EXPECT_EQ(parse_exit_code("3:0"), (std::pair<int, int>{3, 0}));
  EXPECT_EQ(parse_exit_code("0:125"), (std::pair<int, int>{0, 125}));
  EXPECT_EQ(parse_exit_code(""), std::nullopt);
}

TEST(SlurmParse, TerminalAndPendingStates) {
  for (const char* s : {"COMPLETED", "FAILED", "TIMEOUT", "OUT_OF_MEMORY", "CANCELLED by 0", "NODE_FAIL",
                        "PREEMPTED", "BOOT_FAIL", "DEADLINE"})
    EXPECT_TRUE(is_terminal_state(s)) << s;
  for (const char* s : {"PENDING", "RUNNING", "COMPLETING", "REQUEUED", "SUSPENDED", "CONFIGURING"})
    EXPECT_FALSE(is_terminal_state(s)) << s;
  EXPECT_TRUE(is_pending_state("PENDING"));
  EXPECT_TRUE(is_pending_state("REQUEUED"));
  EXPECT_FALSE(is_pending_state("RUNNING"));
}

TEST(SlurmVerdict, CompletedIsOk) {
  auto v = map_final_state("COMPLETED", "0:0");
  EXPECT_EQ(v.status, RunStatus::Ok);
  EXPECT_EQ(v.exit_code, 0);
  EXPECT_TRUE(v.message.empty());
}

TEST(SlurmVerdict, ExitCodeIsTheLearners) {
  auto v = map_final_state("FAILED", "3:0", "NonZeroExitCode");
  EXPECT_EQ(v.status, RunStatus::NonzeroExit);
  EXPECT_EQ(v.exit_code, 3);
  EXPECT_NE(v.message.find("exited with code 3"), std::string::npos);
}

TEST(SlurmVerdict, SignalIsTheLearners) {
  auto v = map_final_state("FAILED", "0:11");
  EXPECT_EQ(v.status, RunStatus::Signaled);
  EXPECT_EQ(v.signal, 11);
  EXPECT_EQ(v.exit_code, std::nullopt);
}

TEST(SlurmVerdict, TimeoutIsSlurmsTimeLimit) {
  auto v = map_final_state("TIMEOUT", "0:0");
  EXPECT_EQ(v.status, RunStatus::Timeout);
  EXPECT_NE(v.message.find("time limit"), std::string::npos);
  EXPECT_EQ(map_final_state("TIMEOUT", "0:15").status, RunStatus::Timeout);
}

TEST(SlurmVerdict, OutOfMemoryIsTheMemoryLimit) {
  auto v = map_final_state("OUT_OF_MEMORY", "0:125");
  EXPECT_EQ(v.status, RunStatus::MemoryLimit);
  EXPECT_NE(v.message.find("--mem"), std::string::npos);
}

TEST(SlurmVerdict, OverMemoryKillBannerIsTheMemoryLimit) {
  // The test cluster has no cgroups: jobacct_gather kills the job, sacct says FAILED 0:9.
  std::string banner =
      "slurmstepd-localhost: error: StepId=13.batch exceeded memory limit (436195328 > 52428800), being "
      "killed\n";
  EXPECT_EQ(map_final_state("FAILED", "0:9", "", banner).status, RunStatus::MemoryLimit);
  EXPECT_EQ(map_final_state("FAILED", "0:9", "", "").status, RunStatus::Signaled);
}

TEST(SlurmVerdict, InfrastructureEndsAreRunnerErrors) {
  struct Case {
    const char* state;
    const char* says;
  } cases[] = {{"NODE_FAIL", "node running the job failed"},
               {"PREEMPTED", "preempted"},
               {"BOOT_FAIL", "failed to boot"},
               {"CANCELLED by 1234", "CANCELLED by 1234, not by the grader"},
               {"DEADLINE", "deadline"},
               {"REVOKED", "REVOKED"}};
  for (const auto& c : cases) {
    auto v = map_final_state(c.state, "0:0");
    EXPECT_EQ(v.status, RunStatus::RunnerError) << c.state;
    EXPECT_NE(v.message.find(c.says), std::string::npos) << c.state << ": " << v.message;
  }
  // Not the learner's fault, said plainly.
  EXPECT_NE(map_final_state("NODE_FAIL", "0:0").message.find("not the submission's fault"),
            std::string::npos);
}

TEST(SlurmVerdict, FailedWithoutCodeIsARunnerError) {
  auto v = map_final_state("FAILED", "0:0", "JobLaunchFailure");
  EXPECT_EQ(v.status, RunStatus::RunnerError);
  EXPECT_NE(v.message.find("JobLaunchFailure"), std::string::npos);
}

// `squeue --me -h -o %i|%Z` after graded job 40 ended in /scratch/jobs/grader-ab12/ws.
TEST(SlurmParse, LeftoverJobsAreThoseTheGradedJobSubmittedFromItsDirectory) {
  const std::string out =
      "38|/scratch/jobs/grader-ab12/ws\n"             // earlier: not submitted by job 40
      "41|/scratch/jobs/grader-ab12/ws\n"             // sbatch inside the job
      "42_[1-20]|/scratch/jobs/grader-ab12/ws/sub\n"  // a pending array, from a subdirectory
      "43|/scratch/jobs/grader-ab123/ws\n"            // another grading's directory, a longer name
      "44|/home/teacher/project\n"                    // the user's own job, from elsewhere
      "not a row\n";
  EXPECT_EQ(leftover_jobs(out, "40", "/scratch/jobs/grader-ab12"),
            (std::vector<std::string>{"41", "42_[1-20]"}));
  EXPECT_TRUE(leftover_jobs(out, "40", "").empty());
  EXPECT_TRUE(leftover_jobs("", "40", "/scratch/jobs/grader-ab12").empty());
}

}  // namespace
}  // namespace grader::slurm
