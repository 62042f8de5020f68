// The pure parts of run_io that both local executors share: the request's checks, the exit
// status from a wait status, the deadline, and the two halves of the verdict.
#include "runners/process/run_io.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>

#include <filesystem>
#include <string>

namespace grader::runio {
namespace {

namespace fs = std::filesystem;

class CheckRequestTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "run_io_test_XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = fs::canonical(tmpl);
    fs::create_directories(dir_ / "ws");
    fs::create_directory_symlink(dir_ / "ws", dir_ / "link");
    req_.argv = {"python3", "main.py"};
    req_.workdir = dir_ / "link";
    req_.env = {{"PATH", "/usr/bin"}};
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string check() { return check_request(req_, workdir_, root_); }

  fs::path dir_, workdir_, root_;
  RunRequest req_;
};

TEST_F(CheckRequestTest, AGoodRequestGivesTheWorkdirAndItsCanonicalRoot) {
  EXPECT_EQ(check(), "");
  EXPECT_EQ(workdir_, dir_ / "link");
  EXPECT_EQ(root_, dir_ / "ws");
}

TEST_F(CheckRequestTest, EachBadPartHasItsMessage) {
  req_.argv = {};
  EXPECT_EQ(check(), "empty command");
  req_.argv = {"a", std::string("b\0c", 3)};
  EXPECT_EQ(check(), "NUL byte in the command");
  req_.argv = {"a"};
  req_.timeout_s = 0;
  EXPECT_EQ(check(), "invalid timeout: 0.000000 s");
  req_.timeout_s = 1;
  req_.env["A=B"] = "x";
  EXPECT_EQ(check(), "invalid environment variable: 'A=B'");
  req_.env.erase("A=B");
  req_.workdir = dir_ / "missing";
  EXPECT_EQ(check(), "workdir does not exist: " + (dir_ / "missing").string());
}

TEST(RunIo, SetEndingKeepsExitCodeAndSignalApart) {
  RunResult exited;
  set_ending(exited, 3 << 8);  // WEXITSTATUS 3
  EXPECT_EQ(exited.exit_code, 3);
  EXPECT_FALSE(exited.signal);
  RunResult killed;
  set_ending(killed, SIGKILL);
  EXPECT_FALSE(killed.exit_code);
  EXPECT_EQ(killed.signal, SIGKILL);
}

TEST(RunIo, DeadlineIsCapped) {
  const Clock::time_point start = Clock::now();
  EXPECT_EQ(deadline_for(start, 2) - start, std::chrono::seconds(2));
  EXPECT_GT(deadline_for(start, 1e300), start);  // no overflow
}

TEST(RunIo, JudgeStopInOrder) {
  RunRequest req;
  req.timeout_s = 1.5;
  req.output_limit = 2048;
  RunResult r;
  EXPECT_FALSE(judge_stop(req, Stop::Exited, "", true, "lost", r));
  EXPECT_TRUE(judge_stop(req, Stop::Internal, "poll failed", false, "lost", r));
  EXPECT_EQ(r.status, RunStatus::RunnerError);
  EXPECT_EQ(r.message, "poll failed");
  EXPECT_TRUE(judge_stop(req, Stop::Timeout, "", false, "lost track of it", r));
  EXPECT_EQ(r.message, "lost track of it");
  EXPECT_TRUE(judge_stop(req, Stop::Timeout, "", true, "lost", r));
  EXPECT_EQ(r.status, RunStatus::Timeout);
  EXPECT_EQ(r.message, "killed after the 1.5 s time limit");
  RunResult over;
  over.out.truncated = true;
  EXPECT_TRUE(judge_stop(req, Stop::Exited, "", true, "lost", over));
  EXPECT_EQ(over.status, RunStatus::OutputLimit);
  EXPECT_EQ(over.message, "stdout exceeded the 2 KiB limit");
}

TEST(RunIo, JudgeExitInOrder) {
  RunRequest req;
  req.memory_bytes = 1 << 20;
  auto judged = [&](std::optional<int> code, std::optional<int> sig, const char* err, bool oom) {
    RunResult r;
    r.exit_code = code;
    r.signal = sig;
    r.err.data = err;
    judge_exit(req, 1 << 20, oom, r);
    return r;
  };
  EXPECT_EQ(judged(0, {}, "", true).status, RunStatus::Ok);
  EXPECT_EQ(judged({}, SIGXFSZ, "", true).status, RunStatus::OutputLimit);
  EXPECT_EQ(judged(1, {}, "File too large", true).status, RunStatus::OutputLimit);
  const RunResult oom = judged(1, {}, "MemoryError", true);
  EXPECT_EQ(oom.status, RunStatus::MemoryLimit);
  EXPECT_EQ(oom.message, "ran out of memory under the 1 MiB limit (exited with code 1)");
  EXPECT_EQ(judged(1, {}, "MemoryError", false).status, RunStatus::NonzeroExit);
  EXPECT_EQ(judged({}, SIGSEGV, "", false).status, RunStatus::Signaled);
}

}  // namespace
}  // namespace grader::runio
