// Command-line parsing; see args.h.
#include "grader/cli/args.h"

#include <unistd.h>

#include <cstdlib>

#include "grader/repo/repo.h"
#include "grader/util/text.h"
#include "grader/util/usage_error.h"

namespace grader::cli {

std::optional<std::string> Args::value(const std::string& name) const {
  auto it = values.find(name);
  if (it == values.end()) return std::nullopt;
  return it->second;
}

std::vector<std::string> Args::all_values(const std::string& name) const {
  auto it = every_value.find(name);
  return it == every_value.end() ? std::vector<std::string>{} : it->second;
}

Args parse_args(const std::string& command, const std::vector<std::string>& argv, const OptionSpec& spec) {
  Args args;
  bool only_positional = false;
  for (std::size_t i = 0; i < argv.size(); ++i) {
    const std::string& a = argv[i];
    if (only_positional || a.size() < 2 || a[0] != '-') {
      args.positional.push_back(a);
      continue;
    }
    if (a == "--") {
      only_positional = true;
      continue;
    }
    std::string name = a, value;
    bool has_inline = false;
    if (auto eq = a.find('='); eq != std::string::npos) {
      name = a.substr(0, eq);
      value = a.substr(eq + 1);
      has_inline = true;
    }
    if (spec.with_value.count(name)) {
      if (!has_inline) {
        if (i + 1 >= argv.size()) throw UsageError(command + ": option '" + name + "' needs a value");
        value = argv[++i];
      }
      args.values[name] = value;
      args.every_value[name].push_back(value);
    } else if (spec.flags.count(name)) {
      // Its own message: as an unknown option it would suggest itself ("did you mean '--teacher'?").
      if (has_inline) throw UsageError(command + ": option '" + name + "' takes no value");
      args.flags.insert(name);
    } else {
      std::vector<std::string> known(spec.with_value.begin(), spec.with_value.end());
      known.insert(known.end(), spec.flags.begin(), spec.flags.end());
      std::string msg = command + ": unknown option '" + name + "'";
      auto guess = closest_match(name, known);
      if (!guess.empty()) msg += "; did you mean '" + guess + "'?";
      msg += " (see " + command + " --help)";
      throw UsageError(msg);
    }
  }
  return args;
}

bool use_color(const std::optional<std::string>& setting) {
  if (setting == "always") return true;
  if (setting == "never") return false;
  if (setting && *setting != "auto")
    throw UsageError("--color must be auto, always or never, not '" + *setting + "'");
  const char* no_color = std::getenv("NO_COLOR");
  if (no_color && *no_color) return false;
  return isatty(STDOUT_FILENO) == 1;
}

std::optional<std::filesystem::path> repo_option(const Args& args, const std::string& command) {
  auto r = args.value("--repo");
  if (!r) return find_repo_root(std::filesystem::current_path());
  auto repo = find_repo_root(*r);
  if (!repo) throw UsageError(command + ": --repo " + *r + " has no rubrics/ and exercises/ directories");
  return repo;
}

}  // namespace grader::cli
