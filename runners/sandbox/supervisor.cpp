// The supervisor: the clone, the order of the controls, the run's init and the learner's last
// steps before exec. See supervisor.h for the sequence.
#include "runners/sandbox/supervisor.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "runners/process/run_io.h"
#include "runners/sandbox/cgroup.h"
#include "runners/sandbox/landlock.h"

namespace grader::sandbox {
namespace {

// Reports a failed step on the setup pipe and exits. Async-signal-safe.
[[noreturn]] void fail(int setup_fd, const char* what, int err = errno) {
  SetupFailure f;
  f.err = err;
  std::size_t n = 0;
  for (; what[n] != '\0' && n + 1 < sizeof f.what; ++n) f.what[n] = what[n];
  f.what[n] = '\0';
  ssize_t ignored = ::write(setup_fd, &f, sizeof f);
  (void)ignored;
  ::_exit(127);
}

// Closes every descriptor except those in keep[0..n) (n <= 8).
void close_all_except(const int* keep, int n) {
  int sorted[8];
  for (int i = 0; i < n; ++i) sorted[i] = keep[i];
  std::sort(sorted, sorted + n);
  unsigned from = 0;
  for (int i = 0; i < n; ++i) {
    if (sorted[i] < 0) continue;
    unsigned fd = static_cast<unsigned>(sorted[i]);
    if (fd > from) ::syscall(SYS_close_range, from, fd - 1, 0U);
    from = fd + 1;
  }
  ::syscall(SYS_close_range, from, ~0U, 0U);
}

// execvpe without allocation: argv[0] with a slash is a path (relative to the cwd); otherwise
// each PATH entry in turn, an empty entry meaning the cwd. Returns only on failure, errno set
// (EACCES when a candidate existed but could not be run, as execvp reports it).
void exec_command(const ChildPlan& p) {
  const char* name = p.argv[0];
  if (std::strchr(name, '/') != nullptr) {
    ::execve(name, p.argv, p.envp);
    return;
  }
  char path[4096];
  const std::size_t name_len = std::strlen(name);
  bool saw_eacces = false;
  const char* entry = p.path_var != nullptr ? p.path_var : "/bin:/usr/bin";
  for (;;) {
    const char* end = std::strchr(entry, ':');
    std::size_t len = end != nullptr ? static_cast<std::size_t>(end - entry) : std::strlen(entry);
    if (len + name_len + 2 < sizeof path) {
      std::size_t n = 0;
      if (len == 0) {
        path[n++] = '.';
      } else {
        std::memcpy(path, entry, len);
        n = len;
      }
      path[n++] = '/';
      std::memcpy(path + n, name, name_len + 1);
      ::execve(path, p.argv, p.envp);
      if (errno == EACCES) saw_eacces = true;
    }
    if (end == nullptr) break;
    entry = end + 1;
  }
  errno = saw_eacces ? EACCES : ENOENT;
}

// The learner's process: pid 2 of the run (pid 1 without a pid namespace is the grader's).
[[noreturn]] void learner_main(const ChildPlan& p) {
  const int setup = p.setup_fd;
  if (::setsid() < 0) fail(setup, "setsid()");
  if (::prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0) fail(setup, "prctl(PR_SET_PDEATHSIG)");
  // Into the workdir while still allowed to traverse to it (without a mount namespace the run's
  // uid may not be able to reach the host path).
  if (p.mounts == nullptr && ::chdir(p.workdir) != 0) fail(setup, "chdir() to the workdir");
  if (const char* what = drop_identity(p.identity)) fail(setup, what);
  if (const char* what = apply_rlimits(p.rlimits)) fail(setup, what);
  if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) fail(setup, "prctl(PR_SET_NO_NEW_PRIVS)");
  if (p.landlock_fd >= 0) {
    if (const char* what = apply_landlock(p.landlock_fd)) fail(setup, what);
  }
  runio::reset_signals_for_exec();
  if (::dup2(p.stdin_fd, 0) < 0 || ::dup2(p.stdout_fd, 1) < 0 || ::dup2(p.stderr_fd, 2) < 0) {
    fail(setup, "dup2() of the standard streams");
  }
  // Nothing of the grader's reaches the learner; the setup pipe closes at exec.
  if (runio::cloexec_above_stdio() != 0) {
    fail(setup, "close_range(CLOSE_RANGE_CLOEXEC)");
  }
  if (p.seccomp != nullptr) {
    if (const char* what = install_seccomp(*p.seccomp)) fail(setup, what);
  }
  if (p.probe_only) ::_exit(0);
  exec_command(p);
  fail(setup, "exec");
}

// The run's init. Waits for "go", enters the namespaces, builds the root, starts the learner and
// reaps until the learner's main process ends; then reports and exits (which, as pid 1 of the
// pid namespace, kills everything left in it).
[[noreturn]] void init_main(const ChildPlan& p) {
  const int setup = p.setup_fd;
  // The grader's environment, as this copy of its memory holds it: gone before anything else.
  for (char* c = p.environ_begin; c != nullptr && c < p.environ_end; ++c) *c = '\0';
  // Dumpable only while the parent writes the id maps (owner of /proc/<pid>/uid_map).
  ::prctl(PR_SET_DUMPABLE, p.ns.user ? 1 : 0, 0, 0, 0);
  const int keep[] = {p.stdin_fd,  p.stdout_fd, p.stderr_fd,   p.setup_fd,
                      p.status_fd, p.sync_fd,   p.landlock_fd, p.ns.net_fd};
  close_all_except(keep, 8);
  if (::prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0) fail(setup, "prctl(PR_SET_PDEATHSIG)");
  char go = 0;
  ssize_t got;
  do {
    got = ::read(p.sync_fd, &go, 1);
  } while (got < 0 && errno == EINTR);
  if (got != 1) ::_exit(127);                           // the grader gave up (or died) before letting us go
  if (p.ns.user) ::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);  // the maps are written
  if (const char* what = enter_namespaces(p.ns)) fail(setup, what);
  if (p.mounts != nullptr) {
    if (const char* what = apply_mount_plan(*p.mounts)) fail(setup, what);
  }
  // The second "go": the parent has put us into the run's cgroup (on cgroup v1 that migration
  // waits out an RCU grace period, several ms, which overlaps the set-up above).
  do {
    got = ::read(p.sync_fd, &go, 1);
  } while (got < 0 && errno == EINTR);
  if (got != 1) ::_exit(127);
  ::close(p.sync_fd);
  pid_t learner = static_cast<pid_t>(::syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0));
  if (learner < 0) fail(setup, "fork() of the learner's process");
  if (learner == 0) {
    ::close(p.status_fd);
    learner_main(p);
  }
  ::close(p.stdin_fd);
  ::close(p.stdout_fd);
  ::close(p.stderr_fd);
  ::close(p.setup_fd);
  InitReport report;
  for (;;) {
    int status = 0;
    pid_t pid = ::waitpid(-1, &status, __WALL);
    if (pid < 0) {
      if (errno == EINTR) continue;
      ::_exit(126);  // no children left without having seen the learner: cannot happen
    }
    if (pid == learner) {
      report.wait_status = status;
      break;
    }
  }
  struct rusage self {};
  ::getrusage(RUSAGE_SELF, &self);
  report.init_cpu_us = (self.ru_utime.tv_sec + self.ru_stime.tv_sec) * 1000000L + self.ru_utime.tv_usec +
                       self.ru_stime.tv_usec;
  ssize_t ignored = ::write(p.status_fd, &report, sizeof report);
  (void)ignored;
  ::_exit(0);
}

}  // namespace

