// OpenSshTransport against the test cluster (ci/cluster start): a master opened by the test as a
// person would (on the plain sshd, and on the 2FA sshd with the one-time password from the
// cluster's askpass), then the same cases every transport passes (tests/support/
// transport_cases.h), many commands and files over one master with no further code, and the
// errors for a master that is missing, killed, or not configured. No sleeps for synchronisation:
// `ssh -M -f` returns once the master is up.
#include "runners/openssh/openssh_transport.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <filesystem>
#include <string>

#include "tests/support/cli_runner.h"
#include "tests/support/ssh_cluster.h"
#include "tests/support/transport_cases.h"

namespace grader {
namespace {

namespace fs = std::filesystem;
using namespace grader::testing;

class OpenSshTransportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    env_ = cluster_env();
    ASSERT_EQ(cluster_sshd_missing(env_), "");
  }
  SshTarget target(const std::string& alias) {
    return SshTarget::parse(alias, fs::path(env_["GRADER_SSH_CONFIG"]));
  }
  // A master of the test's own (not the config's ControlPath, which a person may be using).
  std::unique_ptr<ControlMaster> open_master(const std::string& alias) {
    auto m = std::make_unique<ControlMaster>(env_, alias, dir_.path / "cm");
    EXPECT_TRUE(m->open()) << "cannot open a master to " << alias << ": " << m->error();
    return m;
  }
  OpenSshOptions options(const ControlMaster& m) {
    OpenSshOptions o;
    o.control_path = m.path();
    return o;
  }

  std::map<std::string, std::string> env_;
  ScratchDir dir_;
};

// The cases every transport passes, over a master on the plain sshd.
class OpenSshOverMasterTest : public OpenSshTransportTest {
 protected:
  void SetUp() override {
    OpenSshTransportTest::SetUp();
    master_ = open_master(env_["GRADER_SSH_ALIAS"]);
    transport_ = std::make_unique<OpenSshTransport>(target(env_["GRADER_SSH_ALIAS"]), options(*master_));
  }
  std::unique_ptr<ControlMaster> master_;
  std::unique_ptr<OpenSshTransport> transport_;
};

TEST_F(OpenSshOverMasterTest, ExitCodesAndSignalsKeptApart) {
  expect_exit_codes_and_signals_kept_apart(*transport_);
}

TEST_F(OpenSshOverMasterTest, ArgvEnvWorkdirAndStdinAreExact) {
  expect_argv_env_workdir_and_stdin_exact(*transport_, dir_.path);
}

TEST_F(OpenSshOverMasterTest, OutputIsCappedExactlyLikeTheLocalExecutor) {
  expect_output_capped_like_the_local_executor(*transport_);
}

TEST_F(OpenSshOverMasterTest, TimeoutKillsTheRemoteProcessTree) {
  expect_timeout_kills_the_remote_process_tree(*transport_);
}

TEST_F(OpenSshOverMasterTest, UploadReadWriteRemoveRoundTrip) {
  expect_upload_read_write_remove_round_trip(*transport_, dir_.path);
}

// A learner's background process that keeps the streams open does not hold the run to its
// time limit: it ends shortly after the main process, as over libssh.
TEST_F(OpenSshOverMasterTest, BackgroundChildHoldingTheStreamsDoesNotWaitForTheTimeout) {
  OpenSshTransport& t = *transport_;
  auto t0 = std::chrono::steady_clock::now();
  RunResult r = t.run(remote_request({"sh", "-c", "sleep 302.5 & echo main; exit 4"}, 20));
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(), 5.0);
  EXPECT_EQ(r.status, RunStatus::NonzeroExit) << r.message;
  EXPECT_EQ(r.exit_code, 4);
  EXPECT_EQ(r.out.data, "main\n");
  RunResult left = t.run(remote_request(
      {"sh", "-c", "ps -eo stat=,args= | awk '$1 !~ /^Z/ && /slee[p] 302.5/' | grep . || echo none"}));
  EXPECT_EQ(left.out.data, "none\n");
}

