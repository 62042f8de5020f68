// The verdict of a sandboxed run, case by case: how the wait ended, init's report, the cgroup's
// memory evidence, the exit status and stderr.
#include "runners/sandbox/verdict.h"

#include <gtest/gtest.h>
#include <signal.h>

#include <string>

namespace grader::sandbox {
namespace {

using runio::Stop;

class VerdictTest : public ::testing::Test {
 protected:
  VerdictTest() {
    req_.timeout_s = 2;
    req_.output_limit = 1024;
    end_.reaped = true;
    end_.have_report = true;
    end_.file_size_limit = 64ull << 20;
  }
  RunResult judge() {
    classify(req_, end_, result_);
    return result_;
  }
  void with_cgroup(std::uint64_t peak, bool oom_kill = false, bool hit_limit = false) {
    end_.has_cgroup = true;
    end_.usage.peak_bytes = peak;
    end_.usage.oom_kill = oom_kill;
    end_.usage.hit_limit = hit_limit;
  }

  RunRequest req_;
  RunEnd end_;
  RunResult result_;
};

// A multiprocessing.Pool whose worker the OOM killer took waits for it forever: the run ends at
// its timeout, but memory is what ended it.
TEST_F(VerdictTest, AnOomKillBeforeATimeoutIsTheMemoryLimit) {
  req_.memory_bytes = 512ull << 20;
  req_.timeout_s = 30;
  end_.stop = Stop::Timeout;
  end_.have_report = false;
  with_cgroup(512ull << 20, true);
  result_.signal = SIGKILL;
  EXPECT_EQ(judge().status, RunStatus::MemoryLimit);
  EXPECT_EQ(result_.message,
            "a process was killed at the 512 MiB memory limit; the run then hung until its 30 s time limit");
}

TEST_F(VerdictTest, AnOomKillIsTheMemoryLimitEvenWhenTheRunRecovered) {
  req_.memory_bytes = 256ull << 20;
  with_cgroup(256ull << 20, true);
  result_.exit_code = 0;
  EXPECT_EQ(judge().status, RunStatus::MemoryLimit);
  EXPECT_EQ(result_.message,
            "a process was killed at the 256 MiB memory limit; the run then exited with code 0");
  result_ = {};
  end_.usage.oom_kill = false;
  result_.exit_code = 0;
  EXPECT_EQ(judge().status, RunStatus::Ok) << "no OOM kill, no memory verdict";
}

// In a bounded workspace "No space left on device" is a disk limit reached, not a crash.
TEST_F(VerdictTest, AFullBoundedWorkspaceIsTheOutputLimit) {
  end_.disk_quota = DiskQuota{1ull << 30, 100000};
  end_.tmp_bytes = 64ull << 20;
  end_.shm_bytes = 16ull << 20;
  result_.exit_code = 1;
  result_.err.data = "OSError: [Errno 28] No space left on device\n";
  EXPECT_EQ(judge().status, RunStatus::OutputLimit);
  EXPECT_EQ(
      result_.message,
      "a disk limit was reached: No space left on device (the workspace's 1 GiB, 100000-file limit, /tmp's "
      "64 MiB or /dev/shm's 16 MiB; exited with code 1)");
  result_.status = {};
  end_.disk_quota.reset();
  EXPECT_EQ(judge().status, RunStatus::NonzeroExit)
      << "without a bound the host's disk is full: not the run's limit";
}

TEST_F(VerdictTest, ASeccompKillSaysWhatTheFilterRefused) {
  end_.seccomp = true;
  result_.signal = SIGSYS;
  EXPECT_EQ(judge().status, RunStatus::Signaled);
  EXPECT_EQ(
      result_.message,
      "killed by signal 31 (SIGSYS): the sandbox's seccomp filter refused a system call of a foreign ABI "
      "(32-bit int 0x80 or x32), which it never allows; a refused x86-64 call fails with EPERM instead");
  result_ = {};
  end_.seccomp = false;
  result_.signal = SIGSYS;
  EXPECT_EQ(judge().message, "killed by signal 31 (SIGSYS)") << "no filter, no such claim";
}

TEST_F(VerdictTest, ExitZeroIsOk) {
  result_.exit_code = 0;
  const RunResult r = judge();
  EXPECT_EQ(r.status, RunStatus::Ok);
  EXPECT_EQ(r.message, "");
}

TEST_F(VerdictTest, NonzeroExitAndSignal) {
  result_.exit_code = 3;
  EXPECT_EQ(judge().status, RunStatus::NonzeroExit);
  EXPECT_EQ(result_.message, "exited with code 3");
  result_ = {};
  result_.signal = SIGSEGV;
  EXPECT_EQ(judge().status, RunStatus::Signaled);
}

TEST_F(VerdictTest, InternalErrorAndALostInitAreRunnerErrors) {
  end_.stop = Stop::Internal;
  end_.internal_error = "poll() failed: x";
  EXPECT_EQ(judge().status, RunStatus::RunnerError);
  EXPECT_EQ(result_.message, "poll() failed: x");
  end_.stop = Stop::Exited;
  end_.reaped = false;
  EXPECT_EQ(judge().message, "lost track of the sandbox's init");
}

TEST_F(VerdictTest, TimeoutWinsOverTheExitStatus) {
  end_.stop = Stop::Timeout;
  end_.have_report = false;
  result_.signal = SIGKILL;
  EXPECT_EQ(judge().status, RunStatus::Timeout);
  EXPECT_EQ(result_.message, "killed after the 2 s time limit");
}

TEST_F(VerdictTest, AStreamOverItsCapIsOutputLimit) {
  end_.stop = Stop::OutputLimit;
  result_.err.truncated = true;
  EXPECT_EQ(judge().status, RunStatus::OutputLimit);
  EXPECT_EQ(result_.message, "stderr exceeded the 1 KiB limit");
}

TEST_F(VerdictTest, FileSizeLimitBySignalOrByPythonsError) {
  result_.signal = SIGXFSZ;
  EXPECT_EQ(judge().status, RunStatus::OutputLimit);
  EXPECT_NE(result_.message.find("file size limit"), std::string::npos);
  result_ = {};
  result_.exit_code = 1;
  result_.err.data = "OSError: [Errno 27] File too large";
  EXPECT_EQ(judge().status, RunStatus::OutputLimit);
}

TEST_F(VerdictTest, InitDeadBeforeTheLearnerIsTheOomKillerOrARunnerError) {
  req_.memory_bytes = 256u << 20;
  end_.have_report = false;
  with_cgroup(100, true);
  EXPECT_EQ(judge().status, RunStatus::MemoryLimit);
  EXPECT_EQ(result_.signal, SIGKILL);
  result_ = {};
  end_.usage.oom_kill = false;
  EXPECT_EQ(judge().status, RunStatus::RunnerError);
  EXPECT_EQ(result_.message, "the sandbox's init ended unexpectedly");
}

TEST_F(VerdictTest, CgroupOomKillIsMemoryLimit) {
  req_.memory_bytes = 256u << 20;
  with_cgroup(0, true);
  result_.signal = SIGKILL;
  EXPECT_EQ(judge().status, RunStatus::MemoryLimit);
  EXPECT_EQ(result_.message, "ran out of memory under the 256 MiB limit (killed by signal 9 (SIGKILL))");
}

TEST_F(VerdictTest, MemoryErrorCountsUnderACgroupOnlyAtThePeak) {
  req_.memory_bytes = 1000;
  result_.exit_code = 1;
  result_.err.data = "MemoryError";
  with_cgroup(899);
  EXPECT_EQ(judge().status, RunStatus::NonzeroExit);
  end_.usage.peak_bytes = 900;
  EXPECT_EQ(judge().status, RunStatus::MemoryLimit);
  end_.usage.peak_bytes = 0;
  end_.usage.hit_limit = true;
  EXPECT_EQ(judge().status, RunStatus::MemoryLimit);
}

TEST_F(VerdictTest, MemoryErrorWithoutACgroupIsTheRlimit) {
  req_.memory_bytes = 1000;
  result_.exit_code = 1;
  result_.err.data = "std::bad_alloc";
  EXPECT_EQ(judge().status, RunStatus::MemoryLimit);
  req_.memory_bytes.reset();
  EXPECT_EQ(judge().status, RunStatus::NonzeroExit);
}

TEST_F(VerdictTest, SigkillAfterAMemoryEventIsMemoryLimit) {
  req_.memory_bytes = 1000;
  result_.signal = SIGKILL;
  with_cgroup(10, false, true);
  EXPECT_EQ(judge().status, RunStatus::MemoryLimit);
  end_.usage.hit_limit = false;
  EXPECT_EQ(judge().status, RunStatus::Signaled);
}

TEST_F(VerdictTest, LeftoversAreNoted) {
  result_.exit_code = 2;
  end_.leftovers = true;
  EXPECT_EQ(judge().message, "exited with code 2; some processes it started could not be killed");
}

}  // namespace
}  // namespace grader::sandbox
