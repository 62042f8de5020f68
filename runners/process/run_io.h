// What every local executor does around a child process, whatever contains it: check the
// request, own its pipes, pump stdout/stderr through byte caps while feeding stdin, wait in poll()
// on a pidfd and a deadline, read collected files back from the workdir without following links
// out of it, and judge how the run ended. Shared by ProcessExecutor and SandboxExecutor (one way
// to do each thing); each adds only what its containment knows (a cgroup's memory events, ...).
#pragma once

#include <sys/resource.h>
#include <sys/types.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include "grader/run/executor.h"

namespace grader::runio {

using Clock = std::chrono::steady_clock;

// Longest timeout honoured; beyond this the deadline arithmetic would overflow.
constexpr double kMaxTimeoutS = 1e8;

std::string errno_text(int err);

// The whole of a small file (/proc, cgroupfs), or nullopt when it cannot be opened.
std::optional<std::string> read_small_file(const std::string& path);

// `want` as a limit, lowered to the grader's own hard limit, which an unprivileged process
// cannot raise.
struct rlimit clamped_rlimit(int resource, std::uint64_t want);

// Runs `run`, and makes anything it throws a RunnerError ("internal error: what"): an executor
// never throws for a run.
RunResult run_guarded(const RunRequest& req, const std::function<RunResult()>& run);

// The checks every local executor makes of a request before it makes anything, in this order: a
// command, a grader that does not ignore SIGCHLD (the kernel would reap the run itself: no exit
// status, no rusage), a positive timeout, an existing workdir, well-formed environment variables,
// no NUL byte in the command. The runner error's message, empty when the request can run; then
// `workdir` is the workdir made absolute and `root` its canonical path.
std::string check_request(const RunRequest& req, std::filesystem::path& workdir, std::filesystem::path& root);

// In a child between fork and exec: every signal back to its default action and none blocked,
// since ignored signals and the mask survive exec. Async-signal-safe.
void reset_signals_for_exec();

// In a child before exec: every descriptor from 3 up marked close-on-exec (close_range). -1 with
// errno set where the kernel has no close_range (before 5.11). Async-signal-safe.
int cloexec_above_stdio();

// An owned file descriptor.
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  Fd(Fd&& o) noexcept : fd_(o.release()) {}
  Fd& operator=(Fd&& o) noexcept {
    if (this != &o) {
      reset();
      fd_ = o.release();
    }
    return *this;
  }
  ~Fd() { reset(); }
  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  int release() {
    int fd = fd_;
    fd_ = -1;
    return fd;
  }
  void reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
};

// Moves `fd` to 3 or above (keeping close-on-exec), so the child's dup2 onto 0/1/2 can never
// clobber another of its descriptors, even when the grader runs with a closed stdio slot.
bool lift_above_stdio(Fd& fd);
// A close-on-exec pipe, both ends above stdio.
bool make_pipe(Fd& read_end, Fd& write_end);
bool set_nonblocking(int fd);

// A run's standard streams: the child's ends (dup'ed onto 0/1/2 in the child) and ours, which are
// non-blocking. stdin is a pipe when the request has input, /dev/null otherwise.
struct StdioPipes {
  Fd in_read, in_write, out_read, out_write, err_read, err_write;
  // Once the child has its ends: closes ours of them, so that EOF comes when it is gone.
  void close_child_ends();
};
// The error message (with errno's text), empty on success.
std::string make_stdio_pipes(const RunRequest& req, StdioPipes& pipes);

// One captured stream: the read end of its pipe and what came through it, capped.
struct Stream {
  const char* name;
  Fd fd;
  CapturedStream* captured;
  std::uint64_t cap;
  // When set, the bytes go through this filter (which keeps them into `captured` itself, so
  // that over() holds): the SSH clients read their marker lines out of the streams.
  std::function<void(const char*, std::size_t)> sink = {};

  bool over() const { return captured->truncated; }
  // Reads what is there without blocking, at most `max_reads` chunks. False once the pipe is at
  // EOF (or broken): the stream is then closed.
  bool pump(int max_reads);
  void keep(const char* data, std::size_t n);
};

// What the wait loop ended on.
enum class Stop { Exited, Timeout, OutputLimit, Internal };

// The parent side of a run's standard streams: pumps stdout/stderr and feeds stdin until the
// watched child ends, the deadline passes, or a stream goes over its cap. Waits in poll() on the
// pipes and the child's pidfd: no sleeping (10 ms polls only where pidfd_open is missing).
struct Pump {
  Stream out{"stdout", Fd(), nullptr, 0};
  Stream err{"stderr", Fd(), nullptr, 0};
  Fd stdin_fd;
  const std::string* stdin_data = nullptr;
  std::size_t stdin_offset = 0;
  std::string error;  // why Stop::Internal
  // An earlier end to the wait that the owner may set while it runs (from a stream's sink): at
  // settle_by, run() returns as at the deadline.
  Clock::time_point settle_by = Clock::time_point::max();

  // Takes our ends of `pipes`: stdout and stderr kept in result.out and result.err up to the
  // request's output limit, stdin fed from its input (closed at once when that is empty).
  void connect(StdioPipes& pipes, const RunRequest& req, RunResult& result);
  // `pid` must be a child of this process (its end is seen through a pidfd or waitid WNOWAIT;
  // it is never reaped here).
  Stop run(int pid, Clock::time_point deadline);
  // After every writer is dead: reads to EOF, bounded all the same.
  void drain();

 private:
  void feed_stdin();
};

// When a run started at `start` is out of time (the timeout capped at kMaxTimeoutS).
Clock::time_point deadline_for(Clock::time_point start, double timeout_s);

// exit_code or signal from a wait status.
void set_ending(RunResult& result, int wait_status);

bool contains(const std::string& haystack, const char* needle);

// The verdict, in two halves with room between them for what only one executor knows. First how
// the wait ended, before the exit status counts: an internal error, a lost child (`lost` says
// which, "lost track of ..."), the time limit, a stream over its cap. False, with nothing set,
// when none of these. Sets result.status and result.message.
bool judge_stop(const RunRequest& req, Stop stop, const std::string& internal_error, bool reaped,
                const char* lost, RunResult& result);
// Then, for a main process that ended on its own, its exit status: ok; a file over the
// `file_size_limit` (SIGXFSZ, or CPython's "File too large": it ignores SIGXFSZ); out of memory,
// as the executor judged it from its evidence (`out_of_memory`); a nonzero exit; a signal.
void judge_exit(const RunRequest& req, std::uint64_t file_size_limit, bool out_of_memory, RunResult& result);
// "ran out of memory under the 256 MiB limit (killed by signal 9 (SIGKILL))".
std::string memory_message(const RunRequest& req, const RunResult& result);
// The end of a message that says leftovers could not be killed.
inline constexpr const char* kLeftoversNote = "some processes it started could not be killed";

// Reads one collected file: workspace-relative, resolved inside `root` only. A symlink may point
// elsewhere inside the root; one that leads out of it reads as absent, as does anything that is
// not a regular file. Call only when nothing of the learner is alive any more.
CollectedFile collect_file(const std::filesystem::path& root, const std::string& rel, std::uint64_t limit);
// Every file the request collects, into result.files; all absent when `workdir` no longer
// resolves to `root` (the learner removed it, or swapped it for a link to elsewhere).
void collect_files(const RunRequest& req, const std::filesystem::path& workdir,
                   const std::filesystem::path& root, RunResult& result);

}  // namespace grader::runio
