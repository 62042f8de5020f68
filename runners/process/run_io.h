// What every local executor does around a child process, whatever contains it: own its pipes,
// pump stdout/stderr through byte caps while feeding stdin, wait in poll() on a pidfd and a
// deadline, read collected files back from the workdir without following links out of it, and
// name signals. Shared by ProcessExecutor and SandboxExecutor (one way to do each thing).
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

// In a child between fork and exec: every signal back to its default action and none blocked,
// since ignored signals and the mask survive exec. Async-signal-safe.
void reset_signals_for_exec();

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

  // `pid` must be a child of this process (its end is seen through a pidfd or waitid WNOWAIT;
  // it is never reaped here).
  Stop run(int pid, Clock::time_point deadline);
  // After every writer is dead: reads to EOF, bounded all the same.
  void drain();

 private:
  void feed_stdin();
};

bool contains(const std::string& haystack, const char* needle);

// Reads one collected file: workspace-relative, resolved inside `root` only. A symlink may point
// elsewhere inside the root; one that leads out of it reads as absent, as does anything that is
// not a regular file. Call only when nothing of the learner is alive any more.
CollectedFile collect_file(const std::filesystem::path& root, const std::string& rel, std::uint64_t limit);

}  // namespace grader::runio
