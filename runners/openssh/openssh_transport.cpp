// OpenSshTransport: the system ssh over an existing ControlMaster; see openssh_transport.h.
#include "runners/openssh/openssh_transport.h"

#include <signal.h>

#include <algorithm>
#include <string_view>

#include "grader/util/text.h"
#include "grader/util/units.h"
#include "runners/openssh/ssh_process.h"
#include "runners/shell_quote.h"
#include "runners/ssh/remote_command.h"

namespace grader {

namespace fs = std::filesystem;
using runio::Clock;

namespace {

// ssh's exit code for its own failures (and for a remote command that died by a signal).
constexpr int kSshFailed = 255;
// What read_file's remote command exits with for a file that is not there.
constexpr int kAbsent = 44;
// Time a run's main process has to let go of its streams once it has ended (as SshTransport).
constexpr double kSettleS = 0.25;

Clock::time_point after(double seconds) {
  return Clock::now() + std::chrono::duration_cast<Clock::duration>(
                            std::chrono::duration<double>(std::min(seconds, runio::kMaxTimeoutS)));
}

// -F, -l and -p as the target says: the same destination the person's master was opened for.
std::vector<std::string> destination_options(const SshTarget& t) {
  std::vector<std::string> a;
  if (t.config_file) a.insert(a.end(), {"-F", t.config_file->string()});
  if (!t.user.empty()) a.insert(a.end(), {"-l", t.user});
  a.insert(a.end(), {"-p", std::to_string(t.port)});
  return a;
}

// An ssh_config value in double quotes, '%' kept literal (ControlPath expands tokens).
std::string config_value(const std::string& v) {
  std::string out = "\"";
  for (char c : v) out += c == '%' ? std::string("%%") : std::string(1, c);
  return out + "\"";
}

// `ssh -G`'s ControlPath for the target, or nullopt when it has none.
std::optional<fs::path> configured_control_path(const SshTarget& t, double timeout_s) {
  std::vector<std::string> argv = {"ssh", "-G"};
  for (auto& a : destination_options(t)) argv.push_back(a);
  argv.insert(argv.end(), {"--", t.alias});
  SshCall c = call_program(argv, timeout_s);
  if (c.exit_code != 0) return std::nullopt;
  for (std::string_view line : split_lines(c.out)) {
    if (line.rfind("controlpath ", 0) == 0) {
      std::string p(line.substr(12));
      if (p.empty() || p == "none") return std::nullopt;
      return fs::path(p);
    }
  }
  return std::nullopt;
}

std::vector<std::string> mux_argv(const SshTarget& t, const fs::path& control_path,
                                  const std::vector<std::string>& extra) {
  // ControlMaster=no: never become a master. ProxyCommand=false: when the master is gone, ssh
  // would log in afresh (and prompt, or fail in batch mode); this makes that fail at once instead.
  std::vector<std::string> a = {"ssh", "-T",
                                "-o",  "BatchMode=yes",
                                "-o",  "ControlMaster=no",
                                "-o",  "ControlPath=" + config_value(control_path.string()),
                                "-o",  "ProxyCommand=false",
                                "-o",  "LogLevel=ERROR"};
  for (auto& o : destination_options(t)) a.push_back(o);
  for (auto& o : extra) a.push_back(o);
  a.insert(a.end(), {"--", t.alias});
  return a;
}

}  // namespace

OpenSshTransport::OpenSshTransport(SshTarget target, OpenSshOptions options)
    : target_(std::move(target)), options_(std::move(options)) {
  if (target_.host.empty()) target_.host = target_.alias;
  if (target_.alias.empty()) target_.alias = target_.host;
  control_path_ = options_.control_path;
}

std::string OpenSshTransport::describe() const {
  return target_.url() + " (OpenSSH ControlMaster)";
}

std::optional<fs::path> OpenSshTransport::running_master(const SshTarget& target) {
  try {
    auto path = configured_control_path(target, 10);
    if (!path) return std::nullopt;
    SshCall c = call_program(mux_argv(target, *path, {"-O", "check"}), 10);
    if (c.exit_code != 0) return std::nullopt;
    return path;
  } catch (const TransportError&) {
    return std::nullopt;  // no ssh here at all
  }
}

std::vector<std::string> OpenSshTransport::ssh_argv(const std::vector<std::string>& extra) const {
  return mux_argv(target_, *control_path_, extra);
}

const fs::path& OpenSshTransport::control_path() {
  if (!control_path_) {
    control_path_ = configured_control_path(target_, options_.command_timeout_s);
    if (!control_path_) {
      throw TransportError(
          target_.url() + ": OpenSSH has no ControlPath for '" + target_.alias +
          "' (ssh -G shows none). Add `ControlPath ~/.ssh/cm-%C` to its Host block in " +
          (target_.config_file ? target_.config_file->string() : std::string("~/.ssh/config")) +
          ", open a master once (ssh -M -N -f -o ControlPersist=4h " + target_.alias +
          "), or use the libssh client (GRADER_SSH_CLIENT=libssh); docs/ssh.md");
    }
  }
  return *control_path_;
}

void OpenSshTransport::no_master(const std::string& why) const {
  std::string open = "ssh";
  if (target_.config_file) open += " -F " + shell_quote(target_.config_file->string());
  open += " -M -N -f -o ControlPersist=4h -o ControlPath=" + shell_quote(control_path_->string()) + " " +
          (target_.user.empty() ? "" : target_.user + "@") + target_.alias;
  throw TransportError(target_.url() + ": no OpenSSH ControlMaster answers at " + control_path_->string() +
                       (why.empty() ? "" : " (" + why + ")") +
                       ". Open one, typing your second factor once: " + open +
                       " ; the grader rides on it and never prompts (docs/ssh.md)");
}

void OpenSshTransport::ensure_master() {
  control_path();
  if (master_checked_) return;
  SshCall c = call_program(ssh_argv({"-O", "check"}), options_.command_timeout_s);
  if (c.exit_code != 0)
    no_master(c.timed_out ? "no answer within " + format_duration(options_.command_timeout_s)
                          : last_line(c.err));
  master_checked_ = true;
}

void OpenSshTransport::connect() {
  std::lock_guard<std::mutex> lock(mutex_);
  master_checked_ = false;
  ensure_master();
}

// One of our own small commands. Exit 255 is ssh's own failure (none of ours exits so): the
// master is checked again, so that its death is reported as such.
OpenSshTransport::Small OpenSshTransport::exec(const std::string& command, const std::string* input,
                                               std::uint64_t cap, double timeout_s) {
  ensure_master();
  std::vector<std::string> argv = ssh_argv();
  argv.push_back(command);
  const double limit = timeout_s > 0 ? timeout_s : options_.command_timeout_s;
  SshCall c = call_program(argv, limit, input, cap);
  if (c.timed_out) {
    throw TransportError(target_.url() + ": '" + command + "' did not finish within " +
                         format_duration(limit));
  }
  if (c.exit_code == kSshFailed || c.exit_code < 0) {
    master_checked_ = false;
    ensure_master();
    throw TransportError(target_.url() + ": ssh failed running '" + command + "': " + last_line(c.err));
  }
  return {c.exit_code, std::move(c.out), std::move(c.err)};
}

RunResult OpenSshTransport::run(const RunRequest& request) {
  if (auto why = invalid_remote_request(request)) return runner_error(request, *why);
  RemoteCommandOptions remote;
  remote.kill_grace_s = options_.kill_grace_s;
  remote.inherit_remote_env = options_.inherit_remote_env;
  remote.status_nonce = status_nonce();

  std::lock_guard<std::mutex> lock(mutex_);
  ensure_master();
  std::vector<std::string> argv = ssh_argv();
  argv.push_back(remote_command(request, remote));
  RunResult result;
  result.id = request.id;
  RemoteStreams streams(result.out, result.err, request.output_limit, true, remote.status_nonce);
  const RemoteEnd end = run_ssh(argv, request, streams, result);
  classify_remote_run(result, request, end);
  if (result.status != RunStatus::RunnerError) {
    for (const std::string& rel : request.collect)
      result.files[rel] = collect_locked(request.workdir.string(), rel, request.output_limit);
  }
  return result;
}

namespace {

// The ssh client's streams through the wrapper's markers. Once the wrapper says the command
// ended, what it started gets a moment to let go of the streams; then its group is killed, as
// the local executor does.
void pump_through(runio::Pump& pump, RemoteStreams& streams) {
  pump.out.sink = [&streams](const char* d, std::size_t n) { streams.take(false, d, n); };
  pump.err.sink = [&pump, &streams](const char* d, std::size_t n) {
    streams.take(true, d, n);
    if (streams.ended()) {
      pump.settle_by =
          std::min(pump.settle_by, streams.ended_at + std::chrono::duration_cast<Clock::duration>(
                                                          std::chrono::duration<double>(kSettleS)));
    }
  };
}

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

}  // namespace

// One ssh carrying the wrapped command to its end, the deadline or the output cap; past those,
// the remote group is killed over a second ssh. Throws when no status came back.
RemoteEnd OpenSshTransport::run_ssh(const std::vector<std::string>& argv, const RunRequest& request,
                                    RemoteStreams& streams, RunResult& result) {
  const std::string what = "running '" + request.argv[0] + "'";
  const auto start = Clock::now();
  const auto deadline = after(request.timeout_s);
  SshProcess ssh(argv, result.out, result.err, request.output_limit,
                 request.stdin_data ? &*request.stdin_data : nullptr);
  pump_through(ssh.pump(), streams);
  const runio::Stop stop = ssh.wait(deadline);
  if (stop == runio::Stop::Internal)
    throw TransportError(target_.url() + ": " + what + ": " + ssh.pump().error);
  RemoteEnd end;
  if (stop == runio::Stop::OutputLimit) end.stop = RemoteEnd::Stop::OutputLimit;
  if (stop == runio::Stop::Timeout && Clock::now() >= deadline && !streams.ended())
    end.stop = RemoteEnd::Stop::Timeout;
  int code;
  if (stop == runio::Stop::Exited) {
    code = ssh.finish(0);
  } else {
    if (end.stop != RemoteEnd::Stop::Ended) result.wall_s = seconds_since(start);
    if (streams.pgid() > 1) exec(kill_group_command(streams.pgid()));
    code = ssh.finish(options_.kill_grace_s + 3);
  }
  streams.finish();
  if (result.wall_s == 0) result.wall_s = seconds_since(start);
  end.no_workdir = streams.no_workdir();
  end.exit_code = streams.exit_code;
  end.signal = streams.signal;
  if (end.stop == RemoteEnd::Stop::Ended && !end.no_workdir && !streams.ended() && !streams.over()) {
    no_status(streams, what, code, result.wall_s);
  }
  return end;
}

// The wrapper never reported: ssh itself failed (the master is checked again, so that its death
// is reported as such), or the connection ended under the command.
void OpenSshTransport::no_status(const RemoteStreams& streams, const std::string& what, int code,
                                 double wall_s) {
  if (!streams.started()) {
    master_checked_ = false;
    ensure_master();  // throws when the master is gone
    throw TransportError(target_.url() + ": ssh failed " + what + " (exit " + std::to_string(code) +
                         "): " + last_line(streams.unmarked_stderr()));
  }
  throw TransportError(target_.url() + ": " + what +
                       ": the connection ended without the command's status (ssh exit " +
                       std::to_string(code) + ") after " + format_duration(wall_s) +
                       "; the command may have run in part, it was not retried");
}

// Only a regular file that resolves to inside the workdir; "SIZE\nDATA" back.
CollectedFile OpenSshTransport::collect_locked(const std::string& root, const std::string& rel,
                                               std::uint64_t limit) {
  CollectedFile f;
  const std::string script = "cd -- " + shell_quote(root) + " 2>/dev/null && root=$(pwd -P) && " +
                             "r=$(realpath -e -- " + shell_quote(rel) +
                             " 2>/dev/null) && case $r in \"$root\"/*) " +
                             "[ -f \"$r\" ] && stat -L -c %s -- \"$r\" && head -c " + std::to_string(limit) +
                             " -- \"$r\";; esac; true";
  Small r = exec(script, nullptr, limit + 64);
  const std::size_t nl = r.out.find('\n');
  if (r.code == 0 && nl != std::string::npos && nl > 0) {
    f.exists = true;
    f.size = std::stoull(r.out.substr(0, nl));
    f.data = r.out.substr(nl + 1);
    f.truncated = f.size > f.data.size();
  }
  return f;
}

CollectedFile OpenSshTransport::collect_file(const std::string& root, const std::string& rel,
                                             std::uint64_t limit) {
  std::lock_guard<std::mutex> lock(mutex_);
  return collect_locked(root, rel, limit);
}

std::string OpenSshTransport::make_temp_dir(const std::string& prefix) {
  const std::string command = mktemp_command(prefix);
  std::lock_guard<std::mutex> lock(mutex_);
  Small r = exec(command);
  return mktemp_result(target_.url(), r.code, r.out, r.err);
}

// tar, made here and unpacked there in one ssh: modes, links as links, any names; the existing
// directory's own mode is left alone (--no-overwrite-dir), owners are the remote user's.
void OpenSshTransport::upload(const fs::path& local_dir, const std::string& remote_dir) {
  std::error_code ec;
  if (!fs::is_directory(local_dir, ec)) {
    throw TransportError("cannot upload " + local_dir.string() + ": not a directory");
  }
  SshCall tar =
      call_program({"tar", "-C", local_dir.string(), "-cf", "-", "."}, 300, nullptr, std::uint64_t{4} << 30);
  if (tar.exit_code != 0) {
    throw TransportError("cannot upload " + local_dir.string() + ": tar failed: " + last_line(tar.err));
  }
  std::lock_guard<std::mutex> lock(mutex_);
  Small r = exec("tar -C " + shell_quote(remote_dir) + " -xpf - --no-same-owner --no-overwrite-dir", &tar.out,
                 1024 * 1024, std::max(300.0, options_.command_timeout_s));
  if (r.code != 0)
    throw TransportError(target_.url() + ": cannot upload into " + remote_dir + ": " + last_line(r.err));
}

std::optional<std::string> OpenSshTransport::read_file(const std::string& path, std::uint64_t max_bytes) {
  std::lock_guard<std::mutex> lock(mutex_);
  Small r = exec("if [ ! -e " + shell_quote(path) + " ]; then exit " + std::to_string(kAbsent) +
                     "; fi; exec head -c " + std::to_string(max_bytes) + " -- " + shell_quote(path),
                 nullptr, max_bytes + 1);
  if (r.code == kAbsent) return std::nullopt;
  if (r.code != 0) throw TransportError(target_.url() + ": cannot read " + path + ": " + last_line(r.err));
  return std::move(r.out);
}

void OpenSshTransport::write_file(const std::string& path, const std::string& content) {
  const std::string tmp = shell_quote(temp_beside(path));
  std::lock_guard<std::mutex> lock(mutex_);
  Small r = exec("cat > " + tmp + " && mv -f -- " + tmp + " " + shell_quote(path) + " || { s=$?; rm -f -- " +
                     tmp + "; exit $s; }",
                 &content);
  if (r.code != 0) throw TransportError(target_.url() + ": cannot write " + path + ": " + last_line(r.err));
}

void OpenSshTransport::remove_tree(const std::string& path) {
  if (path.empty() || path == "/" || path.find('\0') != std::string::npos) {
    throw TransportError("refusing to remove '" + path + "'");
  }
  std::lock_guard<std::mutex> lock(mutex_);
  Small r = exec("rm -rf -- " + shell_quote(path), nullptr, 1024 * 1024,
                 std::max(60.0, options_.command_timeout_s));
  if (r.code != 0) throw TransportError(target_.url() + ": cannot remove " + path + ": " + last_line(r.err));
}

}  // namespace grader
