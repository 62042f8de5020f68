// Shared parent-side plumbing of local executors; see run_io.h.
#include "runners/process/run_io.h"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <system_error>

#include "grader/util/units.h"
#include "runners/process/child_reaper.h"

namespace grader::runio {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t kReadChunk = 64 * 1024;
// Polling interval when the kernel has no pidfd_open (Linux < 5.3).
constexpr int kFallbackPollMs = 10;
#ifndef CLOSE_RANGE_CLOEXEC
constexpr unsigned kCloseRangeCloexec = 1U << 2;
#else
constexpr unsigned kCloseRangeCloexec = CLOSE_RANGE_CLOEXEC;
#endif

// write() with SIGPIPE held back for this thread: a learner that closes stdin early must give
// EPIPE here, not kill the grader. The signal the write raised (thread-directed) is consumed.
ssize_t write_without_sigpipe(int fd, const char* data, std::size_t size) {
  sigset_t pipe_set;
  sigset_t old_mask;
  sigset_t pending;
  ::sigemptyset(&pipe_set);
  ::sigaddset(&pipe_set, SIGPIPE);
  ::pthread_sigmask(SIG_BLOCK, &pipe_set, &old_mask);
  ::sigpending(&pending);
  const bool was_pending = ::sigismember(&pending, SIGPIPE) == 1;
  ssize_t n = ::write(fd, data, size);
  const int saved = errno;
  if (n < 0 && saved == EPIPE && !was_pending) {
    struct timespec zero {};
    while (::sigtimedwait(&pipe_set, nullptr, &zero) < 0 && errno == EINTR) {
    }
  }
  ::pthread_sigmask(SIG_SETMASK, &old_mask, nullptr);
  errno = saved;
  return n;
}

void set_verdict(RunResult& result, RunStatus status, std::string message) {
  result.status = status;
  result.message = std::move(message);
}

}  // namespace

RunResult run_guarded(const RunRequest& req, const std::function<RunResult()>& run) {
  try {
    return run();
  } catch (const std::exception& e) {
    return runner_error(req, std::string("internal error: ") + e.what());
  } catch (...) {
    return runner_error(req, "internal error");
  }
}

std::string check_request(const RunRequest& req, fs::path& workdir, fs::path& root) {
  if (req.argv.empty() || req.argv[0].empty()) return "empty command";
  struct sigaction chld {};
  if (::sigaction(SIGCHLD, nullptr, &chld) == 0 &&
      (chld.sa_handler == SIG_IGN || (chld.sa_flags & SA_NOCLDWAIT) != 0)) {
    return "the grader ignores SIGCHLD, so it cannot wait for the run";
  }
  if (!(req.timeout_s > 0)) return "invalid timeout: " + std::to_string(req.timeout_s) + " s";
  std::error_code ec;
  workdir = fs::absolute(req.workdir, ec);
  if (!ec) root = fs::canonical(workdir, ec);
  if (ec || !fs::is_directory(root, ec)) return "workdir does not exist: " + req.workdir.string();
  for (const auto& [key, value] : req.env) {
    if (key.empty() || key.find('=') != std::string::npos || key.find('\0') != std::string::npos ||
        value.find('\0') != std::string::npos) {
      return "invalid environment variable: '" + key + "'";
    }
  }
  for (const auto& a : req.argv) {
    if (a.find('\0') != std::string::npos) return "NUL byte in the command";
  }
  return "";
}

std::string errno_text(int err) {
  return std::error_code(err, std::system_category()).message();
}

std::optional<std::string> read_small_file(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  std::string text;
  char buf[4096];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    text.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return text;
}

struct rlimit clamped_rlimit(int resource, std::uint64_t want) {
  struct rlimit current {};
  rlim_t value =
      want >= static_cast<std::uint64_t>(RLIM_INFINITY) ? RLIM_INFINITY : static_cast<rlim_t>(want);
  if (::getrlimit(resource, &current) == 0 && current.rlim_max != RLIM_INFINITY) {
    value = std::min(value, current.rlim_max);
  }
  return {value, value};
}

void reset_signals_for_exec() {
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  ::sigemptyset(&dfl.sa_mask);
  for (int sig = 1; sig < NSIG; ++sig) {
    if (sig != SIGKILL && sig != SIGSTOP) ::sigaction(sig, &dfl, nullptr);
  }
  sigset_t none;
  ::sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
}

int cloexec_above_stdio() {
#ifdef SYS_close_range
  return static_cast<int>(::syscall(SYS_close_range, 3U, ~0U, kCloseRangeCloexec));
#else
  errno = ENOSYS;
  return -1;
#endif
}

// Moves `fd` to 3 or above (keeping close-on-exec), so the child's dup2 onto 0/1/2 can never
// clobber another of its descriptors, even when the grader runs with a closed stdio slot.
bool lift_above_stdio(Fd& fd) {
  if (fd.get() > 2) return true;
  int moved = ::fcntl(fd.get(), F_DUPFD_CLOEXEC, 3);
  if (moved < 0) return false;
  fd = Fd(moved);
  return true;
}

