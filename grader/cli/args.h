// Command-line parsing for the grader's subcommands: positionals, `--opt VALUE` / `--opt=VALUE`
// and flags, with unknown options rejected and a suggestion offered.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace grader::cli {

struct Args {
  std::vector<std::string> positional;
  std::map<std::string, std::string> values;                    // the last value of each option
  std::map<std::string, std::vector<std::string>> every_value;  // all of them, in order
  std::set<std::string> flags;

  std::optional<std::string> value(const std::string& name) const;
  // Every value a repeatable option was given ("--lms canvas --lms moodle"), in order.
  std::vector<std::string> all_values(const std::string& name) const;
  bool flag(const std::string& name) const { return flags.count(name) > 0; }
};

struct OptionSpec {
  std::set<std::string> with_value;  // "--format"
  std::set<std::string> flags;       // "--teacher"
};

// The --executor and --runner lines of every command's help that runs learner work.
inline constexpr const char* kWhereItRunsHelp =
    R"(  --executor NAME  how command runs happen on this machine: sandbox (default; falls back
                   to what the host allows and says so) or process
  --runner R       where jobscripts (and, for a remote runner, commands) run: local (the
                   test cluster; needs SLURM_CONF, see ci/cluster env),
                   ssh://user@host[:port] or ssh://ALIAS (~/.ssh/config, or
                   $GRADER_SSH_CONFIG), or a cluster profile: rackham, snowy,
                   bianca, kebnekaise, pelle, cosmos, tetralith, dardel, alvis.
                   Over SSH: libssh, or an OpenSSH ControlMaster you opened with your
                   second factor (GRADER_SSH_CLIENT=libssh|openssh|auto; docs/ssh.md)
)";

// Throws UsageError naming the command: "grader check: unknown option '--fromat'; did you mean
// '--format'?".
Args parse_args(const std::string& command, const std::vector<std::string>& argv, const OptionSpec& spec);

// Exit codes, as in DESIGN.md.
enum Exit : int { kFullMarks = 0, kNotFull = 1, kUsage = 2, kRunnerFailed = 3 };

int check_command(const std::vector<std::string>& argv);
int validate_command(const std::vector<std::string>& argv);
int grade_command(const std::vector<std::string>& argv);
int list_command(const std::vector<std::string>& argv);
int lint_command(const std::vector<std::string>& argv);
int regrade_command(const std::vector<std::string>& argv);

// The exercise repository: --repo DIR (which must be one), else the one around the current
// directory, if any. `command` names the command in the error ("grader grade").
std::optional<std::filesystem::path> repo_option(const Args& args, const std::string& command);

// Whether to colour text going to stdout: a TTY, NO_COLOR unset, and --color not "never".
bool use_color(const std::optional<std::string>& setting);

}  // namespace grader::cli
