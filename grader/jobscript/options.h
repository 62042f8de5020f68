// Parts of the jobscript parser (grader/jobscript/parser.h): sbatch's option table (Slurm 22.05,
// src/sbatch/opt.c), looked up by long name, by short name and by long-name abbreviation, as
// getopt_long() does.
#pragma once

#include <string_view>
#include <vector>

namespace grader::jobscript::detail {

enum class Arg { None, Required, Optional };

struct OptionSpec {
  const char* name;
  Arg arg;
  char short_name;  // 0 when none
};

const OptionSpec* find_long(std::string_view name);
const OptionSpec* find_short(char c);
// The options whose long names start with `prefix`, in table order: one is an abbreviation of
// it, several make `--prefix` ambiguous.
std::vector<const OptionSpec*> options_starting_with(std::string_view prefix);

}  // namespace grader::jobscript::detail
