// A Slurm batch script read the way sbatch and bash read it: the #SBATCH directives sbatch
// honours (only those before the first command, parsed with sbatch's own option table and
// quoting rules), the ones it silently ignores, lines that look like directives but are not
// (`# SBATCH`, `SBATCH` without its `#`), and the ordered shell commands around them (module
// loads, Python invocations and their launchers, cd, venv activation), each with its line. Pure:
// text in, data out; the jobscript check and its tests build on it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "grader/util/slurm_time.h"

namespace grader::jobscript {

// One option given to sbatch in an effective `#SBATCH` line.
struct Directive {
  int line = 0;
  std::string text;     // the whole line as written, without its end of line
  std::string option;   // sbatch's long name, without dashes: "account", "time", "gres"
  std::string written;  // as written: "-A", "--account", "--acc" (getopt abbreviations count)
  std::string value;    // "" for options without an argument
};

enum class Severity {
  Warning,  // sbatch submits the script, but not as the author meant
  Error,    // sbatch refuses the script (unknown option, missing argument)
};

// Something a reader of the script should know about one line.
struct Issue {
  enum class Kind {
    IgnoredDirective,  // #SBATCH after the first command: sbatch ignores it
    NotADirective,     // "# SBATCH", "#sbatch", " #SBATCH": a comment, not a directive
    LostHash,          // "SBATCH -A x" or "!/bin/bash": the leading '#' is missing
    UnknownOption,     // sbatch: unrecognized option
    MissingValue,      // an option that needs an argument has none
    AmbiguousOption,   // a long-option abbreviation that fits several options
    StrayArgument,     // a word in a #SBATCH line that is not an option
    BadValue,          // a value sbatch would reject (time, count, memory, gres)
  };
  Kind kind;
  Severity severity = Severity::Warning;
  int line = 0;
  std::string text;     // the line as written
  std::string message;  // what is wrong, without "file:line: "
};

enum class CommandKind {
  Module,      // module / ml
  Python,      // python, python3, python3.11, /path/python3, or a *.py run directly
  Cd,          // cd DIR
  Activate,    // source X/bin/activate, . X/bin/activate, conda/mamba/source activate ENV
  Assignment,  // NAME=VALUE (alone on its command)
  Other,
};

// One simple command of the shell part, after splitting lines at ; && || | & and joining
// backslash continuations. Prefix words (time, exec, env, VAR=x, then, do, ...) and launchers
// (srun, mpirun, mpiexec) with their options are taken off before the command is classified.
struct Command {
  int line = 0;      // where the command starts
  std::string text;  // the command as written (this segment of the line)
  CommandKind kind = CommandKind::Other;
  std::string program;            // the program after prefixes and launcher: "python3", "module", "cd"
  std::vector<std::string> args;  // its arguments, quotes removed, redirections dropped
  std::string launcher;           // "srun", "mpirun", "mpiexec" or ""
  std::vector<std::string> launcher_args;

  // Module: the subcommand ("load", "unload", "purge", "use", "swap", "list", ...) and, for
  // load/unload/swap and `ml NAME -NAME`, the modules it loads and unloads.
  std::string module_action;
  std::vector<std::string> loads;
  std::vector<std::string> unloads;

  // Activate: the venv directory or conda environment activated.
  std::string activates;
  // Assignment: NAME and VALUE.
  std::string name;
  std::string value;
};

// Slurm time values (-t): grader/util/slurm_time.h.
using TimeLimit = SlurmTime;

// --mem / --mem-per-cpu: a number with an optional K, M, G or T (default M, binary units), in
// bytes; 0 means "all the memory of the node". nullopt when malformed.
std::optional<std::uint64_t> parse_memory(std::string_view text);

// One element of --gres (name[:type][:count]), or of --gpus / --gpus-per-node /
// --gpus-per-task ([type:]count), which have the name "gpu" implied.
struct GresSpec {
  std::string name;  // "gpu"
  std::string type;  // "v100", "" when not given
  std::int64_t count = 1;
};
// nullopt when malformed: "gpu=1", "gpu:x:y:z", a count of 0 or less.
std::optional<std::vector<GresSpec>> parse_gres(std::string_view text);
std::optional<GresSpec> parse_gpus(std::string_view text);

// The words of a --constraint expression: "l40s", "a|b" -> {a, b}, "[rack1*2&rack2]" -> the
// feature names only.
std::vector<std::string> constraint_features(std::string_view text);

struct JobScript {
  int lines = 0;
  std::optional<std::string> shebang;  // line 1 when it starts with "#!"
  std::vector<Directive> directives;   // effective, in order
  std::vector<Directive> ignored;      // #SBATCH lines after the first command, parsed alike
  std::vector<Issue> issues;           // in line order
  std::vector<Command> commands;
  int first_command_line = 0;  // 0 when there is no command

  // The effective value of an option: the last directive that gives it (later ones override
  // earlier ones, as in sbatch). nullptr when not given.
  const Directive* find(std::string_view option) const;
  bool has(std::string_view option) const { return find(option) != nullptr; }

  // Tasks the job asks for: --ntasks, or --nodes x --ntasks-per-node, default 1.
  std::int64_t tasks() const;
  // Cores the job asks for: tasks (--ntasks, or --nodes x --ntasks-per-node, default 1) times
  // --cpus-per-task (default 1).
  std::int64_t cores() const;
  // Any GPU request: --gres=gpu..., --gpus, --gpus-per-node, --gpus-per-task, -G, ...
  bool requests_gpu() const;
};

JobScript parse(std::string_view text);

// sbatch's long option name for a short one ("A" -> "account"), or "" when there is none.
std::string long_option(char short_name);
// Whether sbatch knows this long option (full name, no dashes).
bool known_option(std::string_view name);
// All of sbatch's long option names, for suggestions.
std::vector<std::string> option_names();

}  // namespace grader::jobscript
