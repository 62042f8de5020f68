// SshTransport: the Transport over one SSH connection (libssh), reused for every command and
// file transfer of a grading: a channel per command, one SFTP session for files.
//
// Host keys are checked strictly against known_hosts (an unknown or changed key is a
// TransportError with the fingerprint and the file; nothing is ever added to it). Auth: the
// target's identity file, then the agent, then the config's IdentityFile and ~/.ssh/id_*; then,
// when the server asks for it (a second factor after the key), keyboard-interactive, answered
// from SSH_ASKPASS or the terminal as OpenSSH would (second_factor.h). The connection is kept,
// so one code serves every command of a grading. A jump host (ProxyJump) runs through the
// system `ssh -W`, as libssh 0.10 itself does for ProxyJump.
//
// run(): the command runs under the remote login shell as
//   printf PGID-marker >&2; cd -- WORKDIR && exec timeout -s KILL T+2 env -i K=V... -- ARGV
// so that argv is quoted word by word, the environment is exactly request.env (sshd refuses most
// SetEnv), and a remote backstop kills it if the grader vanishes. The wall-clock limit is ours:
// at the deadline (or when a stream goes over output_limit) the remote process group is killed
// over a second channel (`kill -KILL -- -PGID`; sshd starts every session in its own session and
// group). Exit code and signal come from the channel's exit-status / exit-signal. cpu_s and
// max_rss_kb are not measured over SSH (0): a POSIX shell cannot report a child's rusage
// without losing the exit/signal distinction, and neither /usr/bin/time nor python3 is
// guaranteed on a login node. Slurm runs get both from sacct.
//
// Faults: a refused, timed-out or dropped connection is a TransportError naming the target;
// the next call reconnects. File operations (all idempotent) are retried once on a fresh
// connection; a command is never re-run once it may have started.
//
// Threads: one connection serves one thread at a time (calls are serialised by a mutex).
//
// The parts, each in runners/ssh/: ssh_session.h (the live connection), ssh_auth.h (host key and
// user authentication), channel_run.h (one command on its channel), sftp_files.h (files).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "grader/run/transport.h"
#include "runners/ssh/ssh_target.h"

namespace grader {

namespace ssh {
class Session;  // the live libssh connection (ssh_session.h), kept out of this header
}
class RemoteStreams;
struct RemoteEnd;

struct SshOptions {
  double connect_timeout_s = 15;     // TCP connect + SSH handshake + auth, each blocking step
  double keepalive_interval_s = 30;  // keepalive@openssh.com during long quiet runs
  double kill_grace_s = 2;           // the remote `timeout` fires this long after our deadline
  // false: the command sees exactly request.env (`env -i`). true: request.env is laid over the
  // remote login's environment (what SetEnv and the server give), for scheduler commands.
  bool inherit_remote_env = false;
};

class SshTransport : public Transport {
 public:
  explicit SshTransport(SshTarget target, SshOptions options = {});
  ~SshTransport() override;
  SshTransport(const SshTransport&) = delete;
  SshTransport& operator=(const SshTransport&) = delete;

  std::string name() const override { return "ssh"; }
  std::string describe() const override { return target_.url(); }

  RunResult run(const RunRequest& request) override;
  std::string make_temp_dir(const std::string& prefix) override;
  void upload(const std::filesystem::path& local_dir, const std::string& remote_dir) override;
  std::optional<std::string> read_file(const std::string& path, std::uint64_t max_bytes) override;
  void write_file(const std::string& path, const std::string& content) override;
  void remove_tree(const std::string& path) override;
  CollectedFile collect_file(const std::string& root, const std::string& rel, std::uint64_t limit) override;

  // Connects now (otherwise the first call does). Throws TransportError.
  void connect();
  // SSH connections opened so far (tests: many commands, one connection).
  int connects() const { return connects_; }
  const SshTarget& target() const { return target_; }

 private:
  void connect_locked();
  template <class F>
  auto idempotent(F&& f);
  // run()'s steps: the command on its channel to its end, then the collected files.
  RemoteEnd run_command(const RunRequest& request, const std::string& command, RemoteStreams& streams,
                        RunResult& result);
  void collect_run_files(const RunRequest& request, RunResult& result);

  SshTarget target_;
  SshOptions options_;
  std::unique_ptr<ssh::Session> session_;
  int connects_ = 0;
  std::mutex mutex_;
};

}  // namespace grader