bool make_pipe(Fd& read_end, Fd& write_end) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return false;
  read_end = Fd(fds[0]);
  write_end = Fd(fds[1]);
  return lift_above_stdio(read_end) && lift_above_stdio(write_end);
}

bool set_nonblocking(int fd) {
  int flags = ::fcntl(fd, F_GETFL);
  return flags >= 0 && ::fcntl(fd, F_SETFL, flags | O_NONBLOCK) == 0;
}

void StdioPipes::close_child_ends() {
  in_read.reset();
  out_write.reset();
  err_write.reset();
}

std::string make_stdio_pipes(const RunRequest& req, StdioPipes& p) {
  if (!make_pipe(p.out_read, p.out_write) || !make_pipe(p.err_read, p.err_write)) {
    return "could not create pipes: " + errno_text(errno);
  }
  if (req.stdin_data) {
    if (!make_pipe(p.in_read, p.in_write)) return "could not create pipes: " + errno_text(errno);
  } else {
    p.in_read = Fd(::open("/dev/null", O_RDONLY | O_CLOEXEC));
    if (!p.in_read.valid() || !lift_above_stdio(p.in_read)) {
      return "could not open /dev/null: " + errno_text(errno);
    }
  }
  if (!set_nonblocking(p.out_read.get()) || !set_nonblocking(p.err_read.get()) ||
      (p.in_write.valid() && !set_nonblocking(p.in_write.get()))) {
    return "could not set up pipes: " + errno_text(errno);
  }
  return "";
}

bool Stream::pump(int max_reads) {
  char buf[kReadChunk];
  for (int i = 0; i < max_reads; ++i) {
    ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return true;
    if (n <= 0) {
      fd.reset();
      return false;
    }
    keep(buf, static_cast<std::size_t>(n));
  }
  return true;
}

void Stream::keep(const char* data, std::size_t n) {
  if (sink) return sink(data, n);
  captured->total_bytes += n;
  std::uint64_t room = cap - std::min<std::uint64_t>(cap, captured->data.size());
  captured->data.append(data, static_cast<std::size_t>(std::min<std::uint64_t>(room, n)));
  if (captured->total_bytes > cap) captured->truncated = true;
}

void Pump::connect(StdioPipes& pipes, const RunRequest& req, RunResult& result) {
  out = Stream{"stdout", std::move(pipes.out_read), &result.out, req.output_limit};
  err = Stream{"stderr", std::move(pipes.err_read), &result.err, req.output_limit};
  stdin_fd = std::move(pipes.in_write);
  stdin_data = req.stdin_data ? &*req.stdin_data : nullptr;
  if (stdin_fd.valid() && req.stdin_data->empty()) stdin_fd.reset();
}

Stop Pump::run(int pid, Clock::time_point deadline) {
  Fd pidfd(reaper::open_pidfd(pid));  // -1: ENOSYS (< 5.3) or a seccomp'd container; poll
  for (;;) {
    struct pollfd fds[4];
    nfds_t n = 0;
    int pid_slot = -1, out_slot = -1, err_slot = -1, in_slot = -1;
    if (pidfd.valid()) {
      pid_slot = static_cast<int>(n);
      fds[n++] = {pidfd.get(), POLLIN, 0};
    }
    if (out.fd.valid()) {
      out_slot = static_cast<int>(n);
      fds[n++] = {out.fd.get(), POLLIN, 0};
    }
    if (err.fd.valid()) {
      err_slot = static_cast<int>(n);
      fds[n++] = {err.fd.get(), POLLIN, 0};
    }
    if (stdin_fd.valid()) {
      in_slot = static_cast<int>(n);
      fds[n++] = {stdin_fd.get(), POLLOUT, 0};
    }

    const auto now = Clock::now();
    const auto until = std::min(deadline, settle_by);
    if (now >= until) return reaper::has_ended(pid) ? Stop::Exited : Stop::Timeout;
    auto left_ms = std::chrono::ceil<std::chrono::milliseconds>(until - now).count();
    int wait_ms = static_cast<int>(std::clamp<long long>(left_ms, 1, INT_MAX));
    if (!pidfd.valid()) wait_ms = std::min(wait_ms, kFallbackPollMs);

    int ready = ::poll(fds, n, wait_ms);
    if (ready < 0) {
      if (errno == EINTR) continue;
      error = "poll() failed: " + errno_text(errno);
      return Stop::Internal;
    }
    auto fired = [&](int slot) { return slot >= 0 && fds[slot].revents != 0; };
    if (fired(out_slot)) out.pump(4);
    if (fired(err_slot)) err.pump(4);
    if (out.over() || err.over()) return Stop::OutputLimit;
    if (fired(in_slot)) feed_stdin();
    if (pidfd.valid() ? fired(pid_slot) : reaper::has_ended(pid)) return Stop::Exited;
  }
}

