// Quoting for the POSIX shells that run the grader's command lines on other machines: the login
// shell over SSH (runners/ssh, runners/openssh) and bash on a compute node (runners/slurm's
// array scripts). One word at a time, so that argv reaches the program word by word, whatever
// it holds.
#pragma once

#include <string>

namespace grader {

// `word` in single quotes, each ' in it as '\'': any byte but NUL (which no shell word can
// hold; callers refuse it) passes through as itself, $, `, \, " and newlines included.
std::string shell_quote(const std::string& word);

}  // namespace grader
