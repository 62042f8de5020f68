// `grader lint JOBSCRIPT...`: a learner's jobscripts held to sbatch's reading and a cluster's
// rules, with no rubric (grader/lint/jobscript_lint.h); text or JSON on stdout.
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "grader/cli/args.h"
#include "grader/cluster/profile.h"
#include "grader/lint/jobscript_lint.h"
#include "grader/util/text.h"
#include "grader/util/usage_error.h"

namespace grader::cli {

namespace {

constexpr const char* kHelp = R"(usage: grader lint JOBSCRIPT... [--cluster PROFILE] [--format text|json]

Reads Slurm jobscripts the way sbatch and bash read them and reports, one finding per line,
  FILE:LINE: error|warning: MESSAGE
errors: what sbatch or the cluster refuses (an unknown option or malformed value, a directive
  sbatch ignores, a line that lost its '#', a partition, feature or GPU syntax the cluster does
  not have, no project where the cluster needs one);
warnings: what runs, but not as meant (no -t, python without a Python module, several tasks
  without srun or multiprocessing under -n, home paths, a venv sourced as a directory, a
  template placeholder or a path broken over two lines).
No rubric is needed and nothing is submitted.

options:
  --cluster PROFILE  the cluster's rules: rackham, snowy, bianca, kebnekaise, pelle, cosmos,
                     tetralith, dardel, alvis, local (the test cluster), or a profile file.
                     Default: the cluster whose login node this is, if a profile knows it;
                     else sbatch's own rules only
  --format FORMAT    text (default) or json: a list of
                     {"file", "line", "severity", "message"} (line 0: the whole script)

exit codes: 0 no findings, 1 findings, 2 bad usage (an unreadable file, an unknown cluster)
)";

std::string read_script(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw UsageError("grader lint: cannot read " + path + ": " + std::strerror(errno));
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string this_host() {
  char name[256] = {};
  if (gethostname(name, sizeof name - 1) != 0) return "";
  return name;
}

// --cluster, else the profile whose login node this is; nullopt: none.
std::optional<ClusterProfile> cluster_of(const Args& args) {
  if (auto name = args.value("--cluster")) {
    try {
      return load_profile(*name);
    } catch (const std::exception& e) {
      throw UsageError("grader lint: " + std::string(e.what()));
    }
  }
  std::vector<ClusterProfile> profiles;
  for (const auto& n : profile_names()) {
    try {
      profiles.push_back(load_profile(n));
    } catch (const std::exception&) {
      // A broken profile is no reason to refuse a lint that does not need it.
    }
  }
  std::string found = profile_for_host(this_host(), profiles);
  for (auto& p : profiles)
    if (p.name == found) return p;
  return std::nullopt;
}

nlohmann::json to_json(const std::vector<LintFinding>& findings) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& f : findings) {
    out.push_back({{"file", sanitize_utf8(f.file)},
                   {"line", f.line},
                   {"severity", f.error ? "error" : "warning"},
                   {"message", sanitize_utf8(f.message)}});
  }
  return out;
}

}  // namespace

int lint_command(const std::vector<std::string>& argv) {
  Args args = parse_args("grader lint", argv, {{"--cluster", "--format"}, {"-h", "--help"}});
  if (args.flag("-h") || args.flag("--help")) {
    std::cout << kHelp;
    return kFullMarks;
  }
  if (args.positional.empty())
    throw UsageError("grader lint: name at least one jobscript (see grader lint --help)");
  std::string format = args.value("--format").value_or("text");
  if (format != "text" && format != "json")
    throw UsageError("grader lint: --format is text or json, not '" + format + "'");
  std::optional<ClusterProfile> profile = cluster_of(args);

  std::vector<LintFinding> all;
  for (const auto& path : args.positional) {
    std::string text = read_script(path);
    for (auto& f : lint_jobscript(path, text, profile ? &*profile : nullptr)) all.push_back(std::move(f));
  }
  if (format == "json") {
    std::cout << to_json(all).dump(2) << "\n";
  } else {
    for (const auto& f : all) std::cout << format_finding(f) << "\n";
  }
  return all.empty() ? kFullMarks : kNotFull;
}

}  // namespace grader::cli
