// ProcessExecutor: Boost.Process starts the child (fork, the exec error pipe, exec); everything
// else is plain POSIX: the child's setup before exec (ChildSetup), one poll() loop that pumps
// stdout/stderr, feeds stdin and watches a pidfd and the deadline, then the kill of everything
// the learner left (child_reaper), the reap with rusage, the collection of files and the verdict.
// This is the only translation unit that includes Boost.Process.
#include "runners/process/process_executor.h"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <boost/process/args.hpp>
#include <boost/process/child.hpp>
#include <boost/process/env.hpp>
#include <boost/process/environment.hpp>
#include <boost/process/exe.hpp>
#include <boost/process/extend.hpp>
#include <boost/process/search_path.hpp>
#include <cerrno>
#include <chrono>
#include <climits>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <system_error>

#include "grader/util/units.h"
#include "runners/process/child_reaper.h"
#include "runners/process/run_io.h"

namespace grader {
namespace {

namespace bp = boost::process;
using namespace runio;  // NOLINT: the shared plumbing of local executors
namespace fs = std::filesystem;
#ifndef CLOSE_RANGE_CLOEXEC
constexpr unsigned kCloseRangeCloexec = 1U << 2;
#else
constexpr unsigned kCloseRangeCloexec = CLOSE_RANGE_CLOEXEC;
#endif

// Everything the child needs, computed before the fork: between fork and exec the child of a
// (possibly multi-threaded) grader may only make async-signal-safe system calls, no allocation.
struct ChildPlan {
  int stdin_fd = -1;
  int stdout_fd = -1;
  int stderr_fd = -1;
  const char* workdir = nullptr;
  char* const* argv = nullptr;  // argv[0] exactly as requested, not the resolved path
  pid_t grader_pid = 0;
  struct rlimit core {};
  struct rlimit fsize {};
  struct rlimit as {};
  bool limit_as = false;
  int max_fd = 1024;  // for the close-on-exec fallback where close_range is missing
};

// The Boost.Process extension that turns a plain fork into a contained one. Runs in the child
// after fork, before execve; a failure is reported through Boost's exec error pipe (the parent
// gets it as the child's error_code) and the child exits at once, never running the program
// half set up.
struct ChildSetup : bp::extend::handler {
  const ChildPlan* plan;
  int* spawned_pid;  // the forked pid, recorded even when the launch fails after the fork

  ChildSetup(const ChildPlan* p, int* pid) : plan(p), spawned_pid(pid) {}

  template <class Executor>
  void on_exec_setup(Executor& exec) const {
    const ChildPlan& p = *plan;
    auto fail = [&exec](const char* what) {
      exec.set_error(std::error_code(errno, std::system_category()), what);
      ::_exit(127);
    };
    // Own session and process group: killable as one group, no controlling terminal, and no way
    // back into the grader's session (which is how leftovers are recognised afterwards).
    if (::setsid() < 0) fail("setsid() failed");
    if (::prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0) fail("prctl(PR_SET_PDEATHSIG) failed");
    if (::getppid() != p.grader_pid) ::_exit(127);  // the grader died before the prctl
    if (::setrlimit(RLIMIT_CORE, &p.core) != 0) fail("setrlimit(RLIMIT_CORE) failed");
    if (::setrlimit(RLIMIT_FSIZE, &p.fsize) != 0) fail("setrlimit(RLIMIT_FSIZE) failed");
    if (p.limit_as && ::setrlimit(RLIMIT_AS, &p.as) != 0) fail("setrlimit(RLIMIT_AS) failed");
    runio::reset_signals_for_exec();
    if (::dup2(p.stdin_fd, 0) < 0 || ::dup2(p.stdout_fd, 1) < 0 || ::dup2(p.stderr_fd, 2) < 0) {
      fail("dup2() failed");
    }
    if (::chdir(p.workdir) != 0) fail("chdir() to the workdir failed");
      // No grader descriptor reaches the learner. Close-on-exec rather than close: Boost's exec
      // error pipe must stay open until the exec itself.
#ifdef SYS_close_range
    if (::syscall(SYS_close_range, 3U, ~0U, kCloseRangeCloexec) != 0)
#endif
    {
      for (int fd = 3; fd < p.max_fd; ++fd) ::fcntl(fd, F_SETFD, FD_CLOEXEC);
    }
    exec.cmd_line = p.argv;
  }

