// The test cluster's SSH side as tests see it (ci/cluster start; eval "$(ci/cluster env)"): its
// GRADER_SSH_* settings, the request and error helpers every transport test uses. Tests fail,
// never skip, when the cluster is not there, with how to start it. Test-only; header-only.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "grader/run/transport.h"

namespace grader::testing {

inline constexpr const char* kStartCluster = "start the test cluster: ci/cluster start";

inline std::string read_text(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline void write_text(const std::filesystem::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary);
  out << text;
}

// stdout of a shell command (stderr left alone).
inline std::string sh(const std::string& command) {
  std::string out;
  FILE* f = ::popen(command.c_str(), "r");
  if (!f) return out;
  std::array<char, 4096> buf{};
  std::size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), f)) > 0) out.append(buf.data(), n);
  ::pclose(f);
  return out;
}

inline const std::vector<std::string>& cluster_ssh_names() {
  static const std::vector<std::string> names = {
      "GRADER_SSH_HOST",        "GRADER_SSH_PORT",        "GRADER_SSH_USER",       "GRADER_SSH_KEY",
      "GRADER_SSH_KNOWN_HOSTS", "GRADER_SSH_CONFIG",      "GRADER_SSH_ALIAS",      "GRADER_SSH_2FA_ALIAS",
      "GRADER_SSH_2FA_PORT",    "GRADER_SSH_OTP_ASKPASS", "GRADER_SSH_OTP_COUNTER"};
  return names;
}

// The cluster's GRADER_SSH_* settings: from the environment, else from `ci/cluster env`.
// Complete (every name of cluster_ssh_names()) or empty.
inline std::map<std::string, std::string> cluster_env() {
  std::map<std::string, std::string> env;
  for (const auto& name : cluster_ssh_names()) {
    if (const char* v = std::getenv(name.c_str()); v && *v) env[name] = v;
  }
  if (env.size() == cluster_ssh_names().size()) return env;
  env.clear();
  std::istringstream lines(sh(std::string(GRADER_SOURCE_DIR) + "/ci/cluster env 2>/dev/null"));
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("export GRADER_SSH_", 0) != 0) continue;
    auto eq = line.find('=');
    if (eq + 1 < line.size()) env[line.substr(7, eq - 7)] = line.substr(eq + 1);
  }
  if (env.size() != cluster_ssh_names().size()) env.clear();
  return env;
}

inline bool port_answers(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<std::uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  ::close(fd);
  return ok;
}

// Why the cluster's two sshds cannot be used (with how to start them), or "" when they can.
inline std::string cluster_sshd_missing(const std::map<std::string, std::string>& env) {
  if (env.empty()) return std::string(kStartCluster) + " (no GRADER_SSH_* settings found)";
  for (const char* port : {"GRADER_SSH_PORT", "GRADER_SSH_2FA_PORT"}) {
    if (!port_answers(std::stoi(env.at(port)))) {
      return std::string(kStartCluster) + " (nothing listens on 127.0.0.1:" + env.at(port) + ", " + port +
             ")";
    }
  }
  return "";
}

// A small run in /tmp with nothing but PATH in its environment.
inline RunRequest remote_request(std::vector<std::string> argv, double timeout_s = 10) {
  RunRequest r;
  r.id = "t";
  r.argv = std::move(argv);
  r.workdir = "/tmp";
  r.env = {{"PATH", "/usr/bin:/bin"}};
  r.timeout_s = timeout_s;
  return r;
}

// The TransportError a call throws, or "" when it does not throw.
template <class F>
std::string transport_error_of(F&& f) {
  try {
    f();
  } catch (const TransportError& e) {
    return e.what();
  }
  return "";
}

// How many one-time codes the cluster's askpass has handed out so far.
inline int otp_codes_issued(const std::map<std::string, std::string>& env) {
  return std::atoi(read_text(env.at("GRADER_SSH_OTP_COUNTER")).c_str());
}

// Sets (or unsets, for nullptr) an environment variable for one scope.
class ScopedEnv {
 public:
  ScopedEnv(std::string name, const char* value) : name_(std::move(name)) {
    if (const char* old = std::getenv(name_.c_str())) old_ = std::string(old);
    if (value) {
      ::setenv(name_.c_str(), value, 1);
    } else {
      ::unsetenv(name_.c_str());
    }
  }
  ~ScopedEnv() {
    if (old_) {
      ::setenv(name_.c_str(), old_->c_str(), 1);
    } else {
      ::unsetenv(name_.c_str());
    }
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  std::string name_;
  std::optional<std::string> old_;
};

// A copy of the cluster's ssh_config, in `dir`, whose 2FA Host block has its ControlPath in
// `dir` too: the config's own place for a person's master, private to the test.
inline std::filesystem::path config_with_private_control_path(const std::map<std::string, std::string>& env,
                                                              const std::filesystem::path& dir) {
  std::string text = read_text(env.at("GRADER_SSH_CONFIG"));
  const std::size_t at = text.find("ControlPath ");
  text = text.substr(0, at) + "ControlPath " + (dir / "cm-%C").string() + text.substr(text.find('\n', at));
  const std::filesystem::path cfg = dir / "ssh_config";
  write_text(cfg, text);
  return cfg;
}

// The ControlPath `ssh -G` gives an alias under a config.
inline std::string configured_control_path(const std::filesystem::path& config, const std::string& alias) {
  std::string cp =
      sh("ssh -F " + config.string() + " -G " + alias + " | awk '$1 == \"controlpath\" {print $2}'");
  return cp.substr(0, cp.find('\n'));
}

// An OpenSSH master connection that a test opens the way a person would (`ssh -M -N -f`, the
// one-time password answered by the cluster's askpass), and closes at the end.
class ControlMaster {
 public:
  ControlMaster(const std::map<std::string, std::string>& env, std::string alias, std::filesystem::path path)
      : env_(env), alias_(std::move(alias)), path_(std::move(path)) {}
  ~ControlMaster() { close(); }
  ControlMaster(const ControlMaster&) = delete;
  ControlMaster& operator=(const ControlMaster&) = delete;

  // True once the master is up; error() says why not.
  bool open() {
    const std::filesystem::path err = path_.string() + ".err";
    const int rc =
        std::system(("SSH_ASKPASS=" + env_.at("GRADER_SSH_OTP_ASKPASS") +
                     " SSH_ASKPASS_REQUIRE=force ssh -F " + env_.at("GRADER_SSH_CONFIG") +
                     " -M -N -f -o BatchMode=no -o ControlPersist=300 -o ControlPath=" + path_.string() +
                     " " + alias_ + " </dev/null >/dev/null 2>" + err.string())
                        .c_str());
    error_ = read_text(err);
    return rc == 0;
  }
  // The master's pid, from `ssh -O check` ("Master running (pid=N)"), or 0.
  int pid() const {
    const std::string out = sh("ssh -F " + env_.at("GRADER_SSH_CONFIG") +
                               " -o ControlPath=" + path_.string() + " -O check " + alias_ + " 2>&1");
    const std::size_t at = out.find("pid=");
    return at == std::string::npos ? 0 : std::atoi(out.c_str() + at + 4);
  }
  void close() {
    std::system(("ssh -F " + env_.at("GRADER_SSH_CONFIG") + " -o ControlPath=" + path_.string() +
                 " -O exit " + alias_ + " >/dev/null 2>&1")
                    .c_str());
  }
  const std::filesystem::path& path() const { return path_; }
  const std::string& error() const { return error_; }

 private:
  std::map<std::string, std::string> env_;
  std::string alias_;
  std::filesystem::path path_;
  std::string error_;
};

}  // namespace grader::testing
