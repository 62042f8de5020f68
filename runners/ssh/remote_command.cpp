// The wrapper protocol of remote runs; see remote_command.h.
#include "runners/ssh/remote_command.h"

#include <cctype>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>

#include "grader/run/transport.h"
#include "grader/util/text.h"
#include "grader/util/units.h"
#include "runners/process/run_io.h"
#include "runners/shell_quote.h"

namespace grader {

namespace {

constexpr const char* kMarker = "\036hpc-grader";
constexpr std::size_t kPreambleLimit = 64 * 1024;  // login noise tolerated before our marker
constexpr std::size_t kEndLineLimit = 256;         // longer than any end line of ours

// $1 workdir, $2 remote timeout, $3 memory KiB (empty: none), [$4 nonce], then env ... argv.
constexpr const char* kPrologue =
    "if cd -- \"$1\" 2>/dev/null; then printf '\\036hpc-grader pgid=%s\\n' \"$$\" >&2; "
    "else printf '\\036hpc-grader no-workdir\\n' >&2; exit 125; fi; "
    "printf '\\036hpc-grader\\n'; "
    "if [ -n \"$3\" ]; then ulimit -v \"$3\"; fi; "
    "t=$2; ";
constexpr const char* kExecEnd =
    "shift 3; "
    "if command -v timeout >/dev/null 2>&1; then exec timeout -s KILL \"$t\" \"$@\"; fi; "
    "exec \"$@\"";
// perl forks, waits and reports; it ignores the signals a learner may send its own group, so
// that the report survives them (the child gets every signal back at its default action).
constexpr const char* kReportEnd =
    "n=$4; shift 4; "
    "if command -v timeout >/dev/null 2>&1; then set -- timeout -s KILL \"$t\" \"$@\"; fi; "
    "if command -v perl >/dev/null 2>&1; then exec perl -e '"
    "$n = shift; $p = fork; defined $p or die \"fork: $!\\n\"; "
    "if (!$p) { exec { $ARGV[0] } @ARGV; print STDERR \"$ARGV[0]: $!\\n\"; exit 127 } "
    "$SIG{$_} = \"IGNORE\" for qw(HUP INT QUIT TERM PIPE ALRM USR1 USR2); "
    "waitpid($p, 0); $s = $?; "
    "if ($s & 127) { printf STDERR \"\\036hpc-grader end %s signal=%d\\n\", $n, $s & 127; exit 128 + ($s & "
    "127) } "
    "printf STDERR \"\\036hpc-grader end %s exit=%d\\n\", $n, $s >> 8; exit $s >> 8"
    "' \"$n\" \"$@\"; fi; "
    "\"$@\"; s=$?; "
    "if [ $s -gt 128 ]; then printf '\\036hpc-grader end %s signal=%d\\n' \"$n\" $((s - 128)) >&2; "
    "else printf '\\036hpc-grader end %s exit=%d\\n' \"$n\" $s >&2; fi; exit $s";

}  // namespace

std::optional<std::string> invalid_remote_request(const RunRequest& request) {
  if (request.argv.empty() || request.argv[0].empty()) return "empty command";
  if (!(request.timeout_s > 0)) return "invalid timeout: " + std::to_string(request.timeout_s) + " s";
  if (request.argv[0].find('=') != std::string::npos) {
    return "a command name with '=' cannot run through a remote shell: " + request.argv[0];
  }
  for (const auto& a : request.argv) {
    if (a.find('\0') != std::string::npos) return "NUL byte in an argument";
  }
  for (const auto& [key, value] : request.env) {
    if (key.empty() || key.find('=') != std::string::npos || key.find('\0') != std::string::npos ||
        value.find('\0') != std::string::npos) {
      return "invalid environment variable: '" + key + "'";
    }
  }
  return std::nullopt;
}

bool env_found_no_command(std::optional<int> exit_code, const std::string& err) {
  return exit_code == 127 && err.rfind("env: ", 0) == 0 &&
         err.find("No such file or directory") != std::string::npos;
}

std::string remote_command(const RunRequest& request, const RemoteCommandOptions& options) {
  char remote_timeout[32];
  std::snprintf(remote_timeout, sizeof remote_timeout, "%.3f",
                std::min(request.timeout_s, runio::kMaxTimeoutS) + options.kill_grace_s);
  const bool report = !options.status_nonce.empty();
  const std::string wrapper = std::string(kPrologue) + (report ? kReportEnd : kExecEnd);
  std::string command = "exec /bin/sh -c " + shell_quote(wrapper) + " sh " +
                        shell_quote(request.workdir.string()) + " " + remote_timeout + " " +
                        shell_quote(request.memory_bytes ? std::to_string(*request.memory_bytes / 1024) : "");
  if (report) command += " " + shell_quote(options.status_nonce);
  command += options.inherit_remote_env ? " env --" : " env -i --";
  for (const auto& [key, value] : request.env) command += " " + shell_quote(key + "=" + value);
  for (const auto& a : request.argv) command += " " + shell_quote(a);
  return command;
}

std::string status_nonce() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(rng()));
  return buf;
}