void Pump::feed_stdin() {
  const std::string& data = *stdin_data;
  while (stdin_offset < data.size()) {
    std::size_t chunk = std::min(data.size() - stdin_offset, kReadChunk);
    ssize_t n = write_without_sigpipe(stdin_fd.get(), data.data() + stdin_offset, chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
    if (n <= 0) break;  // EPIPE: it stopped reading; what it did not read is its business
    stdin_offset += static_cast<std::size_t>(n);
  }
  stdin_fd.reset();  // all written (or refused): EOF for the child
}

void Pump::drain() {
  stdin_fd.reset();
  if (out.fd.valid()) out.pump(64);
  if (err.fd.valid()) err.pump(64);
}

Clock::time_point deadline_for(Clock::time_point start, double timeout_s) {
  const double timeout = std::min(timeout_s, kMaxTimeoutS);
  return start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(timeout));
}

void set_ending(RunResult& result, int wait_status) {
  if (WIFEXITED(wait_status)) result.exit_code = WEXITSTATUS(wait_status);
  if (WIFSIGNALED(wait_status)) result.signal = WTERMSIG(wait_status);
}

bool contains(const std::string& haystack, const char* needle) {
  return haystack.find(needle) != std::string::npos;
}

bool judge_stop(const RunRequest& req, Stop stop, const std::string& internal_error, bool reaped,
                const char* lost, RunResult& result) {
  if (stop == Stop::Internal) {
    set_verdict(result, RunStatus::RunnerError, internal_error);
  } else if (!reaped) {
    set_verdict(result, RunStatus::RunnerError, lost);
  } else if (stop == Stop::Timeout) {
    set_verdict(result, RunStatus::Timeout,
                "killed after the " + format_duration(req.timeout_s) + " time limit");
  } else if (result.out.truncated || result.err.truncated) {
    // Over its cap: found while it ran (and then killed), or in the final drain.
    const char* stream = result.out.truncated ? "stdout" : "stderr";
    set_verdict(result, RunStatus::OutputLimit,
                std::string(stream) + " exceeded the " + format_size(req.output_limit) + " limit");
  } else {
    return false;
  }
  return true;
}

void judge_exit(const RunRequest& req, std::uint64_t file_size_limit, bool out_of_memory, RunResult& result) {
  const std::string fsize = format_size(file_size_limit);
  if (result.exit_code == 0) return set_verdict(result, RunStatus::Ok, "");
  if (result.signal == SIGXFSZ) {
    return set_verdict(result, RunStatus::OutputLimit,
                       how_it_ended(result) + ": a file exceeded the " + fsize + " file size limit");
  }
  if (result.exit_code && contains(result.err.data, "File too large")) {
    return set_verdict(result, RunStatus::OutputLimit,
                       "a file exceeded the " + fsize + " file size limit (" + how_it_ended(result) + ")");
  }
  if (out_of_memory) return set_verdict(result, RunStatus::MemoryLimit, memory_message(req, result));
  if (result.exit_code) return set_verdict(result, RunStatus::NonzeroExit, how_it_ended(result));
  set_verdict(result, RunStatus::Signaled, how_it_ended(result));
}

std::string memory_message(const RunRequest& req, const RunResult& result) {
  return "ran out of memory under the " + format_size(*req.memory_bytes) + " limit (" + how_it_ended(result) +
         ")";
}

// Reads one collected file: workspace-relative, resolved inside the workdir only. A symlink may
// point elsewhere inside the workdir; one that leads out of it reads as absent, as does anything
// that is not a regular file. Nothing of the learner is alive any more, so the checks cannot be
// raced; O_NOFOLLOW guards the last step all the same.
CollectedFile collect_file(const fs::path& root, const std::string& rel, std::uint64_t limit) {
  CollectedFile file;
  if (rel.empty() || fs::path(rel).is_absolute()) return file;
  std::error_code ec;
  fs::path real = fs::canonical(root / rel, ec);
  if (ec) return file;
  auto [root_end, real_it] = std::mismatch(root.begin(), root.end(), real.begin(), real.end());
  if (root_end != root.end() || real_it == real.end()) return file;  // outside, or the root
  Fd fd(::open(real.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC));
  if (!fd.valid()) return file;
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) return file;
  file.exists = true;
  file.size = static_cast<std::uint64_t>(st.st_size);
  char buf[kReadChunk];
  std::uint64_t read_total = 0;
  for (;;) {
    ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    read_total += static_cast<std::uint64_t>(n);
    std::uint64_t room = limit - std::min<std::uint64_t>(limit, file.data.size());
    file.data.append(buf, static_cast<std::size_t>(std::min<std::uint64_t>(room, n)));
    if (read_total > limit) break;
  }
  file.size = std::max(file.size, read_total);
  file.truncated = file.size > limit;
  return file;
}

void collect_files(const RunRequest& req, const fs::path& workdir, const fs::path& root, RunResult& result) {
  std::error_code ec;
  const bool same_root = fs::canonical(workdir, ec) == root && !ec;
  for (const std::string& rel : req.collect) {
    result.files[rel] = same_root ? collect_file(root, rel, req.output_limit) : CollectedFile{};
  }
}

}  // namespace grader::runio
