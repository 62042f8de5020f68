// SshTransport over libssh 0.10; see ssh_transport.h. Here: opening the connection (options,
// connect, then ssh_auth.h's host key and authentication) and the Transport's operations, each
// a few calls into ssh_session.h, channel_run.h and sftp_files.h.
#include "runners/ssh/ssh_transport.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <algorithm>
#include <utility>

#include "grader/util/units.h"
#include "runners/shell_quote.h"
#include "runners/ssh/channel_run.h"
#include "runners/ssh/remote_command.h"
#include "runners/ssh/sftp_files.h"
#include "runners/ssh/ssh_auth.h"
#include "runners/ssh/ssh_session.h"

namespace grader {

namespace fs = std::filesystem;
using ssh::Clock;
using ssh::Session;

namespace {

// libssh 0.10 has no native jump: the system ssh carries the connection (`ssh -W`), in batch
// mode and with the same strict known_hosts as ours.
std::string jump_command(const SshTarget& t) {
  std::string cmd = "exec ssh -o BatchMode=yes -o StrictHostKeyChecking=yes";
  if (t.config_file) cmd += " -F " + shell_quote(t.config_file->string());
  if (!t.known_hosts_file.empty())
    cmd += " -o UserKnownHostsFile=" + shell_quote(t.known_hosts_file.string());
  if (!t.identity_file.empty()) cmd += " -i " + shell_quote(t.identity_file.string());
  // "user@host:port" is not an OpenSSH destination; its URI form is (OpenSSH >= 7.7).
  const std::string& jump = *t.proxy_jump;
  const bool has_port = jump.find(':') != std::string::npos && jump.find("://") == std::string::npos;
  return cmd + " -W '[%h]:%p' -- " + shell_quote(has_port ? "ssh://" + jump : jump);
}

// The config first (IdentityFile and the rest), then what the target says, which wins.
void set_options(Session& sess, const SshTarget& t, const SshOptions& options) {
  ssh_session s = sess.s;
  int quiet = SSH_LOG_NOLOG;
  ssh_options_set(s, SSH_OPTIONS_LOG_VERBOSITY, &quiet);
  ssh_options_set(s, SSH_OPTIONS_HOST, t.alias.c_str());
  const char* config = t.config_file ? t.config_file->c_str() : nullptr;
  if (ssh_options_parse_config(s, config) != 0) {
    throw TransportError(sess.where + ": cannot read the ssh config: " + sess.error());
  }
  ssh_options_set(s, SSH_OPTIONS_LOG_VERBOSITY, &quiet);  // over the config's LogLevel
  // A config's `StrictHostKeyChecking no` would make libssh report an unknown host as known.
  int strict = 1;
  ssh_options_set(s, SSH_OPTIONS_STRICTHOSTKEYCHECK, &strict);
  ssh_options_set(s, SSH_OPTIONS_HOST, t.host.c_str());
  unsigned int port = t.port;
  ssh_options_set(s, SSH_OPTIONS_PORT, &port);
  if (!t.user.empty()) ssh_options_set(s, SSH_OPTIONS_USER, t.user.c_str());
  if (!t.known_hosts_file.empty()) ssh_options_set(s, SSH_OPTIONS_KNOWNHOSTS, t.known_hosts_file.c_str());
  if (!t.identity_file.empty()) ssh_options_set(s, SSH_OPTIONS_IDENTITY, t.identity_file.c_str());
  if (t.proxy_jump) {
    ssh_options_set(s, SSH_OPTIONS_PROXYCOMMAND, jump_command(t).c_str());
  } else if (t.proxy_command) {
    ssh_options_set(s, SSH_OPTIONS_PROXYCOMMAND, t.proxy_command->c_str());
  }
  long secs = static_cast<long>(options.connect_timeout_s);
  long usecs = static_cast<long>((options.connect_timeout_s - static_cast<double>(secs)) * 1e6);
  int nodelay = 1;  // small request/reply packets: Nagle + delayed ACK would add ~40 ms each
  ssh_options_set(s, SSH_OPTIONS_NODELAY, &nodelay);
  ssh_options_set(s, SSH_OPTIONS_TIMEOUT, &secs);
  ssh_options_set(s, SSH_OPTIONS_TIMEOUT_USEC, &usecs);
}

// TCP connect (or the proxy command) and the SSH handshake.
void open_connection(Session& sess, const SshTarget& t, double timeout_s) {
  const auto started = Clock::now();
  if (ssh_connect(sess.s) == SSH_OK) return;
  std::string why = sess.error();
  if (ssh::seconds_since(started) >= timeout_s * 0.95 && why.find("imeout") == std::string::npos) {
    why += " (no answer within " + format_duration(timeout_s) + ")";
  }
  throw TransportError(
      sess.where + ": cannot connect: " + why +
      (t.proxy_jump ? " (through the jump host " + *t.proxy_jump + "; its ssh errors are on stderr)" : ""));
}

// A dead peer is noticed by TCP: keepalive probes when idle, a bound on unacknowledged data.
void watch_for_dead_peer(Session& sess, const SshTarget& t, double keepalive_interval_s) {
  int fd = ssh_get_fd(sess.s);
  if (fd < 0 || t.proxy_jump || t.proxy_command) return;
  int on = 1, idle = std::max(1, static_cast<int>(keepalive_interval_s)), intvl = 5, cnt = 3;
  unsigned int user_timeout = static_cast<unsigned int>(idle + intvl * cnt) * 1000u;
  ::setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof on);
  ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof idle);
  ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &intvl, sizeof intvl);
  ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &cnt, sizeof cnt);
  ::setsockopt(fd, IPPROTO_TCP, TCP_USER_TIMEOUT, &user_timeout, sizeof user_timeout);
}

