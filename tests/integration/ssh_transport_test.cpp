// SshTransport against the test cluster's real sshd (ci/cluster start), and against private
// sshd instances and sockets this test starts for the faults. If the cluster is not running,
// these tests fail and say how to start it; they never skip. No sleeps for synchronisation: a
// run returns once the remote command ended; waits for a remote state poll a condition.
#include "runners/ssh/ssh_transport.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <thread>

#include "tests/support/ssh_cluster.h"
#include "tests/support/transport_cases.h"

namespace grader {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

using namespace grader::testing;

// A listening socket on a free loopback port; close() it to get a port nobody listens on.
struct Listener {
  int fd = -1;
  int port = 0;
  Listener() {
    fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
    ::listen(fd, 16);
    socklen_t len = sizeof a;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    port = ntohs(a.sin_port);
  }
  void close() {
    if (fd >= 0) ::close(fd);
    fd = -1;
  }
  ~Listener() { close(); }
};

std::set<pid_t> descendants(pid_t root) {
  std::map<pid_t, pid_t> parent;
  for (const auto& e : fs::directory_iterator("/proc")) {
    const std::string name = e.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::string stat = read_text(e.path() / "stat");
    auto close = stat.rfind(')');
    if (close == std::string::npos) continue;
    std::istringstream rest(stat.substr(close + 2));
    char state;
    pid_t ppid;
    rest >> state >> ppid;
    parent[std::stoi(name)] = ppid;
  }
  std::set<pid_t> out{root};
  for (bool grew = true; grew;) {
    grew = false;
    for (auto [pid, pp] : parent) {
      if (out.count(pp) && !out.count(pid)) {
        out.insert(pid);
        grew = true;
      }
    }
  }
  return out;
}

class SshTransportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    env_ = cluster_env();
    ASSERT_FALSE(env_.empty()) << kStartCluster << " (no GRADER_SSH_* settings found)";
    port_ = std::stoi(env_["GRADER_SSH_PORT"]);
    ASSERT_TRUE(port_answers(port_)) << kStartCluster << " (nothing listens on 127.0.0.1:" << port_ << ")";
    std::string tmpl = (fs::temp_directory_path() / "ssh_transport_test_XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  SshTarget target() {
    return SshTarget::parse(env_["GRADER_SSH_ALIAS"], fs::path(env_["GRADER_SSH_CONFIG"]));
  }

  SshTarget explicit_target(int port, const fs::path& known_hosts) {
    SshTarget t = SshTarget::parse("ssh://root@127.0.0.1:" + std::to_string(port), fs::path("/dev/null"));
    t.identity_file = env_["GRADER_SSH_KEY"];
    t.known_hosts_file = known_hosts;
    return t;
  }

  static RunRequest request(std::vector<std::string> argv, double timeout_s = 10) {
    return remote_request(std::move(argv), timeout_s);
  }
  template <class F>
  static std::string error_of(F&& f) {
    return transport_error_of(std::forward<F>(f));
  }

  std::map<std::string, std::string> env_;
  int port_ = 0;
  fs::path dir_;
};

// ---------------------------------------------------------------- targets

// Parsing without a server: tests/unit/ssh_target_test.cpp.

TEST_F(SshTransportTest, TargetResolvesConfigAliasLikeOpenSsh) {
  SshTarget t = target();
  EXPECT_EQ(t.alias, "gradertest");
  EXPECT_EQ(t.host, "127.0.0.1");
  EXPECT_EQ(t.port, port_);
  EXPECT_EQ(t.user, "root");
  EXPECT_EQ(t.known_hosts_file, fs::path(env_["GRADER_SSH_KNOWN_HOSTS"]));
  EXPECT_FALSE(t.proxy_jump);
  // What the name says wins over the config.
  SshTarget u = SshTarget::parse("nobody@gradertest", fs::path(env_["GRADER_SSH_CONFIG"]));
  EXPECT_EQ(u.user, "nobody");
  EXPECT_EQ(u.host, "127.0.0.1");
}

// ---------------------------------------------------------------- commands

TEST_F(SshTransportTest, ExitCodesAndSignalsKeptApart) {
  SshTransport ssh(target());
  expect_exit_codes_and_signals_kept_apart(ssh);
}

TEST_F(SshTransportTest, ArgvEnvWorkdirAndStdinAreExact) {
  SshTransport ssh(target());
  expect_argv_env_workdir_and_stdin_exact(ssh, dir_);
}

TEST_F(SshTransportTest, OutputIsCappedExactlyLikeTheLocalExecutor) {
  SshTransport ssh(target());
  expect_output_capped_like_the_local_executor(ssh);
}

