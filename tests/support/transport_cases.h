// What every Transport must do the same way, whichever client carries it (SshTransport over
// libssh, OpenSshTransport over a ControlMaster): exit codes and signals apart, exact argv, env
// and stdin, capped output, the timeout killing the remote tree, files round-tripping. Each
// transport's test calls these on its own connection. Test-only; header-only; gtest assertions.
#pragma once

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <string>

#include "grader/run/transport.h"
#include "tests/support/ssh_cluster.h"

namespace grader::testing {

namespace fs = std::filesystem;

inline void expect_exit_codes_and_signals_kept_apart(Transport& t) {
  RunResult ok = t.run(remote_request({"sh", "-c", "echo out; echo err >&2"}));
  EXPECT_EQ(ok.status, RunStatus::Ok) << ok.message;
  EXPECT_EQ(ok.exit_code, 0);
  EXPECT_EQ(ok.out.data, "out\n");
  EXPECT_EQ(ok.err.data, "err\n");
  EXPECT_EQ(ok.out.total_bytes, 4u);

  RunResult three = t.run(remote_request({"sh", "-c", "exit 3"}));
  EXPECT_EQ(three.status, RunStatus::NonzeroExit);
  EXPECT_EQ(three.exit_code, 3);
  EXPECT_FALSE(three.signal);

  RunResult segv = t.run(remote_request({"sh", "-c", "kill -SEGV $$"}));
  EXPECT_EQ(segv.status, RunStatus::Signaled) << segv.message;
  EXPECT_EQ(segv.signal, SIGSEGV);
  EXPECT_FALSE(segv.exit_code);
  EXPECT_NE(segv.message.find("SIGSEGV"), std::string::npos) << segv.message;

  // The code a shell would give for that signal, as a plain exit: still an exit.
  RunResult exit139 = t.run(remote_request({"sh", "-c", "exit 139"}));
  EXPECT_EQ(exit139.status, RunStatus::NonzeroExit) << exit139.message;
  EXPECT_EQ(exit139.exit_code, 139);
  EXPECT_FALSE(exit139.signal);

  RunResult missing = t.run(remote_request({"no-such-command-xyz"}));
  EXPECT_EQ(missing.status, RunStatus::RunnerError);
  EXPECT_NE(missing.message.find("command not found: no-such-command-xyz"), std::string::npos)
      << missing.message;
}

inline void expect_argv_env_workdir_and_stdin_exact(Transport& t, const std::filesystem::path& dir) {
  RunRequest r = remote_request({"sh", "-c", "pwd; printf '[%s]' \"$@\"; echo; env | sort; cat", "sh", "a b",
                                 "it's", "$(id)", "*", ""});
  r.workdir = dir;
  r.env = {{"PATH", "/usr/bin:/bin"}, {"ODD", "x y;'\"$z"}};
  r.stdin_data = std::string("line1\nline2\n");
  RunResult res = t.run(r);
  ASSERT_EQ(res.status, RunStatus::Ok) << res.message << res.err.data;
  EXPECT_EQ(res.out.data, dir.string() +
                              "\n[a b][it's][$(id)][*][]\nODD=x y;'\"$z\nPATH=/usr/bin:/bin\n"
                              "PWD=" +
                              dir.string() + "\nline1\nline2\n");
  EXPECT_EQ(res.err.data, "");

  RunRequest nowhere = remote_request({"true"});
  nowhere.workdir = "/nonexistent/dir";
  RunResult nw = t.run(nowhere);
  EXPECT_EQ(nw.status, RunStatus::RunnerError);
  EXPECT_NE(nw.message.find("workdir does not exist: /nonexistent/dir"), std::string::npos) << nw.message;

  // A big stdin goes through the channel window without a deadlock.
  RunRequest big = remote_request({"wc", "-c"});
  big.stdin_data = std::string(3 * 1024 * 1024, 'x');
  RunResult b = t.run(big);
  EXPECT_EQ(b.status, RunStatus::Ok) << b.message;
  EXPECT_EQ(b.out.data, "3145728\n");
}

inline void expect_output_capped_like_the_local_executor(Transport& t) {
  RunRequest r = remote_request({"sh", "-c", "head -c 5000 /dev/zero; echo tail >&2"});
  r.output_limit = 1000;
  RunResult res = t.run(r);
  EXPECT_EQ(res.status, RunStatus::OutputLimit) << res.message;
  EXPECT_EQ(res.out.data.size(), 1000u);
  EXPECT_TRUE(res.out.truncated);
  EXPECT_GT(res.out.total_bytes, 1000u);
  EXPECT_NE(res.message.find("stdout exceeded"), std::string::npos) << res.message;

  // Exactly at the cap is not over it.
  RunRequest exact = remote_request({"head", "-c", "1000", "/dev/zero"});
  exact.output_limit = 1000;
  RunResult e = t.run(exact);
  EXPECT_EQ(e.status, RunStatus::Ok) << e.message;
  EXPECT_FALSE(e.out.truncated);
  EXPECT_EQ(e.out.total_bytes, 1000u);

  // A stream that never stops is stopped at the cap, not at the timeout.
  RunRequest endless = remote_request({"yes"}, 20);
  endless.output_limit = 64 * 1024;
  auto t0 = std::chrono::steady_clock::now();
  RunResult y = t.run(endless);
  EXPECT_EQ(y.status, RunStatus::OutputLimit);
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(), 10);
  // Killed: at most a zombie is left (this machine's init does not reap orphans).
  RunResult gone =
      t.run(remote_request({"sh", "-c", "ps -eo stat=,comm= | awk '$1 !~ /^Z/ && $2 == \"yes\"'"}));
  EXPECT_EQ(gone.out.data, "");
}

