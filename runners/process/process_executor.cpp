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
    if (runio::cloexec_above_stdio() != 0) {
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
    fs::path workdir, root;  // root: what collected paths must stay inside
    if (std::string error = check_request(req_, workdir, root); !error.empty())
      return runner_error(req_, error);
    std::string exe;
    if (std::string error = resolve(workdir, exe); !error.empty()) return runner_error(req_, error);
    StdioPipes pipes;
    if (std::string error = make_stdio_pipes(req_, pipes); !error.empty()) return runner_error(req_, error);

    std::vector<std::string> argv_storage = req_.argv;
    std::vector<char*> argv_ptrs;
    for (std::string& a : argv_storage) argv_ptrs.push_back(a.data());
    argv_ptrs.push_back(nullptr);
    const std::string workdir_str = workdir.string();
    const ChildPlan plan = child_plan(pipes, workdir_str.c_str(), argv_ptrs.data());

    spare_ = reaper::own_children();  // the grader's own children, before the run
    start_ = Clock::now();
    Spawned spawned = spawn(exe, req_.argv, req_.env, plan);
    pipes.close_child_ends();
    if (spawned.pid <= 0) {
      return runner_error(req_, "could not start " + req_.argv[0] + ": " + spawned.error);
    }
    pid_ = spawned.pid;
    spare_.push_back(pid_);

    pump_.connect(pipes, req_, result_);
    Stop stop = wait_loop();
    finish(stop);
    // The learner may have removed the workdir, or swapped it for a symlink to elsewhere: then
    // nothing is collected.
    collect_files(req_, workdir, root, result_);
    return std::move(result_);
  }

 private:
  // The command as execvp would find it in the request's PATH (its default when unset); the
  // runner error's message when it cannot be found.
  std::string resolve(const fs::path& workdir, std::string& exe) const {
    auto path_it = req_.env.find("PATH");
    const std::string path_var = path_it != req_.env.end() ? path_it->second : "/bin:/usr/bin";
    auto found = resolve_command(req_.argv[0], path_var, workdir);
    if (found) {
      exe = *found;
      return "";
    }
    if (req_.argv[0].find('/') != std::string::npos) return "command not found: " + req_.argv[0];
    return "command not found: " + req_.argv[0] + " (PATH=" + path_var +
           (path_it == req_.env.end() ? ", PATH unset" : "") + ")";
  }

  ChildPlan child_plan(const StdioPipes& pipes, const char* workdir, char* const* argv) const {
    ChildPlan plan;
    plan.stdin_fd = pipes.in_read.get();
    plan.stdout_fd = pipes.out_write.get();
    plan.stderr_fd = pipes.err_write.get();
    plan.workdir = workdir;
    plan.argv = argv;
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
    return plan;
  }

  Stop wait_loop() {
    Stop stop = pump_.run(pid_, deadline_for(start_, req_.timeout_s));
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
      set_ending(result_, reaped->wait_status);
    }
    classify(stop, reaped.has_value());
    if (!sweep.complete) result_.message += std::string(result_.message.empty() ? "" : "; ") + kLeftoversNote;
  }

  void classify(Stop stop, bool reaped) {
    if (judge_stop(req_, stop, internal_error_, reaped, "lost track of the child process", result_)) return;
    judge_exit(req_, file_size_limit_, shows_memory_exhaustion(req_, result_), result_);
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
  return runio::run_guarded(request, [&] { return Run(request, file_size_limit_).execute(); });
}

}  // namespace grader
