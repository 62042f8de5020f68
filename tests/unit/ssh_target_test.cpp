// SshTarget (runners/ssh/ssh_target.h): the ssh:// URL and user@alias forms, what is refused
// and why, and how an ssh_config file fills in what the name did not say. Every test names its
// own config file, so ~/.ssh/config and the test cluster play no part.
#include "runners/ssh/ssh_target.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

#include "tests/support/workdir_fixture.h"

namespace grader {
namespace {

namespace fs = std::filesystem;

// A fresh directory (dir_) per test, for its config file.
class SshTargetTest : public testing::WorkdirTest {
 protected:
  SshTargetTest() : WorkdirTest("ssh_target_test", {}, false) {}
  void SetUp() override {
    WorkdirTest::SetUp();
    config("");
  }

  // Replaces the test's ssh_config with `text`.
  void config(const std::string& text) { std::ofstream(dir_ / "config") << text; }
  SshTarget parse(const std::string& input) { return SshTarget::parse(input, dir_ / "config"); }
  // The message parse() throws for `input`, or "" when it does not.
  std::string refusal(const std::string& input) {
    try {
      parse(input);
    } catch (const std::invalid_argument& e) {
      return e.what();
    }
    return "";
  }
};

TEST_F(SshTargetTest, UrlGivesUserHostAndPort) {
  SshTarget t = parse("ssh://alice@login.example.org:2222");
  EXPECT_EQ(t.user, "alice");
  EXPECT_EQ(t.host, "login.example.org");
  EXPECT_EQ(t.alias, "login.example.org");
  EXPECT_EQ(t.port, 2222);
  EXPECT_EQ(t.url(), "ssh://alice@login.example.org:2222");
  EXPECT_FALSE(t.proxy_jump);
  EXPECT_FALSE(t.proxy_command);
}

TEST_F(SshTargetTest, UrlWithoutUserOrPortKeepsTheDefaults) {
  SshTarget t = parse("ssh://login.example.org/");  // one trailing slash is tolerated
  EXPECT_EQ(t.user, "");
  EXPECT_EQ(t.port, 22);
  EXPECT_EQ(t.url(), "ssh://login.example.org:22");
}

TEST_F(SshTargetTest, BracketedIpv6Address) {
  SshTarget t = parse("ssh://root@[::1]:2200");
  EXPECT_EQ(t.host, "::1");
  EXPECT_EQ(t.port, 2200);
  EXPECT_EQ(t.url(), "ssh://root@[::1]:2200");
  EXPECT_EQ(parse("ssh://[fe80::1]").port, 22);
  EXPECT_EQ(parse("ssh://bob@[::1]:22/").host, "::1");
}

TEST_F(SshTargetTest, UserAtAliasForm) {
  SshTarget t = parse("bob@rackham");
  EXPECT_EQ(t.user, "bob");
  EXPECT_EQ(t.host, "rackham");
  EXPECT_EQ(t.alias, "rackham");
  EXPECT_EQ(t.port, 22);
}

TEST_F(SshTargetTest, ConfigFillsInWhatTheNameDidNotSay) {
  config(
      "Host rackham\n"
      "  HostName rackham.uppmax.uu.se\n"
      "  User carol\n"
      "  Port 2022\n"
      "  UserKnownHostsFile " +
      (dir_ / "known_hosts").string() + "\n");
  SshTarget t = parse("rackham");
  EXPECT_EQ(t.alias, "rackham");
  EXPECT_EQ(t.host, "rackham.uppmax.uu.se");
  EXPECT_EQ(t.user, "carol");
  EXPECT_EQ(t.port, 2022);
  EXPECT_EQ(t.known_hosts_file, dir_ / "known_hosts");
  EXPECT_EQ(t.config_file, dir_ / "config");
  // A block for another host changes nothing.
  SshTarget other = parse("snowy");
  EXPECT_EQ(other.host, "snowy");
  EXPECT_EQ(other.port, 22);
}

TEST_F(SshTargetTest, WhatTheUserWroteWinsOverTheConfig) {
  config("Host rackham\n  HostName rackham.uppmax.uu.se\n  User carol\n  Port 2022\n");
  SshTarget t = parse("ssh://dave@rackham:2200");
  EXPECT_EQ(t.user, "dave");
  EXPECT_EQ(t.port, 2200);
  EXPECT_EQ(t.host, "rackham.uppmax.uu.se") << "the alias still resolves";
  EXPECT_EQ(parse("erin@rackham").user, "erin");
}

TEST_F(SshTargetTest, KnownHostsUnderHomeIsExpanded) {
  config("Host rackham\n  UserKnownHostsFile ~/.ssh/cluster_hosts\n");
  const char* old = std::getenv("HOME");
  const std::string saved = old ? old : "";
  ::setenv("HOME", "/home/tester", 1);
  SshTarget t = parse("rackham");
  if (old)
    ::setenv("HOME", saved.c_str(), 1);
  else
    ::unsetenv("HOME");
  EXPECT_EQ(t.known_hosts_file, "/home/tester/.ssh/cluster_hosts");
}

TEST_F(SshTargetTest, ProxyJumpIsReadBackAsTheOneJumpHost) {
  config("Host inner\n  HostName 10.0.0.5\n  ProxyJump jumper@gateway.example.org:2201\n");
  SshTarget t = parse("inner");
  ASSERT_TRUE(t.proxy_jump);
  EXPECT_EQ(*t.proxy_jump, "jumper@gateway.example.org:2201");
  EXPECT_FALSE(t.proxy_command);
  EXPECT_EQ(t.url(), "ssh://10.0.0.5:22 via jumper@gateway.example.org:2201");
}

TEST_F(SshTargetTest, OtherProxyCommandsStayCommands) {
  config("Host inner\n  ProxyCommand nc -X 5 -x proxy:1080 %h %p\n");
  SshTarget t = parse("inner");
  EXPECT_FALSE(t.proxy_jump);
  ASSERT_TRUE(t.proxy_command);
  EXPECT_NE(t.proxy_command->find("nc -X 5 -x proxy:1080"), std::string::npos) << *t.proxy_command;
}

TEST_F(SshTargetTest, MalformedTargetsAreRefusedWithTheReason) {
  const std::pair<const char*, const char*> cases[] = {
      {"", "empty"},
      {"ssh://alice@host name", "whitespace"},
      {"ssh://alice:secret@host", "a password in the URL is not supported"},
      {"ssh://host/home/alice", "no path or query"},
      {"ssh://host?x=1", "no path or query"},
      {"ssh://host:0", "the port must be a number from 1 to 65535"},
      {"ssh://host:65536", "the port must be a number from 1 to 65535"},
      {"ssh://host:22x", "the port must be a number from 1 to 65535"},
      {"ssh://host:", "the port must be a number from 1 to 65535"},
      {"ssh://a@b@host", "more than one '@'"},
      {"ssh://@host", "empty user name before '@'"},
      {"ssh://", "no host name"},
      {"ssh://ho$t", "the host name has a '$'"},
      {"ssh://a@h;rm", "the host name has a ';'"},
      {"ssh://[::1", "'[' without ']'"},
      {"ssh://[nothex]:22", "not an IPv6 address in brackets"},
      {"ssh://[::1]22", "expected ':port' after ']'"},
      {"sftp://host", "only ssh:// URLs are supported"},
      {"http://host", "only ssh:// URLs are supported"},
      {"alice@host:2222", "a port needs the URL form: ssh://alice@host:2222"},
      {"host:22", "a port needs the URL form: ssh://host:22"},
  };
  for (const auto& [input, why] : cases) {
    const std::string message = refusal(input);
    EXPECT_NE(message.find(why), std::string::npos) << "'" << input << "' gave: " << message;
    EXPECT_NE(message.find("'" + std::string(input) + "'"), std::string::npos)
        << "the message quotes the input: " << message;
  }
}

TEST_F(SshTargetTest, UnreadableConfigFileIsRefusedByName) {
  const fs::path missing = dir_ / "no-such-config";
  std::string message;
  try {
    SshTarget::parse("rackham", missing);
  } catch (const std::invalid_argument& e) {
    message = e.what();
  }
  EXPECT_NE(message.find("cannot read the ssh config file " + missing.string()), std::string::npos)
      << message;
}

}  // namespace
}  // namespace grader
