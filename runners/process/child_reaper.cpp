// Process-lifetime helpers for ProcessExecutor. See child_reaper.h for how the learner's
// leftovers are recognised (a session other than ours) and why only our own children are ever
// signalled by pid.
#include "runners/process/child_reaper.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>

#include "runners/process/run_io.h"

namespace grader::reaper {
namespace {

void append_pids(const std::string& text, std::vector<int>& out) {
  const char* p = text.c_str();
  while (*p != '\0') {
    char* end = nullptr;
    long v = std::strtol(p, &end, 10);
    if (end == p) {
      ++p;
      continue;
    }
    if (v > 0) out.push_back(static_cast<int>(v));
    p = end;
  }
}

bool is_number(const char* s) {
  if (*s == '\0') return false;
  for (; *s != '\0'; ++s) {
    if (*s < '0' || *s > '9') return false;
  }
  return true;
}

// Numeric entries of a /proc directory.
std::vector<std::string> numeric_entries(const char* dir_path) {
  std::vector<std::string> names;
  DIR* dir = ::opendir(dir_path);
  if (dir == nullptr) return names;
  while (struct dirent* ent = ::readdir(dir)) {
    if (is_number(ent->d_name)) names.emplace_back(ent->d_name);
  }
  ::closedir(dir);
  return names;
}

// For kernels built without CONFIG_PROC_CHILDREN: every process whose stat names us as parent.
std::vector<int> children_by_scan() {
  std::vector<int> kids;
  const int self = static_cast<int>(::getpid());
  for (const std::string& name : numeric_entries("/proc")) {
    auto stat = runio::read_small_file("/proc/" + name + "/stat");
    if (!stat) continue;
    // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so go from the last ')'.
    auto close = stat->rfind(')');
    if (close == std::string::npos) continue;
    int ppid = 0;
    char state = 0;
    if (std::sscanf(stat->c_str() + close + 1, " %c %d", &state, &ppid) == 2 && ppid == self) {
      kids.push_back(std::atoi(name.c_str()));
    }
  }
  return kids;
}

}  // namespace

std::mutex& run_mutex() {
  static std::mutex m;
  return m;
}

bool ensure_subreaper() {
  static std::once_flag once;
  static bool in_force = false;
  std::call_once(once, [] { in_force = ::prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0; });
  return in_force;
}

int open_pidfd(int pid) {
#ifdef SYS_pidfd_open
  return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
#else
  (void)pid;
  errno = ENOSYS;
  return -1;
#endif
}

bool has_ended(int pid) {
  for (;;) {
    siginfo_t info{};
    int r = ::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT | __WALL);
    if (r == 0) return info.si_pid == pid;
    if (errno != EINTR) return true;
  }
}

void wait_ended(int pid) {
  for (;;) {
    siginfo_t info{};
    int r = ::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOWAIT | __WALL);
    if (r == 0 || errno != EINTR) return;
  }
}

void kill_group(int pgid) {
  if (pgid > 1) ::kill(-pgid, SIGKILL);
}

std::optional<Reaped> reap(int pid) {
  for (;;) {
    int status = 0;
    struct rusage ru {};
    pid_t r = ::wait4(pid, &status, __WALL, &ru);
    if (r == pid) {
      Reaped out;
      out.wait_status = status;
      out.cpu_s = static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
                  static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
      out.max_rss_kb = ru.ru_maxrss > 0 ? static_cast<std::uint64_t>(ru.ru_maxrss) : 0;
      return out;
    }
    if (r < 0 && errno == EINTR) continue;
    return std::nullopt;
  }
}

std::vector<int> own_children() {
  std::vector<int> kids;
  bool have_children_files = false;
  for (const std::string& tid : numeric_entries("/proc/self/task")) {
    auto text = runio::read_small_file("/proc/self/task/" + tid + "/children");
    if (!text) continue;
    have_children_files = true;
    append_pids(*text, kids);
  }
  if (!have_children_files) return children_by_scan();
  std::sort(kids.begin(), kids.end());
  kids.erase(std::unique(kids.begin(), kids.end()), kids.end());
  return kids;
}

Sweep kill_leftovers(const std::vector<int>& spare, int max_rounds) {
  Sweep sweep;
  const pid_t own_session = ::getsid(0);
  for (int round = 0; round < max_rounds; ++round) {
    std::vector<int> victims;
    for (int pid : own_children()) {
      if (std::find(spare.begin(), spare.end(), pid) != spare.end()) continue;
      pid_t sid = ::getsid(pid);
      if (sid < 0 || sid == own_session) continue;  // gone already, or not the learner's
      victims.push_back(pid);
    }
    if (victims.empty()) return sweep;
    // Each victim is our unreaped child, so neither its pid nor (when it leads one) its process
    // group id can have been recycled: the kills below cannot reach a stranger.
    for (int pid : victims) {
      if (::getpgid(pid) == pid) ::kill(-pid, SIGKILL);
      ::kill(pid, SIGKILL);
    }
    for (int pid : victims) {
      if (auto r = reap(pid)) {
        ++sweep.killed;
        sweep.cpu_s += r->cpu_s;
        sweep.max_rss_kb = std::max(sweep.max_rss_kb, r->max_rss_kb);
      }
    }
  }
  sweep.complete = false;
  return sweep;
}

}  // namespace grader::reaper