  template <class Executor>
  void on_success(Executor& exec) const {
    *spawned_pid = exec.pid;
  }

  template <class Executor>
  void on_error(Executor& exec, const std::error_code&) const {
    *spawned_pid = exec.pid;
  }
};

struct Spawned {
  int pid = -1;
  std::string error;  // empty on success
};

Spawned spawn(const std::string& exe, const std::vector<std::string>& argv,
              const std::map<std::string, std::string>& env, const ChildPlan& plan) {
  bp::environment environment;  // starts empty: nothing of the grader's own is inherited
  for (const auto& [key, value] : env) environment[key] = value;
  std::vector<std::string> args(argv.begin() + 1, argv.end());

  Spawned out;
  int pid = -1;
  std::error_code ec;
  try {
    bp::child child(bp::exe = exe, bp::args = args, environment, ChildSetup(&plan, &pid), ec);
    if (!ec) {
      child.detach();  // we wait for it ourselves (wait4, for the rusage)
      out.pid = pid;
      return out;
    }
  } catch (const std::exception& e) {
    out.error = e.what();
  }
  if (pid > 0) reaper::reap(pid);  // forked, then the setup or the exec failed: it has exited
  if (out.error.empty()) out.error = ec.message();
  return out;
}

// PATH lookup in the *request's* environment, as execvp would do it in the child: entries
// relative to the child's cwd (the workdir), empty entries meaning the cwd itself. A name with a
// slash is a path, relative to the workdir.
std::optional<std::string> resolve_command(const std::string& name, const std::string& path_var,
                                           const fs::path& workdir) {
  if (name.find('/') != std::string::npos) {
    fs::path p = fs::path(name).is_absolute() ? fs::path(name) : workdir / name;
    std::error_code ec;
    if (fs::is_regular_file(p, ec) && ::access(p.c_str(), X_OK) == 0) return p.string();
    return std::nullopt;
  }
  std::vector<boost::filesystem::path> dirs;
  std::size_t start = 0;
  for (;;) {
    std::size_t colon = path_var.find(':', start);
    std::string entry = path_var.substr(start, colon == std::string::npos ? colon : colon - start);
    fs::path dir = entry.empty() ? workdir : fs::path(entry);
    if (dir.is_relative()) dir = workdir / dir;
    dirs.emplace_back(dir.string());
    if (colon == std::string::npos) break;
    start = colon + 1;
  }
  boost::filesystem::path found = bp::search_path(name, dirs);
  if (found.empty()) return std::nullopt;
  return found.string();
}

class Run {
 public:
  Run(const RunRequest& request, std::uint64_t file_size_limit)
      : req_(request), file_size_limit_(file_size_limit) {
    result_.id = request.id;
  }

  ~Run() {
    // Only reached with a live child when something threw mid-run: leave nothing behind.
    if (pid_ > 0) {
      reaper::kill_group(pid_);
      ::kill(pid_, SIGKILL);
      reaper::wait_ended(pid_);
      reaper::reap(pid_);
      reaper::kill_leftovers(spare_);
    }
  }

