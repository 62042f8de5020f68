// Command-line parsing for the grader's subcommands: positionals, `--opt VALUE` / `--opt=VALUE`
// and flags, with unknown options rejected and a suggestion offered.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace grader::cli {

struct Args {
  std::vector<std::string> positional;
  std::map<std::string, std::string> values;
  std::set<std::string> flags;

  std::optional<std::string> value(const std::string& name) const;
  bool flag(const std::string& name) const { return flags.count(name) > 0; }
};

struct OptionSpec {
  std::set<std::string> with_value;  // "--format"
  std::set<std::string> flags;       // "--teacher"
};

// Throws UsageError naming the command: "grader check: unknown option '--fromat'; did you mean
// '--format'?".
Args parse_args(const std::string& command, const std::vector<std::string>& argv, const OptionSpec& spec);

// Exit codes, as in DESIGN.md.
enum Exit : int { kFullMarks = 0, kNotFull = 1, kUsage = 2, kRunnerFailed = 3 };

int check_command(const std::vector<std::string>& argv);
int validate_command(const std::vector<std::string>& argv);
int grade_command(const std::vector<std::string>& argv);
int list_command(const std::vector<std::string>& argv);

// Whether to colour text going to stdout: a TTY, NO_COLOR unset, and --color not "never".
bool use_color(const std::optional<std::string>& setting);

}  // namespace grader::cli
