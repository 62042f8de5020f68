// Parts of the jobscript parser (grader/jobscript/parser.h): the #SBATCH part, read as sbatch
// reads it (Slurm 22.05, src/sbatch/opt.c). Directives are lines that start with exactly
// "#SBATCH", read until the first line that is neither blank nor a comment; their words are split
// like get_argument() does (quotes, backslashes, an unquoted '#' ends the line) and parsed like
// getopt_long() with sbatch's option table (long-option abbreviations included).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "grader/jobscript/parser.h"

namespace grader::jobscript::detail {

// Line 1: the shebang, or an issue saying why sbatch refuses the script.
void read_shebang(const std::vector<std::string>& lines, JobScript& js);

// Every line after the shebang: the effective directives, those after the first command
// (ignored), lines that look like directives but are not, and the first command's line.
void read_directives(const std::vector<std::string>& lines, JobScript& js);

// The words of one #SBATCH line after the magic word, split as sbatch's get_argument() does.
std::vector<std::string> directive_words(std::string_view rest);

// One #SBATCH line (`text`, whose words after the magic word are `rest`) through getopt_long.
void parse_directive_line(int line, const std::string& text, std::string_view rest,
                          std::vector<Directive>& out, std::vector<Issue>& issues);

// Values sbatch itself refuses at submission (times, counts, memory, gres, GPU counts).
void check_values(const std::vector<Directive>& directives, std::vector<Issue>& issues);

}  // namespace grader::jobscript::detail
