// SshTransport against the test cluster's 2FA sshd (key, then a one-time password through PAM's
// keyboard-interactive; ci/cluster start): the answer from SSH_ASKPASS, a wrong code, no way to
// answer at all, and one code serving a whole grading. The codes come from the cluster's
// otp-askpass, which counts every code it hands out.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "runners/ssh/ssh_transport.h"
#include "tests/support/cli_runner.h"
#include "tests/support/ssh_cluster.h"

namespace grader {
namespace {

namespace fs = std::filesystem;
using namespace grader::testing;

class Ssh2faTest : public ::testing::Test {
 protected:
  void SetUp() override {
    env_ = cluster_env();
    ASSERT_EQ(cluster_sshd_missing(env_), "");
  }
  SshTarget target() {
    return SshTarget::parse(env_["GRADER_SSH_2FA_ALIAS"], fs::path(env_["GRADER_SSH_CONFIG"]));
  }

  std::map<std::string, std::string> env_;
  ScratchDir dir_;
};

TEST_F(Ssh2faTest, AskpassAnswersTheOneTimePasswordOnceForManyCommands) {
  ScopedEnv askpass("SSH_ASKPASS", env_["GRADER_SSH_OTP_ASKPASS"].c_str());
  ScopedEnv force("SSH_ASKPASS_REQUIRE", "force");
  const int before = otp_codes_issued(env_);
  SshTransport ssh(target());
  const std::string tmp = ssh.make_temp_dir("otp-");
  for (int i = 0; i < 20; ++i) {
    RunResult r = ssh.run(remote_request({"echo", std::to_string(i)}));
    ASSERT_EQ(r.status, RunStatus::Ok) << r.message << r.err.data;
    ASSERT_EQ(r.out.data, std::to_string(i) + "\n");
  }
  ssh.write_file(tmp + "/f", "x");
  EXPECT_EQ(ssh.read_file(tmp + "/f", 10), "x");
  ssh.remove_tree(tmp);
  EXPECT_EQ(ssh.connects(), 1);
  EXPECT_EQ(otp_codes_issued(env_), before + 1) << "one second factor for the whole session";
}

TEST_F(Ssh2faTest, WrongCodeIsRefusedAsTheSecondFactor) {
  const fs::path wrong = dir_.write("wrong-askpass", "#!/bin/sh\necho 000000\n");
  fs::permissions(wrong, fs::perms(0755));
  ScopedEnv askpass("SSH_ASKPASS", wrong.c_str());
  ScopedEnv force("SSH_ASKPASS_REQUIRE", "force");
  SshTransport ssh(target());
  const std::string e = transport_error_of([&] { ssh.connect(); });
  EXPECT_NE(e.find(ssh.describe() + ": the server refused the second factor"), std::string::npos) << e;
  EXPECT_NE(e.find("One-time password"), std::string::npos) << e;
  EXPECT_NE(e.find("the key itself was accepted"), std::string::npos) << e;
}

TEST_F(Ssh2faTest, AskpassThatFailsIsNamed) {
  ScopedEnv askpass("SSH_ASKPASS", "/bin/false");
  ScopedEnv force("SSH_ASKPASS_REQUIRE", "force");
  SshTransport ssh(target());
  const std::string e = transport_error_of([&] { ssh.connect(); });
  EXPECT_NE(e.find("SSH_ASKPASS /bin/false exited with 1"), std::string::npos) << e;
}

// Without SSH_ASKPASS and without a terminal (a new session has no controlling terminal), the
// error names the target, quotes the server's prompt and gives both ways out.
TEST_F(Ssh2faTest, NoAskpassAndNoTerminalSaysWhatToDo) {
  ScopedEnv askpass("SSH_ASKPASS", nullptr);
  ScopedEnv require("SSH_ASKPASS_REQUIRE", nullptr);
  const fs::path out = dir_.path / "error";
  pid_t pid = ::fork();
  if (pid == 0) {
    ::setsid();
    SshTransport ssh(target());
    write_text(out, ssh.describe() + "\n" + transport_error_of([&] { ssh.connect(); }));
    ::_exit(0);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  const std::string text = read_text(out);
  const std::string where = text.substr(0, text.find('\n'));
  const std::string e = text.substr(text.find('\n') + 1);
  EXPECT_EQ(e.rfind(where + ": the server asks for a second factor", 0), 0u) << e;
  EXPECT_NE(e.find("'One-time password (OATH) for `root': '"), std::string::npos) << e;
  EXPECT_NE(e.find("no terminal"), std::string::npos) << e;
  EXPECT_NE(e.find("set SSH_ASKPASS"), std::string::npos) << e;
  EXPECT_NE(e.find("ControlMaster"), std::string::npos) << e;
}

}  // namespace
}  // namespace grader
