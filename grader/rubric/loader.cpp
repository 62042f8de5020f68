// The rubric loader: TOML text in, a checked Rubric out. Every error a teacher can cause is a
// RubricError naming file:line:col, the key and the table it is in, and where a fix is obvious
// (a typo, a missing unit) the fix. The TOML is read through grader/util/toml_reader.h; the
// top level is here, its parts in files of their own: [[run]] (run_loader), [[check]]
// (check_loader), a check's jobscript options (jobscript_options), `needs` and the order of the
// checks (check_order), the rules for single values (value_rules).
#include "grader/rubric/loader.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>

#include "grader/rubric/check_loader.h"
#include "grader/rubric/check_order.h"
#include "grader/rubric/environment_options.h"
#include "grader/rubric/notebook_options.h"
#include "grader/rubric/pytest_options.h"
#include "grader/rubric/run_loader.h"
#include "grader/rubric/value_rules.h"
#include "grader/util/text.h"
#include "grader/util/toml_reader.h"

namespace grader {

RubricError::RubricError(const SourcePos& pos, const std::string& message)
    : std::runtime_error(pos.str() + ": " + message), pos_(pos), bare_(message) {}

namespace {

using namespace rubric_loader;

const std::vector<std::string> kTopKeys = {"exercise", "title", "require_isolation", "require_runner",
                                           "run",      "check", "workspace_size",    "workspace_files"};

// The workspace as a whole (every run's files together), where the executor bounds it.
WorkspaceBounds load_workspace_bounds(const TomlTable& top) {
  WorkspaceBounds b;
  if ((b.bytes = get_size(top, "workspace_size")) && *b.bytes < (1u << 20))
    fail(top.value_pos("workspace_size"), "'workspace_size' must be at least 1M");
  if (auto files = top.get_integer("workspace_files")) {
    if (*files < 16) fail(top.value_pos("workspace_files"), "'workspace_files' must be at least 16");
    b.files = static_cast<std::uint64_t>(*files);
  }
  return b;
}

// The controls an executor can report in runner.isolation (docs/security.md), for
// require_isolation.
const std::vector<std::string> kIsolationControls = {
    "user",    "uid",          "pid",     "mount",     "net",          "ipc",
    "uts",     "cgroup",       "seccomp", "landlock",  "landlock_net", "landlock_scope",
    "rlimits", "no_new_privs", "setsid",  "subreaper", "pgroup",       "disk_quota"};

std::vector<std::string> load_isolation(const TomlTable& top) {
  std::vector<std::string> out;
  auto controls = top.get_strings("require_isolation", "an array of controls like [\"net\", \"pid\"]");
  if (!controls) return out;
  for (const TomlString& control : *controls) {
    if (!contains(kIsolationControls, control.value)) {
      fail(control.pos, "unknown isolation control '" + control.value + "' in 'require_isolation'" +
                            did_you_mean(control.value, kIsolationControls) +
                            " (the controls are listed in docs/security.md)");
    }
    out.push_back(control.value);
  }
  return out;
}

std::vector<RunSpec> load_runs(const TomlTable& top, const SourcePos& start) {
  std::vector<RunSpec> runs;
  std::map<std::string, int> lines;  // id -> line, for repeated ids
  // A rubric of static checks only (jobscript, conda_env) runs nothing; a check that grades a run
  // without one is refused where it is read.
  if (!top.has("run")) return runs;
  std::vector<TomlTable> tables = get_table_array(top, "run", start);
  for (std::size_t i = 0; i < tables.size(); ++i) {
    runs.push_back(load_run(tables[i], i, lines));
    lines[runs.back().id] = runs.back().pos.line;
  }
  return runs;
}

// `runs` gains the runs that checks bring with them (a pytest suite's).
std::vector<CheckSpec> load_checks(const TomlTable& top, const SourcePos& start,
                                   const std::vector<std::string>& run_ids, std::vector<RunSpec>& runs) {
  std::vector<PendingCheck> pending;
  std::map<std::string, int> lines;  // id -> line, for repeated ids
  std::vector<TomlTable> tables = get_table_array(top, "check", start);
  for (std::size_t i = 0; i < tables.size(); ++i) {
    PendingCheck loaded = load_check(tables[i], i, run_ids);
    std::vector<PendingCheck> checks;
    if (std::holds_alternative<PytestCheck>(loaded.spec.kind))
      checks = expand_pytest_check(tables[i], std::move(loaded), runs);
    else
      checks.push_back(std::move(loaded));
    for (PendingCheck& check : checks) {
      if (auto it = lines.find(check.spec.id); it != lines.end()) {
        fail(check.id_pos,
             "check id '" + check.spec.id + "' is already used at line " + std::to_string(it->second));
      }
      lines[check.spec.id] = check.spec.pos.line;
      pending.push_back(std::move(check));
    }
  }
  return order_checks(std::move(pending));
}

// Slurm's accounting exists for jobscript runs only: a `slurm` check of a command run could never
// pass on any runner.
void check_slurm_runs(const Rubric& rubric) {
  for (const CheckSpec& check : rubric.checks) {
    if (!std::holds_alternative<SlurmCheck>(check.kind)) continue;
    const RunSpec* run = rubric.find_run(check.run);
    if (run && !run->jobscript) {
      fail(check.pos,
           "check '" + check.id + "' is a slurm check of run '" + check.run +
               "', which runs a command, not a jobscript: only Slurm jobs have Slurm's accounting");
    }
  }
}

Rubric load_top(const TomlTable& top, const std::string& source) {
  SourcePos start{source, 1, 1};
  top.reject_unknown(kTopKeys);

  Rubric rubric;
  rubric.source = source;
  std::optional<std::string> exercise = top.get_string("exercise");
  if (!exercise) fail(start, "rubric has no 'exercise'; add e.g. exercise = \"hello\"");
  if (!valid_id(*exercise)) {
    fail(top.value_pos("exercise"),
         "exercise '" + *exercise +
             "' must be lowercase letters, digits, '-' and '_', starting with a letter or digit");
  }
  rubric.exercise = *exercise;
  rubric.title = get_line(top, "title").value_or(rubric.exercise);
  rubric.require_isolation = load_isolation(top);
  rubric.require_runner = top.get_string("require_runner");
  rubric.workspace = load_workspace_bounds(top);

  rubric.runs = load_runs(top, start);
  std::vector<std::string> run_ids;
  for (const RunSpec& run : rubric.runs) run_ids.push_back(run.id);
  rubric.checks = load_checks(top, start, run_ids, rubric.runs);
  check_slurm_runs(rubric);
  add_environment_probes(rubric);
  check_notebook_checks(rubric);
  return rubric;
}

}  // namespace

Rubric parse_rubric(std::string_view toml_text, const std::string& source_name) {
  try {
    TomlDocument doc = TomlDocument::parse(toml_text, source_name);
    return load_top(doc.root("at top level"), source_name);
  } catch (const TomlError& e) {
    throw RubricError(e.pos(), e.bare_message());
  }
}

Rubric load_rubric(const std::filesystem::path& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    throw RubricError(SourcePos{path.string(), 0, 0}, "cannot read rubric: it is a directory");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw RubricError(SourcePos{path.string(), 0, 0},
                      std::string("cannot read rubric: ") + std::strerror(errno));
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) {
    throw RubricError(SourcePos{path.string(), 0, 0},
                      std::string("cannot read rubric: ") + std::strerror(errno));
  }
  return parse_rubric(text.str(), path.string());
}

}  // namespace grader
