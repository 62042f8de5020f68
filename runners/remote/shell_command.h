// What can go wrong in writing a RunRequest as a POSIX shell command line `env -- K=V... ARGV`
// for a machine the grader reaches through a shell (an SSH login, a Slurm batch script).
#pragma once

#include <optional>
#include <string>

#include "grader/run/executor.h"

namespace grader {

// Why the request cannot be written so (a NUL byte, '=' in the command name, which env would
// take for a variable, a malformed variable name); nullopt when it can.
std::optional<std::string> shell_command_problem(const RunRequest& request);

}  // namespace grader
