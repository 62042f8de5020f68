// posix_spawn for the grader's helper programs; see spawn.h.
#include "runners/process/spawn.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

#include "runners/process/run_io.h"

extern char** environ;

namespace grader {

pid_t spawn_program(const std::vector<std::string>& argv, int in_fd, int out_fd, int err_fd) {
  if (argv.empty()) throw std::system_error(EINVAL, std::generic_category(), "spawn: no program");
  runio::Fd null_fd(::open("/dev/null", O_RDWR | O_CLOEXEC));
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attr;
  posix_spawn_file_actions_init(&actions);
  posix_spawnattr_init(&attr);
  const int fds[3] = {in_fd, out_fd, err_fd};
  for (int target = 0; target < 3; ++target) {
    // dup2 onto the slot clears close-on-exec; a descriptor already in its slot is left as it is.
    int from = fds[target] >= 0 ? fds[target] : null_fd.get();
    if (from != target) posix_spawn_file_actions_adddup2(&actions, from, target);
  }
  sigset_t all, none;
  sigfillset(&all);
  sigemptyset(&none);
  posix_spawnattr_setsigdefault(&attr, &all);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  int rc = ::posix_spawnp(&pid, args[0], &actions, &attr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) throw std::system_error(rc, std::generic_category(), "cannot run " + argv[0]);
  return pid;
}

ProgramOutput run_program(const std::vector<std::string>& argv, std::size_t max_bytes) {
  runio::Fd read_end, write_end;
  if (!runio::make_pipe(read_end, write_end)) {
    throw std::system_error(errno, std::generic_category(), "pipe for " + argv.at(0));
  }
  pid_t pid = spawn_program(argv, -1, write_end.get(), 2);
  write_end.reset();
  ProgramOutput r;
  char buf[4096];
  for (;;) {
    ssize_t n = ::read(read_end.get(), buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    if (r.out.size() < max_bytes)
      r.out.append(buf, std::min<std::size_t>(static_cast<std::size_t>(n), max_bytes - r.out.size()));
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) r.signal = WTERMSIG(status);
  return r;
}

}  // namespace grader