// The 2FA login node: one code opens the master; then commands and files need none.
TEST_F(OpenSshTransportTest, OneSecondFactorForTheMasterThenNoneForManyCommands) {
  const int before = otp_codes_issued(env_);
  auto m = open_master(env_["GRADER_SSH_2FA_ALIAS"]);
  ASSERT_EQ(otp_codes_issued(env_), before + 1) << "opening the master asks for one code";
  OpenSshTransport t(target(env_["GRADER_SSH_2FA_ALIAS"]), options(*m));
  const std::string tmp = t.make_temp_dir("cm-");
  dir_.write("up/a.txt", "a\n");
  t.upload(dir_.path / "up", tmp);
  for (int i = 0; i < 20; ++i) {
    RunRequest r = remote_request({"cat", "a.txt"});
    r.workdir = tmp;
    RunResult res = t.run(r);
    ASSERT_EQ(res.status, RunStatus::Ok) << res.message << res.err.data;
    ASSERT_EQ(res.out.data, "a\n");
  }
  t.write_file(tmp + "/b", "b");
  EXPECT_EQ(t.read_file(tmp + "/b", 10), "b");
  t.remove_tree(tmp);
  EXPECT_EQ(otp_codes_issued(env_), before + 1) << "no further code after the master";
}

TEST_F(OpenSshTransportTest, KilledMasterSaysHowToOpenOne) {
  auto m = open_master(env_["GRADER_SSH_2FA_ALIAS"]);
  OpenSshTransport t(target(env_["GRADER_SSH_2FA_ALIAS"]), options(*m));
  ASSERT_EQ(t.run(remote_request({"true"})).status, RunStatus::Ok);
  const int pid = m->pid();
  ASSERT_GT(pid, 0);
  ASSERT_EQ(::kill(pid, SIGKILL), 0);
  const int codes = otp_codes_issued(env_);
  const std::string e = transport_error_of([&] { t.run(remote_request({"true"})); });
  EXPECT_NE(e.find(": no OpenSSH ControlMaster answers at " + m->path().string()), std::string::npos) << e;
  EXPECT_NE(e.find("ssh -F"), std::string::npos) << e;
  EXPECT_NE(e.find("-M -N -f -o ControlPersist=4h"), std::string::npos) << e;
  EXPECT_EQ(otp_codes_issued(env_), codes) << "the grader must never log in by itself";

  OpenSshTransport never(target(env_["GRADER_SSH_2FA_ALIAS"]),
                         OpenSshOptions{15, 2, false, dir_.path / "none"});
  const std::string missing = transport_error_of([&] { never.connect(); });
  EXPECT_NE(missing.find("no OpenSSH ControlMaster answers at " + (dir_.path / "none").string()),
            std::string::npos)
      << missing;
}

TEST_F(OpenSshTransportTest, NoControlPathConfiguredIsExplained) {
  OpenSshTransport t(target(env_["GRADER_SSH_ALIAS"]));  // its Host block has no ControlPath
  const std::string e = transport_error_of([&] { t.connect(); });
  EXPECT_NE(e.find("OpenSSH has no ControlPath for 'gradertest'"), std::string::npos) << e;
  EXPECT_NE(e.find("ControlPath ~/.ssh/cm-%C"), std::string::npos) << e;
}

TEST_F(OpenSshTransportTest, RunningMasterIsFoundThroughTheConfigsControlPath) {
  const fs::path cfg = config_with_private_control_path(env_, dir_.path);
  SshTarget t = SshTarget::parse(env_["GRADER_SSH_2FA_ALIAS"], cfg);
  EXPECT_FALSE(OpenSshTransport::running_master(t));
  auto env = env_;
  env["GRADER_SSH_CONFIG"] = cfg.string();
  ControlMaster m(env, env_["GRADER_SSH_2FA_ALIAS"],
                  configured_control_path(cfg, env_["GRADER_SSH_2FA_ALIAS"]));
  ASSERT_TRUE(m.open()) << m.error();
  auto found = OpenSshTransport::running_master(t);
  ASSERT_TRUE(found);
  EXPECT_EQ(*found, m.path());
  OpenSshTransport ride(t);
  EXPECT_EQ(ride.run(remote_request({"echo", "rode"})).out.data, "rode\n");
}

}  // namespace
}  // namespace grader
