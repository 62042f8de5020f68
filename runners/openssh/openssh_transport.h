// OpenSshTransport: the Transport through the system `ssh`, riding on an OpenSSH ControlMaster
// that a person opened once with their second factor (`ssh -M -N -f -o ControlPersist=4h HOST`):
// for sites where 2FA makes a master connection the norm (libssh cannot join one). It never
// prompts and never logs in by itself: every call is `ssh -o BatchMode=yes -o ControlMaster=no
// -o ControlPath=P`, and a fallback to a fresh connection is made impossible (ProxyCommand=false),
// so a missing or dead master is a TransportError saying what to type to open one.
//
// Same semantics as SshTransport: the same remote wrapper (runners/ssh/remote_command.h), argv
// quoted word by word, the environment exactly request.env (or laid over the login's with
// inherit_remote_env), our own deadline and output caps, the remote process group killed at the
// deadline over a second ssh. `ssh` loses the channel's exit-signal (it exits 255), so the
// wrapper reports how the command ended on stderr (a per-run nonce), which keeps exit codes and
// signals apart. Files: tar through ssh for uploads, cat/head for single files, mktemp, rm -rf.
#pragma once

#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "grader/run/transport.h"
#include "runners/ssh/remote_command.h"
#include "runners/ssh/ssh_target.h"

namespace grader {

struct OpenSshOptions {
  double command_timeout_s = 15;  // our own small commands (mktemp, kill, cat, the master check)
  double kill_grace_s = 2;        // the remote `timeout` fires this long after our deadline
  bool inherit_remote_env = false;
  // The master's socket; nullopt: what `ssh -G` says for the target (its config's ControlPath).
  std::optional<std::filesystem::path> control_path;
};

class OpenSshTransport : public Transport {
 public:
  explicit OpenSshTransport(SshTarget target, OpenSshOptions options = {});

  std::string name() const override { return "openssh"; }
  std::string describe() const override;

  RunResult run(const RunRequest& request) override;
  std::string make_temp_dir(const std::string& prefix) override;
  void upload(const std::filesystem::path& local_dir, const std::string& remote_dir) override;
  std::optional<std::string> read_file(const std::string& path, std::uint64_t max_bytes) override;
  void write_file(const std::string& path, const std::string& content) override;
  void remove_tree(const std::string& path) override;
  CollectedFile collect_file(const std::string& root, const std::string& rel, std::uint64_t limit) override;

  // Checks now that the master is there (otherwise the first call does). Throws TransportError.
  void connect();
  const std::filesystem::path& control_path();

  // The ControlPath `ssh -G` gives the target, when a master answers `ssh -O check` there:
  // what `ssh_client = "auto"` looks for. Never throws.
  static std::optional<std::filesystem::path> running_master(const SshTarget& target);

 private:
  std::vector<std::string> ssh_argv(const std::vector<std::string>& extra = {}) const;
  void ensure_master();
  [[noreturn]] void no_master(const std::string& why) const;
  struct Small {
    int code = -1;
    std::string out, err;
  };
  Small exec(const std::string& command, const std::string* input = nullptr, std::uint64_t cap = 1024 * 1024,
             double timeout_s = 0);
  CollectedFile collect_locked(const std::string& root, const std::string& rel, std::uint64_t limit);
  // run()'s steps: one ssh for the command; what to say when no status came back.
  RemoteEnd run_ssh(const std::vector<std::string>& argv, const RunRequest& request, RemoteStreams& streams,
                    RunResult& result);
  [[noreturn]] void no_status(const RemoteStreams& streams, const std::string& what, int code, double wall_s);

  SshTarget target_;
  OpenSshOptions options_;
  std::optional<std::filesystem::path> control_path_;
  bool master_checked_ = false;
  std::mutex mutex_;
};

}  // namespace grader
