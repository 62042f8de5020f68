// The remote-run protocol (runners/ssh/remote_command.h) as pure text: what the wrapper command
// line says, how the marker lines are read out of the streams (login noise, pgid, no-workdir,
// the end line with its nonce), and how an ending becomes a status. The wrapper really running
// under sshd is in tests/integration/{ssh,openssh}_transport_test.cpp.
#include "runners/ssh/remote_command.h"

#include <gtest/gtest.h>

#include <csignal>
#include <set>

#include "grader/run/transport.h"

namespace grader {
namespace {

RunRequest request() {
  RunRequest r;
  r.id = "main";
  r.argv = {"python3", "it's.py", "$HOME"};
  r.workdir = "/scratch/grader-abc/ws";
  r.env = {{"PATH", "/usr/bin"}, {"GREETING", "a b"}};
  r.timeout_s = 10;
  return r;
}

// Feeds `chunks` to a fresh RemoteStreams, one take() each.
struct Fed {
  CapturedStream out, err;
  RemoteStreams streams;
  explicit Fed(std::uint64_t cap = 1024, std::string nonce = {})
      : streams(out, err, cap, true, std::move(nonce)) {}
  Fed& out_chunk(const std::string& s) {
    streams.take(false, s.data(), s.size());
    return *this;
  }
  Fed& err_chunk(const std::string& s) {
    streams.take(true, s.data(), s.size());
    return *this;
  }
};

TEST(RemoteCommand, ValidRequestPasses) {
  EXPECT_EQ(invalid_remote_request(request()), std::nullopt);
}

TEST(RemoteCommand, RequestsNoRemoteShellCanCarryAreRefused) {
  RunRequest r = request();
  r.argv.clear();
  EXPECT_EQ(invalid_remote_request(r), "empty command");
  r = request();
  r.timeout_s = 0;
  EXPECT_NE(invalid_remote_request(r).value_or("").find("invalid timeout"), std::string::npos);
  r = request();
  r.argv[0] = "A=1";  // env would take it for a variable
  EXPECT_NE(invalid_remote_request(r).value_or("").find("'='"), std::string::npos);
  r = request();
  r.argv[1] = std::string("a\0b", 3);
  EXPECT_EQ(invalid_remote_request(r), "NUL byte in an argument");
  r = request();
  r.env["BAD=NAME"] = "x";
  EXPECT_EQ(invalid_remote_request(r), "invalid environment variable: 'BAD=NAME'");
  r = request();
  r.env[""] = "x";
  EXPECT_TRUE(invalid_remote_request(r));
}

TEST(RemoteCommand, EnvNotFindingTheCommandIsToldApart) {
  EXPECT_TRUE(env_found_no_command(127, "env: 'nope': No such file or directory\n"));
  EXPECT_FALSE(env_found_no_command(126, "env: 'nope': No such file or directory\n"));
  EXPECT_FALSE(env_found_no_command(127, "python3: can't open file 'x.py': No such file or directory\n"));
  EXPECT_FALSE(env_found_no_command(std::nullopt, "env: 'nope': No such file or directory\n"));
}

TEST(RemoteCommand, CommandLineQuotesEveryWordAndClearsTheEnvironment) {
  RemoteCommandOptions o;
  o.kill_grace_s = 2;
  const std::string c = remote_command(request(), o);
  EXPECT_EQ(c.rfind("exec /bin/sh -c '", 0), 0u) << c;
  // workdir, the remote timeout (ours plus the grace), no memory limit; then the environment
  // exactly (env -i, sorted as the map is) and argv word by word.
  EXPECT_NE(
      c.find(" sh '/scratch/grader-abc/ws' 12.000 '' env -i -- 'GREETING=a b' 'PATH=/usr/bin' 'python3' "
             "'it'\\''s.py' '$HOME'"),
      std::string::npos)
      << c;
  EXPECT_EQ(c.find("perl"), std::string::npos) << "no end report without a nonce";
}

TEST(RemoteCommand, MemoryLimitIsKibibytesForUlimit) {
  RunRequest r = request();
  r.memory_bytes = 64ull << 20;
  EXPECT_NE(remote_command(r, {}).find(" 12.000 '65536' env"), std::string::npos);
}

TEST(RemoteCommand, InheritedEnvironmentAndNonceChangeTheLine) {
  RemoteCommandOptions o;
  o.inherit_remote_env = true;
  o.status_nonce = "0123abcd";
  const std::string c = remote_command(request(), o);
  EXPECT_NE(c.find(" '0123abcd' env -- 'GREETING=a b'"), std::string::npos) << c;
  EXPECT_EQ(c.find("env -i"), std::string::npos);
  EXPECT_NE(c.find("perl"), std::string::npos) << "the end is reported (perl, else sh's $?)";
}

TEST(RemoteCommand, NoncesAreSixteenHexDigitsAndDiffer) {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    const std::string n = status_nonce();
    EXPECT_EQ(n.size(), 16u);
    EXPECT_EQ(n.find_first_not_of("0123456789abcdef"), std::string::npos) << n;
    seen.insert(n);
  }
  EXPECT_EQ(seen.size(), 100u);
}

TEST(RemoteCommand, SmallCommandsOfOurOwn) {
  EXPECT_EQ(mktemp_command("grader-slurm-"), "mktemp -d \"${TMPDIR:-/tmp}\"/'grader-slurm-XXXXXX'");
  EXPECT_THROW(mktemp_command("../x"), TransportError);
  EXPECT_THROW(mktemp_command("a b"), TransportError);
  EXPECT_THROW(mktemp_command("$(reboot)"), TransportError);
  const std::string kill = kill_group_command(4242);
  EXPECT_NE(kill.find("kill -KILL -- -4242"), std::string::npos) << kill;
  EXPECT_NE(kill.find("pkill -KILL -s 4242"), std::string::npos) << kill;
  const std::string tmp = temp_beside("/home/u/report.json");
  EXPECT_EQ(tmp.rfind("/home/u/.grader-tmp-", 0), 0u) << tmp;
  EXPECT_NE(temp_beside("/home/u/report.json"), tmp);
  EXPECT_EQ(temp_beside("report.json").rfind(".grader-tmp-", 0), 0u);
}

TEST(RemoteCommand, MktempAnswerIsTheDirectoryOrTheComplaint) {
  EXPECT_EQ(mktemp_result("ssh://u@h:22", 0, "/tmp/grader-abcdef\n", ""), "/tmp/grader-abcdef");
  EXPECT_EQ(mktemp_result("ssh://u@h:22", 0, "/tmp/grader-abcdef\r\n", ""), "/tmp/grader-abcdef");
  auto complaint = [](int code, const std::string& out, const std::string& err) -> std::string {
    try {
      mktemp_result("ssh://u@h:22", code, out, err);
    } catch (const TransportError& e) {
      return e.what();
    }
    return "";
  };
  EXPECT_EQ(complaint(1, "", "mktemp: failed to create directory via template: No space left on device\n"),
            "ssh://u@h:22: cannot create a temporary directory: mktemp: failed to create directory via "
            "template: No space left on device\n");
  EXPECT_EQ(complaint(1, "", ""), "ssh://u@h:22: cannot create a temporary directory: mktemp exited with 1");
  EXPECT_NE(complaint(0, "\n", ""), "") << "no directory printed";
  EXPECT_NE(complaint(0, "Welcome!\n", ""), "") << "not an absolute path";
}

TEST(RemoteStreams, LoginNoiseBeforeTheMarkersIsDropped) {
  Fed f;
  f.out_chunk("Welcome to Rackham!\n\036hpc-grader\nHello\n");
  f.err_chunk("module: loaded\n\036hpc-grader pgid=4242\noops\n");
  EXPECT_EQ(f.out.data, "Hello\n");
  EXPECT_EQ(f.out.total_bytes, 6u);
  EXPECT_EQ(f.err.data, "oops\n");
  EXPECT_EQ(f.streams.pgid(), 4242);
  EXPECT_TRUE(f.streams.started());
  EXPECT_FALSE(f.streams.no_workdir());
}

TEST(RemoteStreams, MarkerSplitAcrossChunksIsStillFound) {
  Fed f;
  f.out_chunk("motd\n\036hpc-gr").out_chunk("ader\nHel").out_chunk("lo");
  f.err_chunk("\036hpc-grader pg").err_chunk("id=77\n");
  EXPECT_EQ(f.out.data, "Hello");
  EXPECT_EQ(f.streams.pgid(), 77);
}

TEST(RemoteStreams, WrapperThatFoundNoWorkdirSaysSo) {
  Fed f;
  f.err_chunk("\036hpc-grader no-workdir\n");
  EXPECT_TRUE(f.streams.no_workdir());
  EXPECT_TRUE(f.streams.started());
  EXPECT_EQ(f.streams.pgid(), -1);
}

TEST(RemoteStreams, WithoutAnyMarkerTheClientsComplaintIsKept) {
  Fed f;
  f.err_chunk("ssh: connect to host login port 22: Connection refused\n");
  EXPECT_FALSE(f.streams.started());
  EXPECT_EQ(f.streams.unmarked_stderr(), "ssh: connect to host login port 22: Connection refused\n");
  EXPECT_EQ(f.err.data, "");
}

TEST(RemoteStreams, LongOutputWithoutMarkerIsHandedOverAsData) {
  Fed f(1 << 20);
  const std::string noise(70 * 1024, 'x');
  f.out_chunk(noise);
  EXPECT_EQ(f.out.data, noise);
}

TEST(RemoteStreams, StreamsAreCappedAndCounted) {
  Fed f(4);
  f.out_chunk("\036hpc-grader\nabcdefgh");
  EXPECT_EQ(f.out.data, "abcd");
  EXPECT_EQ(f.out.total_bytes, 8u);
  EXPECT_TRUE(f.out.truncated);
  EXPECT_TRUE(f.streams.over());
}

TEST(RemoteStreams, EndLineWithTheNonceGivesExitOrSignal) {
  Fed exited(1024, "n0nce");
  exited.err_chunk("\036hpc-grader pgid=5\noops\n\036hpc-grader end n0nce exit=3\n");
  EXPECT_EQ(exited.err.data, "oops\n");
  EXPECT_EQ(exited.streams.exit_code, 3);
  EXPECT_EQ(exited.streams.signal, std::nullopt);
  EXPECT_TRUE(exited.streams.ended());

  Fed killed(1024, "n0nce");
  killed.err_chunk("\036hpc-grader pgid=5\n").err_chunk("\036hpc-grader end n0").err_chunk("nce sig");
  EXPECT_FALSE(killed.streams.ended()) << "half an end line is held, not read";
  killed.err_chunk("nal=9\n");
  EXPECT_EQ(killed.streams.signal, 9);
  EXPECT_EQ(killed.err.data, "");
}

TEST(RemoteStreams, LearnersImitationOfTheEndLineIsData) {
  Fed f(1024, "n0nce");
  const std::string fake = "\036hpc-grader end guess exit=0\n";
  f.err_chunk("\036hpc-grader pgid=5\n").err_chunk(fake + "\036 also mine\n");
  EXPECT_FALSE(f.streams.ended());
  EXPECT_EQ(f.err.data, fake + "\036 also mine\n");
}

TEST(RemoteStreams, FinishHandsOverWhatWasHeldBack) {
  Fed f(1024, "n0nce");
  f.err_chunk("\036hpc-grader pgid=5\n").err_chunk("tail\036hpc-grader end n0");
  EXPECT_EQ(f.err.data, "tail");
  f.streams.finish();
  EXPECT_EQ(f.err.data, "tail\036hpc-grader end n0");
}

RunResult classified(const RunRequest& r, const RemoteEnd& end, std::string err = {}) {
  RunResult res;
  res.err.data = std::move(err);
  classify_remote_run(res, r, end);
  return res;
}

TEST(ClassifyRemoteRun, EndingsBecomeStatuses) {
  const RunRequest r = request();
  RemoteEnd end;
  end.exit_code = 0;
  EXPECT_EQ(classified(r, end).status, RunStatus::Ok);
  end.exit_code = 3;
  RunResult three = classified(r, end);
  EXPECT_EQ(three.status, RunStatus::NonzeroExit);
  EXPECT_EQ(three.exit_code, 3);
  end.exit_code.reset();
  end.signal = SIGSEGV;
  RunResult segv = classified(r, end);
  EXPECT_EQ(segv.status, RunStatus::Signaled);
  EXPECT_EQ(segv.signal, SIGSEGV);
}

TEST(ClassifyRemoteRun, ExitCodeWinsOverASignal) {
  RemoteEnd end;
  end.exit_code = 1;
  end.signal = SIGKILL;
  RunResult res = classified(request(), end);
  EXPECT_EQ(res.status, RunStatus::NonzeroExit);
  EXPECT_EQ(res.signal, std::nullopt);
}

TEST(ClassifyRemoteRun, OursAndTheRunnersEndingsComeFirst) {
  const RunRequest r = request();
  RemoteEnd end;
  end.exit_code = 0;
  end.stop = RemoteEnd::Stop::Timeout;
  RunResult timeout = classified(r, end);
  EXPECT_EQ(timeout.status, RunStatus::Timeout);
  EXPECT_NE(timeout.message.find("time limit"), std::string::npos) << timeout.message;
  end.stop = RemoteEnd::Stop::OutputLimit;
  EXPECT_EQ(classified(r, end).status, RunStatus::OutputLimit);
  end.stop = RemoteEnd::Stop::Ended;
  end.no_workdir = true;
  RunResult nodir = classified(r, end);
  EXPECT_EQ(nodir.status, RunStatus::RunnerError);
  EXPECT_EQ(nodir.message, "workdir does not exist: /scratch/grader-abc/ws");
}

TEST(ClassifyRemoteRun, CommandNotFoundIsTheRunnersAndMemoryIsTheLimit) {
  RunRequest r = request();
  RemoteEnd end;
  end.exit_code = 127;
  RunResult missing = classified(r, end, "env: 'python3': No such file or directory\n");
  EXPECT_EQ(missing.status, RunStatus::RunnerError);
  EXPECT_EQ(missing.message, "command not found: python3");
  end.exit_code.reset();
  end.signal = SIGKILL;
  EXPECT_EQ(classified(r, end).status, RunStatus::Signaled) << "no limit: a kill is a signal";
  r.memory_bytes = 64ull << 20;
  EXPECT_EQ(classified(r, end).status, RunStatus::MemoryLimit);
}

}  // namespace
}  // namespace grader