pid_t start_init(const ChildPlan& plan, int sync_write, Cgroup* cgroup, std::string& error) {
  const unsigned long flags = clone_flags(plan.ns) | SIGCHLD;
  // A raw clone: fork semantics (the child continues on a copy of this stack) with the
  // namespace flags, which fork() cannot take. Where the cgroup has a thread of ours inside it
  // (a pooled v1 group), that thread clones, so that init is born in the group: no migration.
  auto clone_init = [&plan, flags]() -> long {
    const long child = ::syscall(SYS_clone, flags, 0, 0, 0, 0);
    if (child == 0) init_main(plan);
    return child < 0 ? -errno : child;
  };
  const bool born_inside = cgroup != nullptr && cgroup->clones_inside();
  const long cloned = born_inside ? cgroup->run_inside(clone_init) : clone_init();
  if (cloned < 0) {
    error =
        std::string("clone() of the run's init with namespaces: ") + std::strerror(static_cast<int>(-cloned));
    return -1;
  }
  const pid_t pid = static_cast<pid_t>(cloned);

  auto abandon = [pid](std::string why, std::string& out) {
    ::kill(pid, SIGKILL);
    int status = 0;
    while (::waitpid(pid, &status, __WALL) < 0 && errno == EINTR) {
    }
    out = std::move(why);
    return static_cast<pid_t>(-1);
  };
  if (plan.ns.user) {
    // init makes itself dumpable first thing; until it has, the map files are root's.
    std::string err;
    for (int tries = 0; tries < 20000; ++tries) {
      err = write_id_maps(pid, ::getuid(), ::getgid());
      if (err.empty()) break;
      ::sched_yield();
    }
    if (!err.empty()) return abandon("set up the user namespace's id maps: " + err, error);
  }
  const char go = 'g';
  if (::write(sync_write, &go, 1) != 1) {
    return abandon(std::string("signal the run's init to start: ") + std::strerror(errno), error);
  }
  // Into the cgroup while init builds the root; it forks the learner only after the second go,
  // so nothing of the learner ever runs outside the cgroup.
  if (cgroup != nullptr && !born_inside) {
    std::string err = cgroup->attach(pid);
    if (!err.empty()) return abandon(err, error);
  }
  if (::write(sync_write, &go, 1) != 1) {
    return abandon(std::string("signal the run's init to start: ") + std::strerror(errno), error);
  }
  return pid;
}

}  // namespace grader::sandbox