  RunResult execute() {
    if (req_.argv.empty() || req_.argv[0].empty()) return runner_error(req_, "empty command");
    struct sigaction chld {};
    if (::sigaction(SIGCHLD, nullptr, &chld) == 0 &&
        (chld.sa_handler == SIG_IGN || (chld.sa_flags & SA_NOCLDWAIT) != 0)) {
      // The kernel would reap our children itself: no exit status, no rusage.
      return runner_error(req_, "the grader ignores SIGCHLD, so it cannot wait for the run");
    }
    if (!(req_.timeout_s > 0)) {
      return runner_error(req_, "invalid timeout: " + std::to_string(req_.timeout_s) + " s");
    }
    std::error_code ec;
    fs::path workdir = fs::absolute(req_.workdir, ec);
    if (ec || !fs::is_directory(workdir, ec)) {
      return runner_error(req_, "workdir does not exist: " + req_.workdir.string());
    }
    const fs::path root = fs::canonical(workdir, ec);  // what collected paths must stay inside
    if (ec) return runner_error(req_, "workdir does not exist: " + req_.workdir.string());
    for (const auto& [key, value] : req_.env) {
      if (key.empty() || key.find('=') != std::string::npos || key.find('\0') != std::string::npos ||
          value.find('\0') != std::string::npos) {
        return runner_error(req_, "invalid environment variable: '" + key + "'");
      }
    }
    auto path_it = req_.env.find("PATH");
    // execvp's default when PATH is unset.
    const std::string path_var = path_it != req_.env.end() ? path_it->second : "/bin:/usr/bin";
    auto exe = resolve_command(req_.argv[0], path_var, workdir);
    if (!exe && req_.argv[0].find('/') != std::string::npos) {
      return runner_error(req_, "command not found: " + req_.argv[0]);
    }
    if (!exe) {
      return runner_error(req_, "command not found: " + req_.argv[0] + " (PATH=" + path_var +
                                    (path_it == req_.env.end() ? ", PATH unset" : "") + ")");
    }

    // Pipes: the child's ends are dup'ed onto 0/1/2 in the child; ours are non-blocking.
    Fd in_read, in_write, out_read, out_write, err_read, err_write;
    if (!make_pipe(out_read, out_write) || !make_pipe(err_read, err_write)) {
      return runner_error(req_, "could not create pipes: " + errno_text(errno));
    }
    if (req_.stdin_data) {
      if (!make_pipe(in_read, in_write)) {
        return runner_error(req_, "could not create pipes: " + errno_text(errno));
      }
    } else {
      in_read = Fd(::open("/dev/null", O_RDONLY | O_CLOEXEC));
      if (!in_read.valid() || !lift_above_stdio(in_read)) {
        return runner_error(req_, "could not open /dev/null: " + errno_text(errno));
      }
    }
    if (!set_nonblocking(out_read.get()) || !set_nonblocking(err_read.get()) ||
        (in_write.valid() && !set_nonblocking(in_write.get()))) {
      return runner_error(req_, "could not set up pipes: " + errno_text(errno));
    }

    std::vector<std::string> argv_storage = req_.argv;
    std::vector<char*> argv_ptrs;
    for (std::string& a : argv_storage) argv_ptrs.push_back(a.data());
    argv_ptrs.push_back(nullptr);
    const std::string workdir_str = workdir.string();

    ChildPlan plan;
    plan.stdin_fd = in_read.get();
    plan.stdout_fd = out_write.get();
    plan.stderr_fd = err_write.get();
    plan.workdir = workdir_str.c_str();
    plan.argv = argv_ptrs.data();
    plan.grader_pid = ::getpid();
    plan.core = {0, 0};
    plan.fsize = runio::clamped_rlimit(RLIMIT_FSIZE, file_size_limit_);
    if (req_.memory_bytes) {
      plan.limit_as = true;
      plan.as = runio::clamped_rlimit(RLIMIT_AS, *req_.memory_bytes);
    }
    struct rlimit nofile {};
    if (::getrlimit(RLIMIT_NOFILE, &nofile) == 0) {
      plan.max_fd = static_cast<int>(std::min<rlim_t>(nofile.rlim_cur, 65536));
    }

    spare_ = reaper::own_children();  // the grader's own children, before the run
    start_ = Clock::now();
    Spawned spawned = spawn(*exe, req_.argv, req_.env, plan);
    in_read.reset();
    out_write.reset();
    err_write.reset();
    if (spawned.pid <= 0) {
      return runner_error(req_, "could not start " + req_.argv[0] + ": " + spawned.error);
    }
    pid_ = spawned.pid;
    spare_.push_back(pid_);

    pump_.out = Stream{"stdout", std::move(out_read), &result_.out, req_.output_limit};
    pump_.err = Stream{"stderr", std::move(err_read), &result_.err, req_.output_limit};
    pump_.stdin_fd = std::move(in_write);
    pump_.stdin_data = req_.stdin_data ? &*req_.stdin_data : nullptr;
    if (pump_.stdin_fd.valid() && req_.stdin_data->empty()) pump_.stdin_fd.reset();

    Stop stop = wait_loop();
    finish(stop);
    // The learner may have removed the workdir, or swapped it for a symlink to elsewhere: then
    // nothing is collected.
    const bool same_root = fs::canonical(workdir, ec) == root && !ec;
    for (const std::string& rel : req_.collect) {
      result_.files[rel] = same_root ? collect_file(root, rel, req_.output_limit) : CollectedFile{};
    }
    return std::move(result_);
  }

 private:
  Stop wait_loop() {
    const double timeout = std::min(req_.timeout_s, kMaxTimeoutS);
    const auto deadline =
        start_ + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(timeout));
    Stop stop = pump_.run(pid_, deadline);
    if (stop == Stop::Internal) internal_error_ = pump_.error;
    return stop;
  }

