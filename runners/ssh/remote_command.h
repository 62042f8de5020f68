// The remote side of a run over SSH, shared by SshTransport (libssh) and OpenSshTransport (the
// system ssh through a ControlMaster): the wrapper command line sent to the login shell, the
// marker lines it prints around the learner's output, and how what came back becomes a
// RunResult's status. One protocol, two clients.
//
// The wrapper (POSIX sh, one line so that csh login shells take it) cds to the workdir, prints
// `\036hpc-grader pgid=N` on stderr and `\036hpc-grader` on stdout (what a login rc file printed
// before them is dropped), sets `ulimit -v`, and runs the argv under `timeout -s KILL` with
// exactly the run's environment. With a status nonce (clients that lose the channel's
// exit-signal, like OpenSSH's ssh), it also reports how the command ended in a last stderr line
// `\036hpc-grader end NONCE exit=N` or `... signal=N`: perl (Essential on Debian, on every
// mainstream login node) waits for the command and tells exit codes and signals apart; without
// perl, sh's $? is used, and an exit code above 128 then reads as a signal.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "grader/run/executor.h"

namespace grader {

struct RemoteCommandOptions {
  double kill_grace_s = 2;          // the remote `timeout` fires this long after our deadline
  bool inherit_remote_env = false;  // lay request.env over the login's environment (`env` not `env -i`)
  std::string status_nonce;         // non-empty: report the end on stderr (see above)
};

// Why this request cannot run over SSH at all (empty argv, NUL bytes, a bad variable name), or
// nullopt when it can.
std::optional<std::string> invalid_remote_request(const RunRequest& request);

// Whether `env` (the wrapper's, or an array task's) said it found no such command: exit 127 and
// its "env: 'NAME': No such file or directory" as stderr's first line. Not the learner's doing.
bool env_found_no_command(std::optional<int> exit_code, const std::string& err);

// The command line for the remote login shell.
std::string remote_command(const RunRequest& request, const RemoteCommandOptions& options);

// A fresh nonce for RemoteCommandOptions::status_nonce (and unique temporary names).
std::string status_nonce();

// The small commands both clients run for themselves.
// `mktemp -d` under $TMPDIR (else /tmp); throws TransportError for a prefix that is not
// [A-Za-z0-9._-]*.
std::string mktemp_command(const std::string& prefix);
// The directory mktemp_command printed (exit code `code`, stdout `out`); throws TransportError
// naming `where` and mktemp's complaint when it made none.
std::string mktemp_result(const std::string& where, int code, const std::string& out, const std::string& err);
// SIGKILL to the run's process group and its session (pgid from the wrapper's marker).
std::string kill_group_command(long pgid);
// A temporary name beside `path`, for write-then-rename.
std::string temp_beside(const std::string& path);

// The run's two streams as they arrive: the login's noise before our first marker dropped, the
// marker lines read (pgid, no-workdir, the end status), everything else kept exactly as the
// local executor keeps it (at most `cap` bytes per stream, total_bytes counted, truncated set).
class RemoteStreams {
 public:
  RemoteStreams(CapturedStream& out, CapturedStream& err, std::uint64_t cap, bool markers,
                std::string nonce = {});
  void take(bool is_stderr, const char* data, std::size_t n);
  // At the end of the streams: what was held back (a partial line that might have been a
  // marker) is the learner's after all.
  void finish();

  bool over() const { return out_->truncated || err_->truncated; }
  long pgid() const { return pgid_; }
  bool no_workdir() const { return no_workdir_; }
  bool started() const { return pgid_ > 0 || no_workdir_; }  // the wrapper ran on the remote side
  // What came on stderr before any marker: the client's own complaint when the wrapper never ran.
  const std::string& unmarked_stderr() const { return err_pre_; }
  // From the end marker, when there is one.
  std::optional<int> exit_code;
  std::optional<int> signal;
  std::chrono::steady_clock::time_point ended_at{};
  bool ended() const { return exit_code || signal; }

 private:
  void keep(CapturedStream& s, const char* data, std::size_t n) const;
  void take_trailer(const char* data, std::size_t n);
  CapturedStream* out_;
  CapturedStream* err_;
  std::uint64_t cap_;
  bool markers_;
  std::string nonce_;
  bool out_marked_ = false;
  bool err_marked_ = false;
  std::string out_pre_, err_pre_;
  std::string err_held_;  // stderr after the marker, held while it may be our end line
  long pgid_ = -1;
  bool no_workdir_ = false;
};

// How a remote run stopped, as its client saw it.
struct RemoteEnd {
  enum class Stop { Ended, Timeout, OutputLimit } stop = Stop::Ended;
  bool no_workdir = false;
  std::optional<int> exit_code;
  std::optional<int> signal;
};

// Sets result.status, exit_code, signal and message. The caller has already thrown for a run
// that ended without any status (a transport failure, never a learner's).
void classify_remote_run(RunResult& result, const RunRequest& request, const RemoteEnd& end);

}  // namespace grader
