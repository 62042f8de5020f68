// Starting a helper program of the grader's own (ssh, sftp, an SSH_ASKPASS program) with its
// standard streams on descriptors we own. posix_spawn, not fork: the grader has threads, and
// nothing but exec happens in the child. Learner code never goes through here (the executors
// contain it); these are trusted tools run with the grader's environment.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace grader {

// Starts argv (argv[0] looked up in PATH) with stdin/stdout/stderr on in_fd/out_fd/err_fd (-1:
// /dev/null), every signal at its default action and none blocked. Throws std::system_error
// naming the program when it cannot be started (not found, not executable).
pid_t spawn_program(const std::vector<std::string>& argv, int in_fd, int out_fd, int err_fd);

// Runs argv to its end with no input; its stdout (at most max_bytes kept) and how it ended.
// stderr is left on the grader's own stderr (an askpass's complaints are for the human).
struct ProgramOutput {
  std::string out;
  int exit_code = -1;  // -1: killed by a signal
  int signal = 0;
};
ProgramOutput run_program(const std::vector<std::string>& argv, std::size_t max_bytes = 64 * 1024);

}  // namespace grader