inline void expect_timeout_kills_the_remote_process_tree(Transport& t) {
  // A child in the background and a grandchild: all in the remote process group. The sleeps
  // carry this process's pid: the other SSH client's test may run the same case at once.
  const std::string mark = "301." + std::to_string(::getpid());
  RunRequest r =
      remote_request({"sh", "-c", "sleep " + mark + " & sh -c 'sleep " + mark + "' & sleep " + mark}, 1);
  auto t0 = std::chrono::steady_clock::now();
  RunResult res = t.run(r);
  double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_EQ(res.status, RunStatus::Timeout) << res.message;
  EXPECT_NE(res.message.find("time limit"), std::string::npos);
  EXPECT_GE(res.wall_s, 1.0);
  EXPECT_LT(took, 3.0);
  RunResult left = t.run(remote_request(
      {"sh", "-c", "ps -eo stat=,args= | awk '$1 !~ /^Z/ && /slee[p] " + mark + "/' | grep . || echo none"}));
  EXPECT_EQ(left.out.data, "none\n") << "processes survived the timeout";
}

inline void expect_upload_read_write_remove_round_trip(Transport& t, const std::filesystem::path& dir) {
  fs::path local = dir / "submission";
  fs::create_directories(local / "sub dir" / "deeper");
  const std::string binary("\xff\xfe\x00\x01\x80 not utf-8 \xc3\x28", 18);
  write_text(local / "with space.txt", "hello\n");
  write_text(local / "sub dir" / "deeper" / "bytes.bin", binary);
  write_text(local / "run.sh", "#!/bin/sh\necho ran\n");
  fs::permissions(local / "run.sh", fs::perms(0750));
  fs::permissions(local / "with space.txt", fs::perms(0640));
  fs::create_symlink("sub dir/deeper/bytes.bin", local / "link");

  std::string remote = t.make_temp_dir("roundtrip-");
  ASSERT_EQ(remote.rfind("/", 0), 0u);
  t.upload(local, remote);

  EXPECT_EQ(t.read_file(remote + "/with space.txt", 100), "hello\n");
  EXPECT_EQ(t.read_file(remote + "/sub dir/deeper/bytes.bin", 100), binary);
  EXPECT_EQ(t.read_file(remote + "/sub dir/deeper/bytes.bin", 4), binary.substr(0, 4));
  EXPECT_EQ(t.read_file(remote + "/link", 100), binary);
  EXPECT_EQ(t.read_file(remote + "/absent", 100), std::nullopt);

  RunRequest check =
      remote_request({"sh", "-c", "stat -c '%a %n' run.sh 'with space.txt'; readlink link; ./run.sh"});
  check.workdir = remote;
  RunResult st = t.run(check);
  EXPECT_EQ(st.out.data, "750 run.sh\n640 with space.txt\nsub dir/deeper/bytes.bin\nran\n") << st.err.data;

  // write_file replaces atomically and takes any bytes.
  t.write_file(remote + "/with space.txt", binary);
  EXPECT_EQ(t.read_file(remote + "/with space.txt", 100), binary);
  RunRequest no_tmp = remote_request({"sh", "-c", "ls -A | grep -c grader-tmp || true"});
  no_tmp.workdir = remote;
  EXPECT_EQ(t.run(no_tmp).out.data, "0\n");

  // Files a run collects are read back from inside the workdir only.
  RunRequest collect = remote_request({"sh", "-c", "echo result > out.txt; ln -s /etc/passwd escape"});
  collect.workdir = remote;
  collect.collect = {"out.txt", "escape", "missing"};
  RunResult c = t.run(collect);
  EXPECT_TRUE(c.files["out.txt"].exists);
  EXPECT_EQ(c.files["out.txt"].data, "result\n");
  EXPECT_FALSE(c.files["escape"].exists);
  EXPECT_FALSE(c.files["missing"].exists);
  // The same rule for collect_file, which executors call after a run they did not start (Slurm).
  CollectedFile out = t.collect_file(remote, "out.txt", 3);
  EXPECT_TRUE(out.exists);
  EXPECT_EQ(out.data, "res");
  EXPECT_EQ(out.size, 7u);
  EXPECT_TRUE(out.truncated);
  EXPECT_FALSE(t.collect_file(remote, "escape", 100).exists) << "a symlink out of the workdir is read";
  EXPECT_FALSE(
      t.collect_file(remote, "../" + std::filesystem::path(remote).filename().string() + "/escape", 100)
          .exists);
  EXPECT_FALSE(t.collect_file(remote, "missing", 100).exists);

  t.remove_tree(remote);
  EXPECT_EQ(t.read_file(remote + "/with space.txt", 100), std::nullopt);
  RunResult gone = t.run(remote_request({"sh", "-c", "test -e \"$0\" && echo exists || echo gone", remote}));
  EXPECT_EQ(gone.out.data, "gone\n");
}

}  // namespace grader::testing
