// A settled Slurm job's accounting and verdict (runners/slurm/job_verdict.h), from rows captured
// on the test cluster (tests/unit/data/slurm_*) and outcomes as JobTracker hands them out. The
// jobs really running are in tests/integration/slurm_executor_test.cpp.
#include "runners/slurm/job_verdict.h"

#include <gtest/gtest.h>

#include "grader/util/units.h"

namespace grader::slurm {
namespace {

// Job 12 of slurm_sacct.txt / slurm_squeue.txt: python sleeping 1.5 s, COMPLETED 0:0.
JobOutcome completed_job() {
  JobOutcome oc;
  oc.state = "COMPLETED";
  oc.exit_code = "0:0";
  oc.started = true;
  oc.queue =
      parse_squeue(
          "12|COMPLETED|None|main|naiss2024-22-107|5:00|1795500935|1795500936|1795500937|cpu=1,mem=2000M,"
          "node=1,billing=1|gradertest|\n")
          .at(0);
  oc.acct = parse_sacct(
      "12|COMPLETED|0:0|1|00:00.021||billing=1,cpu=1,mem=2000M,node=1|main|naiss2024-22-107|gradertest|00:05:"
      "00|"
      "1795500935|1795500936|1795500937|None\n"
      "12.batch|COMPLETED|0:0|1|00:00.021|11416K|cpu=1,mem=2000M,node=1||naiss2024-22-107|gradertest||"
      "1795500936|"
      "1795500936|1795500937|\n");
  return oc;
}

TEST(JobVerdict, AccountingFromTheFinalAllocationRow) {
  SlurmAccounting a = job_accounting("12", completed_job());
  EXPECT_EQ(a.job_id, "12");
  EXPECT_EQ(a.state, "COMPLETED");
  EXPECT_EQ(a.exit_code, "0:0");
  EXPECT_EQ(a.cluster, "gradertest");
  EXPECT_EQ(a.partition, "main");
  EXPECT_EQ(a.account, "naiss2024-22-107");
  EXPECT_EQ(a.alloc_tres, "billing=1,cpu=1,mem=2000M,node=1") << "sacct's, not squeue's order";
  EXPECT_EQ(a.time_limit, "00:05:00");
  EXPECT_DOUBLE_EQ(a.elapsed_s, 1);
  EXPECT_DOUBLE_EQ(a.total_cpu_s, 0.021);
  EXPECT_DOUBLE_EQ(a.queue_wait_s, 1);
  EXPECT_EQ(a.max_rss_kb, 11416u) << "peak memory lives in the batch step";
}

TEST(JobVerdict, AccountingFromTheQueueRowBeforeSacctHasIt) {
  JobOutcome oc = completed_job();
  oc.acct.clear();
  oc.queue->time_limit = "7-00:00:00";
  SlurmAccounting a = job_accounting("12", oc);
  EXPECT_EQ(a.alloc_tres, "cpu=1,mem=2000M,node=1,billing=1");
  EXPECT_EQ(a.time_limit, "7-00:00:00");
  EXPECT_DOUBLE_EQ(a.elapsed_s, 1);
  EXPECT_DOUBLE_EQ(a.queue_wait_s, 1);
  oc.started = false;  // a job that never ran waited for nothing measurable
  EXPECT_DOUBLE_EQ(job_accounting("12", oc).queue_wait_s, 0);
  oc.queue->time_limit = "5:00";
  EXPECT_EQ(job_accounting("12", oc).time_limit, "00:05:00") << "squeue's M:SS in sacct's form";
}

TEST(JobVerdict, CpuTimeFromTheStepsWhenTheAllocationHasNone) {
  JobOutcome oc;
  AcctRow step0, batch;
  step0.job_id = "7.0";
  step0.total_cpu_s = 1.5;
  step0.max_rss_kb = 2048;
  batch.job_id = "7.batch";
  batch.total_cpu_s = 0.5;
  batch.max_rss_kb = 4096;
  oc.acct = {step0, batch};
  SlurmAccounting a = job_accounting("7", oc);
  EXPECT_DOUBLE_EQ(a.total_cpu_s, 2.0);
  EXPECT_EQ(a.max_rss_kb, 4096u);
}

RunResult judged(const JobOutcome& oc, SlurmAccounting& a, const JobWait& wait = {120, 120, 60}) {
  RunResult res;
  judge_job(res, a, "7", oc, wait);
  return res;
}

TEST(JobVerdict, FinishedJobsGetSlurmsVerdict) {
  JobOutcome oc;
  oc.state = "COMPLETED";
  oc.exit_code = "0:0";
  SlurmAccounting a;
  RunResult ok = judged(oc, a);
  EXPECT_EQ(ok.status, RunStatus::Ok);
  EXPECT_EQ(ok.message, "");
  oc.state = "FAILED";
  oc.exit_code = "3:0";
  RunResult failed = judged(oc, a);
  EXPECT_EQ(failed.status, RunStatus::NonzeroExit);
  EXPECT_EQ(failed.exit_code, 3);
  EXPECT_EQ(failed.message.rfind("job 7: ", 0), 0u) << failed.message;
}

TEST(JobVerdict, JobThatNeverLeftTheQueueIsTheRunnersFault) {
  JobOutcome oc;
  oc.kind = JobOutcome::Kind::DeadlinePassed;
  oc.reason = "Priority";
  SlurmAccounting a;
  RunResult res = judged(oc, a, {130, 120, 60});
  EXPECT_EQ(res.status, RunStatus::RunnerError);
  EXPECT_NE(res.message.find("job 7 stuck PENDING (reason Priority) for " + format_duration(130) +
                             ", past the " + format_duration(120) + " it was allowed"),
            std::string::npos)
      << res.message;
  EXPECT_EQ(a.state, "CANCELLED");
}

TEST(JobVerdict, JobThatRanPastItsTimeIsATimeout) {
  JobOutcome oc;
  oc.kind = JobOutcome::Kind::DeadlinePassed;
  oc.started = true;
  SlurmAccounting a;
  a.queue_wait_s = 3;
  RunResult res = judged(oc, a);
  EXPECT_EQ(res.status, RunStatus::Timeout);
  EXPECT_EQ(res.message, "job 7 did not finish within the run's timeout of " + format_duration(60) +
                             " (queued " + format_duration(3) + "); the grader cancelled it");
}

TEST(JobVerdict, SchedulerFailureAndInterruptAreRunnerErrorsWithTheirWords) {
  JobOutcome oc;
  oc.kind = JobOutcome::Kind::SchedulerError;
  oc.error = "the Slurm scheduler did not answer 3 queries in a row";
  SlurmAccounting a;
  RunResult down = judged(oc, a);
  EXPECT_EQ(down.status, RunStatus::RunnerError);
  EXPECT_EQ(down.message, "job 7: the Slurm scheduler did not answer 3 queries in a row");
  oc.kind = JobOutcome::Kind::DeadlinePassed;
  oc.started = true;
  oc.error = "the grader was interrupted (Interrupt); the grader cancelled job 7";
  EXPECT_EQ(judged(oc, a).status, RunStatus::RunnerError) << "a cancel on Ctrl-C is not a timeout";
}

TEST(JobVerdict, TrackersNoteIsAppended) {
  JobOutcome oc;
  oc.state = "COMPLETED";
  oc.exit_code = "0:0";
  oc.note = "sacct had no final record of the batch step after 10 s";
  SlurmAccounting a;
  RunResult res = judged(oc, a);
  EXPECT_EQ(res.status, RunStatus::Ok);
  EXPECT_EQ(res.message, "sacct had no final record of the batch step after 10 s");
}

}  // namespace
}  // namespace grader::slurm