TEST_F(SshTransportTest, TimeoutKillsTheRemoteProcessTree) {
  SshTransport ssh(target());
  expect_timeout_kills_the_remote_process_tree(ssh);
}

TEST_F(SshTransportTest, ManyCommandsReuseOneConnection) {
  SshTransport ssh(target());
  std::string dir = ssh.make_temp_dir("reuse-");
  for (int i = 0; i < 30; ++i) {
    RunResult r = ssh.run(request({"echo", std::to_string(i)}));
    ASSERT_EQ(r.out.data, std::to_string(i) + "\n");
  }
  ssh.write_file(dir + "/f", "x");
  EXPECT_EQ(ssh.read_file(dir + "/f", 10), "x");
  ssh.remove_tree(dir);
  EXPECT_EQ(ssh.connects(), 1);
}

// ---------------------------------------------------------------- files

TEST_F(SshTransportTest, UploadReadWriteRemoveRoundTrip) {
  SshTransport ssh(target());
  expect_upload_read_write_remove_round_trip(ssh, dir_);
}

// ---------------------------------------------------------------- faults

// A remote disk that fills up during the upload: a TransportError that names the file and says
// that a full disk looks like this (SFTP reports only SSH_FX_FAILURE), never a half-staged run.
TEST_F(SshTransportTest, RemoteDiskFullIsATransportError) {
  fs::path full = dir_ / "full";
  fs::create_directories(full);
  ASSERT_EQ(::geteuid(), 0u) << "this test mounts a small tmpfs: run it as root (CI does)";
  ASSERT_EQ(std::system(("mount -t tmpfs -o size=64k tmpfs '" + full.string() + "'").c_str()), 0)
      << "cannot mount a tmpfs at " << full;
  struct Unmount {
    fs::path p;
    ~Unmount() { std::system(("umount -l '" + p.string() + "'").c_str()); }
  } unmount{full};
  fs::path local = dir_ / "submission";
  fs::create_directories(local);
  write_text(local / "big.bin", std::string(1024 * 1024, 'x'));

  SshTransport ssh(target());
  try {
    ssh.upload(local, full.string());
    FAIL() << "a 1 MiB upload into a 64 KiB filesystem went through";
  } catch (const TransportError& e) {
    std::string what = e.what();
    EXPECT_NE(what.find("big.bin"), std::string::npos) << what;
    EXPECT_NE(what.find("full disk"), std::string::npos) << what;
  }
  // The connection is still good for the next call.
  EXPECT_EQ(ssh.run(request({"echo", "alive"})).out.data, "alive\n");
}

TEST_F(SshTransportTest, UnknownHostKeyIsRefusedWithItsFingerprint) {
  fs::path empty = dir_ / "known_hosts";
  write_text(empty, "");
  SshTransport ssh(explicit_target(port_, empty));
  std::string e = error_of([&] { ssh.connect(); });
  EXPECT_NE(e.find("unknown host key"), std::string::npos) << e;
  EXPECT_NE(e.find("[127.0.0.1]:" + std::to_string(port_)), std::string::npos) << e;
  EXPECT_NE(e.find("SHA256:"), std::string::npos) << e;
  EXPECT_NE(e.find(empty.string()), std::string::npos) << e;
  EXPECT_EQ(read_text(empty), "") << "the grader must never add a key";

  // A config that says `StrictHostKeyChecking no` changes nothing.
  fs::path cfg = dir_ / "lax_config";
  write_text(cfg, "Host lax\n  HostName 127.0.0.1\n  Port " + std::to_string(port_) +
                      "\n  User root\n  StrictHostKeyChecking no\n  UserKnownHostsFile " + empty.string() +
                      "\n  GlobalKnownHostsFile /dev/null\n  IdentityFile " + env_["GRADER_SSH_KEY"] + "\n");
  SshTransport lax(SshTarget::parse("lax", cfg));
  e = error_of([&] { lax.connect(); });
  EXPECT_NE(e.find("unknown host key"), std::string::npos) << e;
}

TEST_F(SshTransportTest, ChangedHostKeyIsRefused) {
  ASSERT_EQ(std::system(("ssh-keygen -q -t ed25519 -N '' -f " + (dir_ / "other").string()).c_str()), 0);
  std::string pub = read_text(dir_ / "other.pub");
  pub = pub.substr(0, pub.find(' ', pub.find(' ') + 1));
  fs::path kh = dir_ / "known_hosts";
  write_text(kh, "[127.0.0.1]:" + std::to_string(port_) + " " + pub + "\n");
  SshTransport ssh(explicit_target(port_, kh));
  std::string e = error_of([&] { ssh.connect(); });
  EXPECT_NE(e.find("HOST KEY CHANGED"), std::string::npos) << e;
  EXPECT_NE(e.find("SHA256:"), std::string::npos) << e;
  EXPECT_NE(e.find(kh.string()), std::string::npos) << e;
}

