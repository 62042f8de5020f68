// The script that sbatch gets in place of the learner's jobscript so that its shell part runs
// contained on the node (runners/contain/contain_main.cpp), and what grader-contain reported.
//
// The learner's own lines come first, unchanged, up to its first command: sbatch reads the same
// #SBATCH lines at the same line numbers, and refuses what it refused before (no #! on line 1,
// DOS line breaks). Only a #! line is replaced, by #!/bin/sh: the learner's interpreter line
// still runs the jobscript, which grader-contain execs. Where grader-contain does not run on the
// node (another architecture, a noexec file system), the jobscript runs as it would have
// without it, and the report says so.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace grader::slurm {

struct ContainPaths {
  std::string contain;                   // grader-contain on the node
  std::string report;                    // what was in force, written by grader-contain
  std::string script;                    // the learner's jobscript, executable
  std::string tmp;                       // the job's TMPDIR
  std::vector<std::string> hide;         // --hide
  std::vector<std::string> hide_prefix;  // --hide-prefix DIR/PREFIX
  std::vector<std::string> rw;           // --rw
};

// `learner` is the jobscript's text; `first_command_line` the parser's (0: none).
std::string contained_script(std::string_view learner, int first_command_line, const ContainPaths& paths);

struct Isolation {
  std::vector<std::string> in_force;  // no_new_privs, rlimits, landlock, landlock_scope, seccomp
  std::vector<std::string> notes;     // what was not, and why
};

// The report's lines; anything but a known control or a `note:` is ignored. An empty or missing
// report (the job never reached its shell part) is no control in force.
Isolation parse_isolation(std::string_view report);

}  // namespace grader::slurm