  // The main process has ended or is to be killed. Kill its group, wait for it, kill the group
  // again (it may have forked meanwhile; its zombie keeps the group id from being recycled),
  // reap it with rusage, kill and reap the leftovers, then drain what the pipes still hold.
  void finish(Stop stop) {
    if (stop != Stop::Exited) ::kill(pid_, SIGKILL);
    reaper::kill_group(pid_);
    reaper::wait_ended(pid_);
    reaper::kill_group(pid_);
    std::optional<reaper::Reaped> reaped = reaper::reap(pid_);
    result_.wall_s = std::chrono::duration<double>(Clock::now() - start_).count();
    pid_ = -1;
    reaper::Sweep sweep = reaper::kill_leftovers(spare_);
    // Every writer is dead now: this reads to EOF, bounded all the same.
    pump_.drain();

    if (reaped) {
      result_.cpu_s = reaped->cpu_s + sweep.cpu_s;
      result_.max_rss_kb = reaped->max_rss_kb;
      if (WIFEXITED(reaped->wait_status)) result_.exit_code = WEXITSTATUS(reaped->wait_status);
      if (WIFSIGNALED(reaped->wait_status)) result_.signal = WTERMSIG(reaped->wait_status);
    }
    classify(stop, reaped.has_value());
    if (!sweep.complete) {
      result_.message +=
          std::string(result_.message.empty() ? "" : "; ") + "some processes it started could not be killed";
    }
  }

  void classify(Stop stop, bool reaped) {
    const std::string& err = result_.err.data;
    auto set = [this](RunStatus s, std::string message) {
      result_.status = s;
      result_.message = std::move(message);
    };
    const std::string fsize_limit = format_size(file_size_limit_);

    if (stop == Stop::Internal) return set(RunStatus::RunnerError, internal_error_);
    if (!reaped) return set(RunStatus::RunnerError, "lost track of the child process");
    if (stop == Stop::Timeout) {
      return set(RunStatus::Timeout, "killed after the " + format_duration(req_.timeout_s) + " time limit");
    }
    // A stream over its cap: found while it ran (and then killed), or in the final drain.
    for (const Stream* s : {&pump_.out, &pump_.err}) {
      if (s->over()) {
        return set(RunStatus::OutputLimit,
                   std::string(s->name) + " exceeded the " + format_size(req_.output_limit) + " limit");
      }
    }
    if (result_.exit_code == 0) return set(RunStatus::Ok, "");
    if (result_.signal == SIGXFSZ) {
      return set(RunStatus::OutputLimit,
                 how_it_ended(result_) + ": a file exceeded the " + fsize_limit + " file size limit");
    }
    if (result_.exit_code && contains(err, "File too large")) {  // CPython ignores SIGXFSZ
      return set(RunStatus::OutputLimit,
                 "a file exceeded the " + fsize_limit + " file size limit (" + how_it_ended(result_) + ")");
    }
    if (shows_memory_exhaustion(req_, result_)) {
      return set(RunStatus::MemoryLimit, "ran out of memory under the " + format_size(*req_.memory_bytes) +
                                             " limit (" + how_it_ended(result_) + ")");
    }
    if (result_.exit_code) return set(RunStatus::NonzeroExit, how_it_ended(result_));
    set(RunStatus::Signaled, how_it_ended(result_));
  }

  const RunRequest& req_;
  std::uint64_t file_size_limit_;
  RunResult result_;
  int pid_ = -1;
  std::vector<int> spare_;
  Clock::time_point start_;
  Pump pump_;
  std::string internal_error_;
};

}  // namespace

ProcessExecutor::ProcessExecutor(std::uint64_t file_size_limit)
    : file_size_limit_(file_size_limit), subreaper_(reaper::ensure_subreaper()) {}

std::vector<std::string> ProcessExecutor::isolation() const {
  std::vector<std::string> controls{"pgroup", "rlimits"};
  if (subreaper_) controls.push_back("subreaper");
  return controls;
}

RunResult ProcessExecutor::run(const RunRequest& request) {
  std::lock_guard<std::mutex> lock(reaper::run_mutex());
  try {
    Run run(request, file_size_limit_);
    return run.execute();
  } catch (const std::exception& e) {
    return runner_error(request, std::string("internal error: ") + e.what());
  } catch (...) {
    return runner_error(request, "internal error");
  }
}

}  // namespace grader