TEST_F(SshTransportTest, WrongUserOrKeyIsRefused) {
  SshTarget t = explicit_target(port_, env_["GRADER_SSH_KNOWN_HOSTS"]);
  t.user = "nobody";
  SshTransport wrong_user(t);
  std::string e = error_of([&] { wrong_user.connect(); });
  EXPECT_NE(e.find("authentication refused for user 'nobody'"), std::string::npos) << e;
  EXPECT_NE(e.find("publickey"), std::string::npos) << e;

  ASSERT_EQ(std::system(("ssh-keygen -q -t ed25519 -N '' -f " + (dir_ / "stranger").string()).c_str()), 0);
  SshTarget k = explicit_target(port_, env_["GRADER_SSH_KNOWN_HOSTS"]);
  k.identity_file = dir_ / "stranger";
  SshTransport wrong_key(k);
  e = error_of([&] { wrong_key.connect(); });
  EXPECT_NE(e.find("authentication refused for user 'root'"), std::string::npos) << e;
  EXPECT_NE(e.find((dir_ / "stranger").string() + " (refused)"), std::string::npos) << e;
}

TEST_F(SshTransportTest, NothingListeningIsConnectionRefused) {
  Listener l;
  int port = l.port;
  l.close();
  SshTransport ssh(explicit_target(port, env_["GRADER_SSH_KNOWN_HOSTS"]));
  auto t0 = Clock::now();
  std::string e = error_of([&] { ssh.run(request({"true"})); });
  EXPECT_LT(std::chrono::duration<double>(Clock::now() - t0).count(), 2.0);
  EXPECT_NE(e.find("ssh://root@127.0.0.1:" + std::to_string(port) + ": cannot connect"), std::string::npos)
      << e;
  EXPECT_NE(e.find("refused"), std::string::npos) << e;
}

TEST_F(SshTransportTest, SilentHostTimesOutAfterTheConnectTimeout) {
  Listener l;  // accepts TCP (the kernel does), never says a word of SSH
  SshOptions o;
  o.connect_timeout_s = 2;
  SshTransport ssh(explicit_target(l.port, env_["GRADER_SSH_KNOWN_HOSTS"]), o);
  auto t0 = Clock::now();
  std::string e = error_of([&] { ssh.connect(); });
  double took = std::chrono::duration<double>(Clock::now() - t0).count();
  EXPECT_GE(took, 1.9);
  EXPECT_LT(took, 4.0);
  EXPECT_NE(e.find("cannot connect"), std::string::npos) << e;
  EXPECT_NE(e.find("imeout"), std::string::npos) << e;
}

// A private sshd with the cluster's host key and authorized_keys, on its own port, owned by
// the test so it can be killed. Ready once it logs that it listens.
class PrivateSshd {
 public:
  PrivateSshd(const fs::path& cluster_ssh_dir, int port) : port_(port) {
    int pipefd[2];
    if (::pipe2(pipefd, O_CLOEXEC) != 0) return;
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(pipefd[1], 2);
      const std::string p = std::to_string(port);
      const std::string hk = "HostKey=" + (cluster_ssh_dir / "ssh_host_ed25519_key").string();
      const std::string ak = "AuthorizedKeysFile=" + (cluster_ssh_dir / "authorized_keys").string();
      ::execl("/usr/sbin/sshd", "/usr/sbin/sshd", "-D", "-e", "-f", "/dev/null", "-o", ("Port=" + p).c_str(),
              "-o", "ListenAddress=127.0.0.1", "-o", hk.c_str(), "-o", ak.c_str(), "-o", "PidFile=none", "-o",
              "StrictModes=no", "-o", "PasswordAuthentication=no", "-o", "UsePAM=no", "-o",
              "PermitRootLogin=prohibit-password", "-o", "Subsystem=sftp internal-sftp",
              static_cast<char*>(nullptr));
      ::_exit(127);
    }
    ::close(pipefd[1]);
    std::string log;
    char buf[512];
    ssize_t n;
    while ((n = ::read(pipefd[0], buf, sizeof buf)) > 0) {
      log.append(buf, static_cast<std::size_t>(n));
      if (log.find("Server listening on") != std::string::npos) {
        ready_ = true;
        break;
      }
    }
    log_ = log;
    log_fd_ = pipefd[0];  // kept open: sshd -e logs every connection there
  }
  ~PrivateSshd() {
    kill_all();
    if (log_fd_ >= 0) ::close(log_fd_);
  }
  bool ready() const { return ready_; }
  const std::string& log() const { return log_; }
  // sshd and everything below it: the listener, its per-connection processes, their commands.
  void kill_all() {
    if (pid_ <= 0) return;
    for (pid_t p : descendants(pid_)) ::kill(p, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }

 private:
  int port_;
  pid_t pid_ = -1;
  bool ready_ = false;
  std::string log_;
  int log_fd_ = -1;
};

