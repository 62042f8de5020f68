// Parts of the jobscript parser (grader/jobscript/parser.h): the shell part of a jobscript as
// commands. Lines are joined where bash joins them (a trailing backslash, an open quote), here
// documents skipped, and each line split at ; && || | & into simple commands; prefix words
// (time, exec, env, VAR=x, then, do, ...) and launchers (srun, mpirun, mpiexec) with their
// options are taken off before a command is classified (module, python, cd, activate, ...).
#pragma once

#include <string>
#include <vector>

#include "grader/jobscript/parser.h"

namespace grader::jobscript::detail {

// js.commands from every line bash would read (after the shebang).
void read_commands(const std::vector<std::string>& lines, JobScript& js);

// The words of one simple command into `c` (its line and text already set); false when nothing
// is left to run ("done", "fi", a lone "then").
bool classify(std::vector<std::string> words, Command& c);

}  // namespace grader::jobscript::detail