std::string mktemp_command(const std::string& prefix) {
  for (char c : prefix) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.')) {
      throw TransportError("invalid temporary directory prefix '" + prefix + "'");
    }
  }
  return "mktemp -d \"${TMPDIR:-/tmp}\"/" + shell_quote(prefix + "XXXXXX");
}

std::string mktemp_result(const std::string& where, int code, const std::string& out,
                          const std::string& err) {
  const std::string dir(trim_end(out));
  if (code != 0 || dir.empty() || dir.front() != '/') {
    throw TransportError(where + ": cannot create a temporary directory: " +
                         (err.empty() ? "mktemp exited with " + std::to_string(code) : err));
  }
  return dir;
}

std::string kill_group_command(long pgid) {
  const std::string g = std::to_string(pgid);
  return "kill -KILL -- -" + g + " 2>/dev/null; pkill -KILL -s " + g + " 2>/dev/null; true";
}

std::string temp_beside(const std::string& path) {
  const std::size_t slash = path.rfind('/');
  return (slash == std::string::npos ? std::string() : path.substr(0, slash + 1)) + ".grader-tmp-" +
         status_nonce();
}

RemoteStreams::RemoteStreams(CapturedStream& out, CapturedStream& err, std::uint64_t cap, bool markers,
                             std::string nonce)
    : out_(&out), err_(&err), cap_(cap), markers_(markers), nonce_(std::move(nonce)) {}

void RemoteStreams::keep(CapturedStream& s, const char* data, std::size_t n) const {
  s.total_bytes += n;
  std::uint64_t room = cap_ - std::min<std::uint64_t>(cap_, s.data.size());
  s.data.append(data, static_cast<std::size_t>(std::min<std::uint64_t>(room, n)));
  if (s.total_bytes > cap_) s.truncated = true;
}

// Everything before our marker line is the login's noise (rc files), not the learner's.
void RemoteStreams::take(bool is_stderr, const char* data, std::size_t n) {
  CapturedStream& s = is_stderr ? *err_ : *out_;
  bool& marked = is_stderr ? err_marked_ : out_marked_;
  if (!markers_ || marked) {
    if (is_stderr && !nonce_.empty()) return take_trailer(data, n);
    return keep(s, data, n);
  }
  std::string& pre = is_stderr ? err_pre_ : out_pre_;
  pre.append(data, n);
  std::size_t at = pre.find(kMarker);
  std::size_t nl = at == std::string::npos ? std::string::npos : pre.find('\n', at);
  if (nl == std::string::npos) {
    if (pre.size() > kPreambleLimit) {  // no marker after all: hand it all over as data
      marked = true;
      keep(s, pre.data(), pre.size());
      pre.clear();
    }
    return;
  }
  std::string line = pre.substr(at + std::strlen(kMarker), nl - at - std::strlen(kMarker));
  if (line.rfind(" pgid=", 0) == 0) pgid_ = std::atol(line.c_str() + 6);
  if (line == " no-workdir") no_workdir_ = true;
  marked = true;
  std::string rest = pre.substr(nl + 1);
  pre.clear();
  if (!rest.empty()) take(is_stderr, rest.data(), rest.size());
}