bool remote_sleep_running(const std::string& arg) {
  for (const auto& e : fs::directory_iterator("/proc")) {
    std::string cmdline = read_text(e.path() / "cmdline");
    if (cmdline == std::string("sleep\0", 6) + arg + std::string(1, '\0')) return true;
  }
  return false;
}

TEST_F(SshTransportTest, SshdDroppingTheConnectionMidCommandFailsFastThenReconnects) {
  Listener free_port;
  const int port = free_port.port;
  free_port.close();
  const fs::path cluster_ssh = fs::path(env_["GRADER_SSH_KEY"]).parent_path();
  auto sshd = std::make_unique<PrivateSshd>(cluster_ssh, port);
  ASSERT_TRUE(sshd->ready()) << "private sshd did not start: " << sshd->log();
  fs::path kh = dir_ / "known_hosts";
  std::string host_pub = read_text(cluster_ssh / "ssh_host_ed25519_key.pub");
  write_text(kh, "[127.0.0.1]:" + std::to_string(port) + " " + host_pub);

  SshTransport ssh(explicit_target(port, kh));
  ASSERT_EQ(ssh.run(request({"true"})).status, RunStatus::Ok);

  std::atomic<bool> done{false};
  Clock::time_point killed_at{};
  std::thread killer([&] {
    while (!done && !remote_sleep_running("5.125"))
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    killed_at = Clock::now();
    sshd->kill_all();
  });
  auto t0 = Clock::now();
  std::string e = error_of([&] { ssh.run(request({"sleep", "5.125"}, 30)); });
  auto t1 = Clock::now();
  done = true;
  killer.join();
  EXPECT_LT(std::chrono::duration<double>(t1 - t0).count(), 4.0) << "it waited for the command";
  EXPECT_LT(std::chrono::duration<double>(t1 - killed_at).count(), 1.0);
  EXPECT_NE(
      e.find("ssh://root@127.0.0.1:" + std::to_string(port) + ": connection lost while running 'sleep'"),
      std::string::npos)
      << e;
  EXPECT_NE(e.find("not retried"), std::string::npos) << e;

  // The next call reconnects (to a new sshd on the same port).
  sshd = std::make_unique<PrivateSshd>(cluster_ssh, port);
  ASSERT_TRUE(sshd->ready()) << sshd->log();
  RunResult again = ssh.run(request({"echo", "back"}));
  EXPECT_EQ(again.out.data, "back\n");
  EXPECT_EQ(ssh.connects(), 2);
  // A file operation on a connection that died while idle is retried once, transparently.
  sshd->kill_all();
  sshd = std::make_unique<PrivateSshd>(cluster_ssh, port);
  ASSERT_TRUE(sshd->ready()) << sshd->log();
  EXPECT_EQ(ssh.read_file("/nonexistent-file", 10), std::nullopt);
  EXPECT_EQ(ssh.connects(), 3);
}

TEST_F(SshTransportTest, ProxyJumpExplicitAndFromConfig) {
  // Jump through the cluster's sshd to itself: the last hop is libssh, the jump `ssh -W`.
  SshTarget t = explicit_target(port_, env_["GRADER_SSH_KNOWN_HOSTS"]);
  t.proxy_jump = "root@127.0.0.1:" + std::to_string(port_);
  t.config_file = env_["GRADER_SSH_CONFIG"];
  {
    SshTransport ssh(t);
    RunResult r = ssh.run(request({"echo", "jumped"}));
    EXPECT_EQ(r.out.data, "jumped\n") << r.message;
  }
  fs::path cfg = dir_ / "ssh_config";
  write_text(cfg, read_text(env_["GRADER_SSH_CONFIG"]) + "\nHost behind\n  HostName 127.0.0.1\n  Port " +
                      std::to_string(port_) + "\n  User root\n  IdentityFile " + env_["GRADER_SSH_KEY"] +
                      "\n  UserKnownHostsFile " + env_["GRADER_SSH_KNOWN_HOSTS"] +
                      "\n  ProxyJump gradertest\n");
  SshTarget behind = SshTarget::parse("behind", cfg);
  ASSERT_TRUE(behind.proxy_jump);
  EXPECT_EQ(*behind.proxy_jump, "gradertest");
  SshTransport ssh(behind);
  RunResult r = ssh.run(request({"echo", "behind"}));
  EXPECT_EQ(r.out.data, "behind\n") << r.message;
}

}  // namespace
}  // namespace grader