void start_event_loop(Session& sess) {
  sess.event = ssh_event_new();
  if (!sess.event || ssh_event_add_session(sess.event, sess.s) != SSH_OK) {
    throw TransportError(sess.where + ": cannot set up the event loop");
  }
}

}  // namespace

SshTransport::SshTransport(SshTarget target, SshOptions options)
    : target_(std::move(target)), options_(options) {
  // libssh 0.10 logs warnings to stderr through a process-wide level; errors reach us as
  // exceptions instead.
  static const bool quiet = [] { return ssh_set_log_level(SSH_LOG_NOLOG) == SSH_OK; }();
  (void)quiet;
  if (target_.host.empty()) target_.host = target_.alias;
  if (target_.alias.empty()) target_.alias = target_.host;
}

SshTransport::~SshTransport() = default;

void SshTransport::connect() {
  std::lock_guard<std::mutex> lock(mutex_);
  connect_locked();
}

void SshTransport::connect_locked() {
  session_.reset();
  auto sess = std::make_unique<Session>();
  sess->where = target_.url();
  sess->s = ssh_new();
  if (!sess->s) throw TransportError(sess->where + ": ssh_new failed (out of memory)");
  set_options(*sess, target_, options_);
  open_connection(*sess, target_, options_.connect_timeout_s);
  ssh::verify_host_key(*sess, target_);
  ssh::authenticate(*sess, target_);
  watch_for_dead_peer(*sess, target_, options_.keepalive_interval_s);
  start_event_loop(*sess);
  session_ = std::move(sess);
  ++connects_;
}

// Runs f(session) on a live connection; a connection lost on the way is retried once on a
// fresh one. Only for operations that may safely happen twice.
template <class F>
auto SshTransport::idempotent(F&& f) {
  for (int attempt = 0;; ++attempt) {
    if (!session_ || !session_->alive()) connect_locked();
    try {
      return f(*session_);
    } catch (const ssh::ConnectionLost&) {
      session_.reset();
      if (attempt >= 1) throw;
    }
  }
}

std::string SshTransport::make_temp_dir(const std::string& prefix) {
  const std::string command = mktemp_command(prefix);
  std::lock_guard<std::mutex> lock(mutex_);
  return idempotent([&](Session& s) {
    auto r = s.exec(command, options_.connect_timeout_s);
    return mktemp_result(s.where, r.code, r.out, r.err);
  });
}

void SshTransport::remove_tree(const std::string& path) {
  if (path.empty() || path == "/" || path.find('\0') != std::string::npos) {
    throw TransportError("refusing to remove '" + path + "'");
  }
  std::lock_guard<std::mutex> lock(mutex_);
  idempotent([&](Session& s) {
    auto r = s.exec("rm -rf -- " + shell_quote(path), std::max(60.0, options_.connect_timeout_s));
    if (r.code != 0) {
      throw TransportError(s.where + ": cannot remove " + path + ": " + r.err);
    }
    return 0;
  });
}

std::optional<std::string> SshTransport::read_file(const std::string& path, std::uint64_t max_bytes) {
  std::lock_guard<std::mutex> lock(mutex_);
  return idempotent([&](Session& s) {
    s.ensure_sftp();
    return ssh::sftp_get(s, path, max_bytes);
  });
}