// Learner stderr passes through at once, except from a '\036' that may start our end line: that
// much is held until its line is complete (or too long to be ours).
void RemoteStreams::take_trailer(const char* data, std::size_t n) {
  err_held_.append(data, n);
  const std::string end = std::string(kMarker) + " end " + nonce_ + " ";
  for (;;) {
    std::size_t rs = err_held_.find('\036');
    if (rs == std::string::npos) {
      keep(*err_, err_held_.data(), err_held_.size());
      err_held_.clear();
      return;
    }
    if (rs > 0) {
      keep(*err_, err_held_.data(), rs);
      err_held_.erase(0, rs);
    }
    std::size_t nl = err_held_.find('\n');
    const bool could_be_ours = err_held_.compare(0, std::min(end.size(), err_held_.size()), end, 0,
                                                 std::min(end.size(), err_held_.size())) == 0;
    if (!could_be_ours || (nl == std::string::npos && err_held_.size() > kEndLineLimit)) {
      keep(*err_, err_held_.data(), 1);  // not ours: the '\036' is the learner's
      err_held_.erase(0, 1);
      continue;
    }
    if (nl == std::string::npos) return;  // wait for the rest of the line
    const std::string status = err_held_.substr(end.size(), nl - end.size());
    if (status.rfind("exit=", 0) == 0) exit_code = std::atoi(status.c_str() + 5);
    if (status.rfind("signal=", 0) == 0) signal = std::atoi(status.c_str() + 7);
    ended_at = std::chrono::steady_clock::now();
    err_held_.erase(0, nl + 1);
  }
}

void RemoteStreams::finish() {
  if (!err_held_.empty()) keep(*err_, err_held_.data(), err_held_.size());
  err_held_.clear();
}

void classify_remote_run(RunResult& result, const RunRequest& request, const RemoteEnd& end) {
  result.exit_code = end.exit_code;
  result.signal = end.exit_code ? std::nullopt : end.signal;
  auto set = [&result](RunStatus status, std::string message) {
    result.status = status;
    result.message = std::move(message);
  };
  const std::string& err = result.err.data;
  if (end.no_workdir) {
    set(RunStatus::RunnerError, "workdir does not exist: " + request.workdir.string());
  } else if (end.stop == RemoteEnd::Stop::Timeout) {
    set(RunStatus::Timeout, "killed after the " + format_duration(request.timeout_s) + " time limit");
  } else if (end.stop == RemoteEnd::Stop::OutputLimit || result.out.truncated || result.err.truncated) {
    const char* which = result.out.truncated ? "stdout" : "stderr";
    set(RunStatus::OutputLimit,
        std::string(which) + " exceeded the " + format_size(request.output_limit) + " limit");
  } else if (result.exit_code == 0) {
    set(RunStatus::Ok, "");
  } else if (env_found_no_command(result.exit_code, err)) {
    set(RunStatus::RunnerError, "command not found: " + request.argv[0]);
  } else if (shows_memory_exhaustion(request, result)) {
    set(RunStatus::MemoryLimit, "ran out of memory under the " + format_size(*request.memory_bytes) +
                                    " limit (" + how_it_ended(result) + ")");
  } else if (result.exit_code) {
    set(RunStatus::NonzeroExit, how_it_ended(result));
  } else {
    set(RunStatus::Signaled, how_it_ended(result));
  }
}

}  // namespace grader
