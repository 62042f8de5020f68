// Job array scripts and task status files (runners/slurm/array_script.h): the text sbatch gets
// and the verdicts read back. The tasks really running on the test cluster are in
// tests/integration/slurm_executor_test.cpp.
#include "runners/slurm/array_script.h"

#include <gtest/gtest.h>

namespace grader::slurm {
namespace {

RunRequest request(double timeout_s = 10) {
  RunRequest r;
  r.id = "small";
  r.argv = {"python3", "hello.py", "it's $HOME"};
  r.workdir = "/scratch/grader-abc/ws";
  r.env = {{"PATH", "/usr/bin"}, {"GREETING", "a b"}};
  r.timeout_s = timeout_s;
  return r;
}

TEST(ArrayScript, OneMemoryLimitPerArrayAndTheLongestTime) {
  RunRequest a = request(10), b = request(200);
  EXPECT_EQ(array_shape(a).mem_mb, std::nullopt);
  EXPECT_EQ(array_sbatch_flags({{&a, ""}}, 2), (std::vector<std::string>{"--ntasks=1", "--time=2"}));  // 72 s
  EXPECT_EQ(array_sbatch_flags({{&a, ""}, {&b, ""}}, 2),
            (std::vector<std::string>{"--ntasks=1", "--time=5"}));  // 262 s
  a.memory_bytes = 100ull << 20;
  EXPECT_EQ(array_shape(a).mem_mb, 164u);  // the limit and 64 MiB for bash and timeout
  a.memory_bytes = (100ull << 20) + 1;
  EXPECT_EQ(array_shape(a).mem_mb, 165u);
  EXPECT_NE(array_shape(a), array_shape(b));
  EXPECT_EQ(array_sbatch_flags({{&a, ""}}, 2),
            (std::vector<std::string>{"--ntasks=1", "--time=2", "--mem=165M"}));
}

TEST(ArrayScript, RunsEachCommandQuotedInItsOwnCase) {
  RunRequest a = request(), b = request(3);
  b.argv = {"sh", "-c", "exit 3"};
  b.memory_bytes = 64ull << 20;
  std::string s = array_script({{&a, ""}, {&b, "/scratch/grader-x/1.in"}}, "/scratch/grader-x", 2);
  EXPECT_EQ(s.rfind("#!/bin/bash\n", 0), 0u);
  EXPECT_NE(s.find("d='/scratch/grader-x'\n"), std::string::npos);
  EXPECT_NE(
      s.find(
          "0)\n  cd -- '/scratch/grader-abc/ws' 2>/dev/null || { echo nodir >\"$d/0.status\"; exit 125; }\n"),
      std::string::npos);
  EXPECT_NE(s.find("timeout -k 2.000 10.000 env -- 'GREETING=a b' 'PATH=/usr/bin' 'python3' 'hello.py' "
                   "'it'\\''s $HOME' </dev/null\n"),
            std::string::npos)
      << s;
  EXPECT_NE(s.find("1)\n"), std::string::npos);
  EXPECT_NE(s.find("  ulimit -v 65536\n"), std::string::npos);
  EXPECT_NE(s.find("'sh' '-c' 'exit 3' <'/scratch/grader-x/1.in'\n"), std::string::npos);
  EXPECT_NE(s.find("echo \"$rc $t0 $(now)\" >\"$d/1.status\""), std::string::npos);
  // A task id with no command (never sbatch's, but say so rather than run nothing quietly).
  EXPECT_NE(s.find("*)\n  echo \"hpc-grader: this array has no task"), std::string::npos);
}

TEST(ArrayScript, StatusFilesAreReadInAnyLocale) {
  auto st = parse_task_status("3 1795508519.250000 1795508520.750000\n");
  ASSERT_TRUE(st);
  EXPECT_EQ(st->rc, 3);
  EXPECT_DOUBLE_EQ(st->wall_s, 1.5);
  st = parse_task_status("0 1795508519,100000 1795508519,350000\n");  // sv_SE's decimal comma
  ASSERT_TRUE(st);
  EXPECT_NEAR(st->wall_s, 0.25, 1e-6);
  st = parse_task_status("nodir\n");
  ASSERT_TRUE(st);
  EXPECT_TRUE(st->workdir_missing);
  EXPECT_FALSE(parse_task_status(""));
  EXPECT_FALSE(parse_task_status("3 x y"));
  EXPECT_FALSE(parse_task_status("300 1 2"));
  EXPECT_FALSE(parse_task_status("3x 1 2"));
}

TaskVerdict verdict(const RunRequest& r, int rc, double wall, const std::string& err = "") {
  TaskStatus st;
  st.rc = rc;
  st.wall_s = wall;
  return task_verdict(r, st, err);
}

TEST(ArrayScript, VerdictsReadLikeTheOtherExecutors) {
  RunRequest r = request(2);
  EXPECT_EQ(verdict(r, 0, 0.1).status, RunStatus::Ok);
  auto v = verdict(r, 3, 0.1);
  EXPECT_EQ(v.status, RunStatus::NonzeroExit);
  EXPECT_EQ(v.exit_code, 3);
  EXPECT_EQ(v.message, "exited with code 3");
  v = verdict(r, 124, 2.01);
  EXPECT_EQ(v.status, RunStatus::Timeout);
  EXPECT_EQ(v.message, "killed after the 2 s time limit");
  EXPECT_EQ(verdict(r, 137, 4.0).status, RunStatus::Timeout);  // the KILL after the grace
  // 124 or 137 well inside the limit is the command's own doing.
  v = verdict(r, 124, 0.3);
  EXPECT_EQ(v.status, RunStatus::NonzeroExit);
  EXPECT_EQ(v.exit_code, 124);
  v = verdict(r, 143, 0.3);
  EXPECT_EQ(v.status, RunStatus::Signaled);
  EXPECT_EQ(v.signal, 15);
  EXPECT_EQ(v.exit_code, std::nullopt);
  EXPECT_EQ(v.message, "killed by signal 15 (SIGTERM)");
  v = verdict(r, 127, 0.0, "env: \xe2\x80\x98python3\xe2\x80\x99: No such file or directory\n");
  EXPECT_EQ(v.status, RunStatus::RunnerError);
  EXPECT_EQ(v.message, "command not found on the compute node: python3");

  EXPECT_EQ(verdict(r, 1, 0.2, "MemoryError\n").status, RunStatus::NonzeroExit);  // no limit set
  r.memory_bytes = 50ull << 20;
  v = verdict(r, 1, 0.2, "Traceback...\nMemoryError\n");
  EXPECT_EQ(v.status, RunStatus::MemoryLimit);
  EXPECT_EQ(v.message, "ran out of memory under the 50 MiB limit (exited with code 1)");

  TaskStatus gone;
  gone.workdir_missing = true;
  v = task_verdict(r, gone, "");
  EXPECT_EQ(v.status, RunStatus::RunnerError);
  EXPECT_NE(v.message.find("not there on the compute node"), std::string::npos);
}

}  // namespace
}  // namespace grader::slurm