CollectedFile SshTransport::collect_file(const std::string& root, const std::string& rel,
                                         std::uint64_t limit) {
  std::lock_guard<std::mutex> lock(mutex_);
  return idempotent([&](Session& s) {
    s.ensure_sftp();
    return ssh::sftp_collect(s, ssh::sftp_real_path(s, root), root + "/" + rel, limit);
  });
}

void SshTransport::write_file(const std::string& path, const std::string& content) {
  // Atomic: a temporary beside it, then rename(2) over it (`mv -f`: SFTP's rename refuses to
  // replace a file on OpenSSH servers).
  const std::string tmp = temp_beside(path);
  std::lock_guard<std::mutex> lock(mutex_);
  idempotent([&](Session& s) {
    s.ensure_sftp();
    ssh::sftp_put(s, tmp, content.data(), content.size(), 0644, O_EXCL);
    auto r = s.exec("mv -f -- " + shell_quote(tmp) + " " + shell_quote(path), options_.connect_timeout_s);
    if (r.code != 0) {
      sftp_unlink(s.sftp, tmp.c_str());
      throw TransportError(s.where + ": cannot write " + path + ": " + r.err);
    }
    return 0;
  });
}

void SshTransport::upload(const fs::path& local_dir, const std::string& remote_dir) {
  std::error_code ec;
  if (!fs::is_directory(local_dir, ec)) {
    throw TransportError("cannot upload " + local_dir.string() + ": not a directory");
  }
  std::lock_guard<std::mutex> lock(mutex_);
  idempotent([&](Session& s) {
    s.ensure_sftp();
    ssh::sftp_upload_tree(s, local_dir, remote_dir);
    return 0;
  });
}

RunResult SshTransport::run(const RunRequest& request) {
  if (auto why = invalid_remote_request(request)) return runner_error(request, *why);
  RemoteCommandOptions remote;
  remote.kill_grace_s = options_.kill_grace_s;
  remote.inherit_remote_env = options_.inherit_remote_env;
  const std::string command = remote_command(request, remote);

  std::lock_guard<std::mutex> lock(mutex_);
  RunResult result;
  result.id = request.id;
  RemoteStreams streams(result.out, result.err, request.output_limit, true);
  const RemoteEnd end = run_command(request, command, streams, result);
  classify_remote_run(result, request, end);
  if (!request.collect.empty() && result.status != RunStatus::RunnerError) collect_run_files(request, result);
  return result;
}

RemoteEnd SshTransport::run_command(const RunRequest& request, const std::string& command,
                                    RemoteStreams& streams, RunResult& result) {
  // Opening the channel may be retried on a fresh connection: nothing has been sent yet.
  ssh_channel ch = idempotent([](Session& s) { return s.open_channel("opening a channel"); });
  const auto start = Clock::now();
  try {
    ssh::ChannelRun channel(*session_, ch, streams, "running '" + request.argv[0] + "'");
    const RemoteEnd::Stop stop = channel.run(command, request.stdin_data ? &*request.stdin_data : nullptr,
                                             ssh::after(request.timeout_s), options_.keepalive_interval_s);
    if (stop != RemoteEnd::Stop::Ended || !channel.closed()) {
      if (stop != RemoteEnd::Stop::Ended) result.wall_s = ssh::seconds_since(start);
      channel.kill(options_.connect_timeout_s, options_.kill_grace_s + 3);
    }
    if (result.wall_s == 0) result.wall_s = ssh::seconds_since(start);
    return channel.end(stop);
  } catch (const ssh::ConnectionLost& e) {
    session_.reset();  // the next call reconnects
    throw TransportError(std::string(e.what()) + " after " + format_duration(ssh::seconds_since(start)) +
                         "; the command may have run in part, it was not retried");
  } catch (...) {
    if (session_ && !session_->alive()) session_.reset();
    throw;
  }
}

// Collected files: read back through SFTP, only from inside the workdir.
void SshTransport::collect_run_files(const RunRequest& request, RunResult& result) {
  try {
    Session& s = *session_;
    s.ensure_sftp();
    const std::string workdir = request.workdir.string();
    const std::string root = ssh::sftp_real_path(s, workdir);
    for (const std::string& rel : request.collect)
      result.files[rel] = ssh::sftp_collect(s, root, workdir + "/" + rel, request.output_limit);
  } catch (const ssh::ConnectionLost& e) {
    session_.reset();
    throw TransportError(e.what());
  }
}

}  // namespace grader
