// The rubric loader: TOML text in, a checked Rubric out. Every error a teacher can cause is a
// RubricError naming file:line:col, the key and the table it is in, and where a fix is obvious
// (a typo, a missing unit) the fix. The TOML is read through grader/util/toml_reader.h.
#include "grader/rubric/loader.h"

#include <re2/re2.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <utility>

#include "grader/cluster/profile.h"
#include "grader/jobscript/parser.h"
#include "grader/util/text.h"
#include "grader/util/toml_reader.h"
#include "grader/util/units.h"

namespace grader {

RubricError::RubricError(const SourcePos& pos, const std::string& message)
    : std::runtime_error(pos.str() + ": " + message), pos_(pos), bare_(message) {}

namespace {

const std::vector<std::string> kTopKeys = {"exercise",       "title", "require_isolation",
                                           "require_runner", "run",   "check"};

// The controls an executor can report in runner.isolation (docs/security.md), for
// require_isolation.
const std::vector<std::string> kIsolationControls = {
    "user",    "uid",          "pid",     "mount",     "net",          "ipc",
    "uts",     "cgroup",       "seccomp", "landlock",  "landlock_net", "landlock_scope",
    "rlimits", "no_new_privs", "setsid",  "subreaper", "pgroup"};
const std::vector<std::string> kRunKeys = {"id",           "command", "timeout",    "memory",
                                           "output_limit", "stdin",   "stdin_file", "env",
                                           "collect",      "hidden",  "jobscript"};
const std::vector<std::string> kKindKeys = {"exit_code", "stdout",   "stderr",      "file",
                                            "wall_time", "cpu_time", "peak_memory", "jobscript"};
const std::vector<std::string> kCheckKeys = {
    "id",        "run",    "title",  "points", "partial",   "hint",     "hidden",      "needs",
    "exit_code", "stdout", "stderr", "file",   "wall_time", "cpu_time", "peak_memory", "jobscript"};
const std::vector<std::string> kJobscriptKeys = {"file",
                                                 "profile",
                                                 "require",
                                                 "max_time",
                                                 "cores",
                                                 "max_memory",
                                                 "account",
                                                 "partition",
                                                 "cluster",
                                                 "gpu",
                                                 "module_before_python",
                                                 "python_modules",
                                                 "runs",
                                                 "srun_for_parallel",
                                                 "no_home_paths"};
const std::vector<std::string> kMatcherKeys = {"contains", "regex", "exact", "lines", "number"};
const std::vector<std::string> kFileKeys = {"path",  "exists", "contains", "regex",
                                            "exact", "lines",  "number"};
const std::vector<std::string> kNumberKeys = {"regex", "value", "rel_tol", "abs_tol"};
const std::vector<std::string> kBoundKeys = {"min", "max"};

constexpr std::string_view kPlaceholderOpen = "{{stdout:";
constexpr std::string_view kPlaceholderClose = "}}";

std::string number_text(double v) {
  std::ostringstream out;
  out << v;
  return out.str();
}

bool contains(const std::vector<std::string>& items, std::string_view item) {
  return std::find(items.begin(), items.end(), item) != items.end();
}

// Exercise, run and check ids end up in file names, report keys and `needs` lists.
bool valid_id(std::string_view s) {
  auto lower_or_digit = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (s.empty() || !lower_or_digit(s.front())) return false;
  return std::all_of(s.begin(), s.end(), [&](char c) { return lower_or_digit(c) || c == '-' || c == '_'; });
}

bool valid_env_name(std::string_view s) {
  auto letter = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; };
  if (s.empty() || !letter(s.front())) return false;
  return std::all_of(s.begin(), s.end(), [&](char c) { return letter(c) || (c >= '0' && c <= '9'); });
}

// "; did you mean 'x'?" when one candidate is a likely typo, else the list to pick from.
std::string suggestion(std::string_view word, const std::vector<std::string>& candidates,
                       std::string_view list_intro) {
  std::string close = closest_match(word, candidates);
  if (!close.empty()) return "; did you mean '" + close + "'?";
  if (candidates.empty()) return "";
  return "; " + std::string(list_intro) + join(candidates);
}

// What the checks pass still has to resolve once all checks are read.
struct PendingCheck {
  CheckSpec spec;
  SourcePos id_pos;
  std::vector<SourcePos> needs_pos;  // one per spec.needs entry
};

[[noreturn]] void fail(const SourcePos& at, const std::string& message) {
  throw RubricError(at, message);
}

// ---------------------------------------------------------------------------------------------
// Values with the rubric's own rules on top of the typed getters

std::optional<std::string> get_line(const TomlTable& t, std::string_view key) {
  std::optional<std::string> text = t.get_string(key);
  if (text && text->find_first_of("\r\n") != std::string::npos)
    fail(t.value_pos(key), t.key_name(key) + " must be one line");
  return text;
}

std::optional<double> get_number(const TomlTable& t, std::string_view key, bool non_negative) {
  std::optional<double> value = t.get_number(key);
  if (!value) return std::nullopt;
  if (!std::isfinite(*value)) fail(t.value_pos(key), t.key_name(key) + " must be a finite number");
  if (non_negative && *value < 0)
    fail(t.value_pos(key), t.key_name(key) + " must be 0 or more, not " + number_text(*value));
  return value;
}

std::optional<double> get_duration(const TomlTable& t, std::string_view key) {
  std::optional<std::string> text = t.get_string(key, "a string like \"10s\"");
  if (!text) return std::nullopt;
  std::optional<double> seconds = parse_duration(*text);
  if (!seconds)
    fail(t.value_pos(key),
         "invalid duration '" + *text + "' for " + t.quoted(key) + "; use e.g. \"500ms\", \"10s\", \"1.5m\"");
  return seconds;
}

std::optional<std::uint64_t> get_size(const TomlTable& t, std::string_view key) {
  std::optional<std::string> text = t.get_string(key, "a string like \"512M\"");
  if (!text) return std::nullopt;
  std::optional<std::uint64_t> bytes = parse_size(*text);
  if (!bytes)
    fail(t.value_pos(key),
         "invalid size '" + *text + "' for " + t.quoted(key) + "; use e.g. \"512K\", \"512M\", \"1.5G\"");
  return bytes;
}

// [[run]] and [[check]]: present, an array, not empty, and made of tables.
std::vector<TomlTable> get_table_array(const TomlTable& t, std::string_view key, const SourcePos& start) {
  std::string written = "[[" + std::string(key) + "]]";
  std::optional<std::vector<TomlTable>> tables = t.get_tables(key, "an array of tables written " + written);
  if (!tables) fail(start, "rubric has no " + written + "; add at least one");
  if (tables->empty()) fail(t.value_pos(key), "rubric has no " + written + "; add at least one");
  return *tables;
}

// Paths the learner's workspace is read through: relative, and never above the workspace.
std::string checked_path(const TomlTable& t, std::string_view key, const std::string& path,
                         const SourcePos& at) {
  std::string what = "path '" + path + "' for " + t.quoted(key);
  if (path.empty()) fail(at, "empty path for " + t.quoted(key));
  if (path.find('\0') != std::string::npos) fail(at, what + " contains a NUL character");
  if (path.front() == '/') fail(at, what + " must be relative to the workspace, not absolute");
  std::size_t begin = 0;
  while (begin <= path.size()) {
    std::size_t end = path.find('/', begin);
    if (end == std::string::npos) end = path.size();
    if (path.compare(begin, end - begin, "..") == 0)
      fail(at, what + " must stay inside the workspace; '..' is not allowed");
    begin = end + 1;
  }
  return path;
}

void compile_regex(const std::string& pattern, std::string_view key, const TomlTable& t, const SourcePos& at,
                   bool needs_group) {
  RE2::Options options;
  options.set_log_errors(false);
  RE2 re(pattern, options);
  if (!re.ok()) fail(at, "invalid regex for " + t.quoted(key) + ": " + re.error());
  if (needs_group && re.NumberOfCapturingGroups() < 1) {
    fail(at, "regex in 'number' " + t.where() +
                 " has no capturing group; put ( ) around the number, e.g. "
                 "'pi = ([-0-9.eE+]+)'");
  }
}

// The entries of `t` whose keys are in `keys`, in file order.
std::vector<TomlEntry> entries_in(const TomlTable& t, const std::vector<std::string>& keys) {
  std::vector<TomlEntry> out;
  for (TomlEntry& e : t.entries())
    if (contains(keys, e.key)) out.push_back(std::move(e));
  return out;
}

// ---------------------------------------------------------------------------------------------
// The loader

class Loader {
 public:
  explicit Loader(std::string source) : source_(std::move(source)) {}

  Rubric load(const TomlTable& root);

 private:
  SourcePos start() const { return {source_, 1, 1}; }

  RunSpec load_run(const TomlTable& table, std::size_t index);
  PendingCheck load_check(const TomlTable& table, std::size_t index);
  CheckKind load_kind(const TomlTable& s, std::string_view kind, const TomlValue& value,
                      const std::string& check_id);
  std::variant<TextMatch, NumberMatch> load_matcher(const TomlTable& s, std::string_view table_key,
                                                    const std::string& check_id);
  BoundCheck load_bound(const TomlTable& s, std::string_view table_key, Metric metric);
  JobscriptCheck load_jobscript(const TomlTable& s, const TomlValue& value);
  void check_pattern(const std::string& pattern, bool is_regex, std::string_view key, const TomlTable& s,
                     const std::string& check_id, const SourcePos& at) const;

  std::vector<CheckSpec> order_checks(std::vector<PendingCheck> pending) const;

  std::string source_;
  std::vector<std::string> run_ids_;
  std::map<std::string, int> run_lines_;
};

RunSpec Loader::load_run(const TomlTable& table, std::size_t index) {
  RunSpec run;
  run.pos = table.pos();
  std::optional<TomlValue> id_node = table.get("id");
  std::string label = id_node && id_node->is_string() ? "run '" + *id_node->as_string() + "'"
                                                      : "run #" + std::to_string(index + 1);
  TomlTable s = table.named("in " + label);
  s.reject_unknown(kRunKeys);

  std::optional<std::string> id = s.get_string("id");
  if (!id) fail(run.pos, label + " has no 'id'; add e.g. id = \"main\"");
  if (!valid_id(*id)) {
    fail(id_node->pos(), "run id '" + *id +
                             "' must be lowercase letters, digits, '-' and '_', starting with a "
                             "letter or digit");
  }
  if (auto it = run_lines_.find(*id); it != run_lines_.end()) {
    fail(id_node->pos(), "run id '" + *id + "' is already used at line " + std::to_string(it->second));
  }
  run.id = *id;
  run_lines_[*id] = run.pos.line;

  if (auto jobscript = s.get_string("jobscript")) {
    run.jobscript = checked_path(s, "jobscript", *jobscript, s.value_pos("jobscript"));
    if (s.has("command")) {
      fail(s.value_pos("command"),
           label +
               " has both 'jobscript' and 'command'; a jobscript run is submitted with sbatch, "
               "so give one of them");
    }
  } else {
    auto command = s.get_strings("command", "an array of strings like [\"python3\", \"main.py\"]");
    if (!command) {
      fail(run.pos, label +
                        " has no 'command'; add e.g. command = [\"python3\", \"main.py\"] "
                        "(or jobscript = \"job.sh\" for a Slurm job)");
    }
    if (command->empty()) {
      fail(s.value_pos("command"), s.key_name("command") + " is empty; give at least the program to run");
    }
    if (command->front().value.empty()) {
      fail(command->front().pos, "the program in 'command' " + s.where() + " is empty");
    }
    for (const TomlString& arg : *command) run.command.push_back(arg.value);
  }

  if (auto timeout = get_duration(s, "timeout")) {
    if (*timeout <= 0) fail(s.value_pos("timeout"), s.key_name("timeout") + " must be more than 0");
    run.timeout_s = *timeout;
  }
  if (auto memory = get_size(s, "memory")) {
    if (*memory == 0) fail(s.value_pos("memory"), s.key_name("memory") + " must be more than 0");
    run.memory_bytes = *memory;
  }
  if (auto limit = get_size(s, "output_limit")) {
    if (*limit == 0) fail(s.value_pos("output_limit"), s.key_name("output_limit") + " must be more than 0");
    run.output_limit = *limit;
  }

  run.stdin_text = s.get_string("stdin");
  if (auto file = s.get_string("stdin_file")) {
    run.stdin_file = checked_path(s, "stdin_file", *file, s.value_pos("stdin_file"));
  }
  if (run.stdin_text && run.stdin_file) {
    // Point at whichever of the two was written second.
    SourcePos a = s.key_pos("stdin");
    SourcePos b = s.key_pos("stdin_file");
    SourcePos later = std::pair(a.line, a.column) > std::pair(b.line, b.column) ? a : b;
    fail(later, label + " has both 'stdin' and 'stdin_file'; give one");
  }

  if (auto env = s.get_table("env", "a table of strings like { OMP_NUM_THREADS = \"4\" }")) {
    for (const TomlEntry& e : env->entries()) {
      if (!valid_env_name(e.key)) {
        fail(e.key_pos, "environment variable name '" + e.key + "' " + s.where() +
                            " is not valid; use letters, digits and '_', not "
                            "starting with a digit");
      }
      if (!e.value.is_string()) {
        fail(e.value.pos(), "environment variable '" + e.key + "' " + s.where() +
                                " must be a string like \"4\", not " + e.value.type_name());
      }
      run.env[e.key] = *e.value.as_string();
    }
  }

  if (auto collect = s.get_strings("collect", "an array of paths like [\"out.txt\"]")) {
    for (const TomlString& path : *collect)
      run.collect.push_back(checked_path(s, "collect", path.value, path.pos));
  }
  run.hidden = s.get_bool("hidden").value_or(false);
  return run;
}

PendingCheck Loader::load_check(const TomlTable& table, std::size_t index) {
  PendingCheck pending;
  CheckSpec& check = pending.spec;
  check.pos = table.pos();
  std::optional<TomlValue> id_node = table.get("id");
  std::string label = id_node && id_node->is_string() ? "check '" + *id_node->as_string() + "'"
                                                      : "check #" + std::to_string(index + 1);
  TomlTable s = table.named("in " + label);
  // A matcher written straight into the check most likely belongs under stdout.
  s.reject_unknown(kCheckKeys, [](std::string_view key) -> std::string {
    if (contains(kMatcherKeys, key)) return "; did you mean 'stdout." + std::string(key) + "'?";
    if (key == "path" || key == "exists") return "; did you mean 'file." + std::string(key) + "'?";
    return "";
  });

  std::optional<std::string> id = s.get_string("id");
  if (!id) fail(check.pos, label + " has no 'id'; add e.g. id = \"prints-result\"");
  if (!valid_id(*id)) {
    fail(id_node->pos(), "check id '" + *id +
                             "' must be lowercase letters, digits, '-' and '_', starting with a "
                             "letter or digit");
  }
  check.id = *id;
  pending.id_pos = id_node->pos();

  if (s.has("jobscript")) {
    // Static: the check reads the jobscript as handed in, whatever the runs do.
    if (s.has("run")) {
      fail(s.value_pos("run"), label +
                                   " is a jobscript check: it reads the file from the submission as handed "
                                   "in, before any run, so it takes no 'run'");
    }
  } else if (auto run = s.get_string("run")) {
    if (!contains(run_ids_, *run)) {
      fail(s.value_pos("run"), label + " names run '" + *run + "', which does not exist" +
                                   suggestion(*run, run_ids_, "the runs are: "));
    }
    check.run = *run;
  } else if (run_ids_.size() == 1) {
    check.run = run_ids_.front();
  } else {
    fail(check.pos, label + " has no 'run'; with several runs (" + join(run_ids_) +
                        ") every check names the one it grades");
  }

  check.title = get_line(s, "title").value_or(check.id);
  check.points = get_number(s, "points", true).value_or(1.0);
  check.partial = s.get_bool("partial").value_or(false);
  check.hint = s.get_string("hint");
  check.hidden = s.get_bool("hidden").value_or(false);
  if (auto needs = s.get_strings("needs", "an array of check ids like [\"compiles\"]")) {
    for (const TomlString& need : *needs) {
      check.needs.push_back(need.value);
      pending.needs_pos.push_back(need.pos);
    }
  }

  std::vector<TomlEntry> kinds = entries_in(s, kKindKeys);
  if (kinds.empty()) {
    fail(check.pos, label + " has no kind; give one of " + join(kKindKeys));
  }
  if (kinds.size() > 1) {
    fail(kinds[1].key_pos,
         label + " has two kinds, '" + kinds[0].key + "' and '" + kinds[1].key + "'; give one per check");
  }
  check.kind = load_kind(s, kinds[0].key, kinds[0].value, check.id);

  if (check.partial) {
    std::string kind = kinds[0].key;
    if (const auto* output = std::get_if<OutputCheck>(&check.kind)) {
      if (const auto* text = std::get_if<TextMatch>(&output->match)) {
        kind = to_string(text->kind);
      } else {
        kind = "number";
      }
    } else if (std::holds_alternative<FileExistsCheck>(check.kind)) {
      kind = "exists";
    }
    if (kind != "lines" && kind != "jobscript") {
      fail(s.value_pos("partial"), s.key_name("partial") +
                                       " needs a 'lines' matcher or a jobscript check; this check uses '" +
                                       kind + "'");
    }
  }
  return pending;
}

CheckKind Loader::load_kind(const TomlTable& s, std::string_view kind, const TomlValue& value,
                            const std::string& check_id) {
  if (kind == "exit_code") {
    std::optional<std::int64_t> code = value.as_integer();
    if (!code) s.wrong_type(kind, value, "an integer like 0");
    if (*code < 0 || *code > 255) {
      fail(value.pos(),
           "key 'exit_code' " + s.where() + " must be between 0 and 255, not " + std::to_string(*code));
    }
    return ExitCodeCheck{static_cast<int>(*code)};
  }
  if (kind == "stdout" || kind == "stderr") {
    OutputCheck output;
    output.stream = kind == "stdout" ? Stream::Stdout : Stream::Stderr;
    std::string key(kind);
    s.get_table(kind, "a table like " + key + ".contains = \"...\"");
    output.match = load_matcher(s, kind, check_id);
    return output;
  }
  if (kind == "file") {
    TomlTable f = *s.get_table(kind, "a table like { path = \"out.txt\", exists = true }");
    f.reject_unknown(kFileKeys);
    std::optional<std::string> path = f.get_string("path");
    if (!path) fail(f.pos(), "key 'file' " + s.where() + " has no 'path'");
    std::string checked = checked_path(f, "path", *path, f.value_pos("path"));
    std::optional<bool> exists = f.get_bool("exists");
    if (exists && !*exists) {
      fail(f.value_pos("exists"), "'exists = false' " + s.where() + " is not supported; only exists = true");
    }
    std::vector<TomlEntry> matchers = entries_in(f, kMatcherKeys);
    if (exists) {
      if (!matchers.empty()) {
        fail(matchers.front().key_pos,
             "key 'file' " + s.where() + " has both 'exists' and '" + matchers.front().key + "'; give one");
      }
      return FileExistsCheck{checked};
    }
    if (matchers.empty()) {
      fail(f.pos(), "key 'file' " + s.where() + " needs exists = true or one of " + join(kMatcherKeys));
    }
    OutputCheck output;
    output.stream = Stream::File;
    output.path = checked;
    output.match = load_matcher(s, kind, check_id);
    return output;
  }
  if (kind == "jobscript") return load_jobscript(s, value);
  if (kind == "wall_time") return load_bound(s, kind, Metric::WallTime);
  if (kind == "cpu_time") return load_bound(s, kind, Metric::CpuTime);
  return load_bound(s, kind, Metric::PeakMemory);
}

// The one matcher in a stdout, stderr or file table.
std::variant<TextMatch, NumberMatch> Loader::load_matcher(const TomlTable& s, std::string_view table_key,
                                                          const std::string& check_id) {
  TomlTable m = *s.get_table(table_key);
  std::string name = s.key_name(table_key);
  if (table_key != "file") m.reject_unknown(kMatcherKeys);

  std::vector<TomlEntry> matchers = entries_in(m, kMatcherKeys);
  if (matchers.empty()) fail(m.pos(), name + " needs one of " + join(kMatcherKeys));
  if (matchers.size() > 1) {
    fail(matchers[1].key_pos,
         name + " has both '" + matchers[0].key + "' and '" + matchers[1].key + "'; give one");
  }
  const std::string& key = matchers[0].key;
  const TomlValue& value = matchers[0].value;

  if (key == "number") {
    TomlTable n = *m.get_table(key, "a table like { regex = 'pi = ([0-9.]+)', value = 3.14159 }");
    n.reject_unknown(kNumberKeys);
    NumberMatch match;
    std::optional<std::string> regex = n.get_string("regex");
    if (!regex) fail(n.pos(), "key 'number' " + s.where() + " has no 'regex'");
    compile_regex(*regex, "regex", n, n.value_pos("regex"), true);
    match.regex = *regex;
    std::optional<double> number = get_number(n, "value", false);
    if (!number) fail(n.pos(), "key 'number' " + s.where() + " has no 'value'");
    match.value = *number;
    match.rel_tol = get_number(n, "rel_tol", true);
    match.abs_tol = get_number(n, "abs_tol", true);
    return match;
  }

  TextMatch match;
  if (!value.is_string()) m.wrong_type(key, value, "a string");
  match.pattern = *value.as_string();
  if (key == "contains") match.kind = MatchKind::Contains;
  if (key == "regex") match.kind = MatchKind::Regex;
  if (key == "exact") match.kind = MatchKind::Exact;
  if (key == "lines") match.kind = MatchKind::Lines;
  check_pattern(match.pattern, match.kind == MatchKind::Regex, key, m, check_id, value.pos());
  return match;
}

// Placeholders must name a run; a regex must compile once they are filled in.
void Loader::check_pattern(const std::string& pattern, bool is_regex, std::string_view key,
                           const TomlTable& s, const std::string& check_id, const SourcePos& at) const {
  std::string filled;
  std::size_t from = 0;
  while (true) {
    std::size_t open = pattern.find(kPlaceholderOpen, from);
    if (open == std::string::npos) break;
    std::size_t close = pattern.find(kPlaceholderClose, open + kPlaceholderOpen.size());
    if (close == std::string::npos) {
      fail(at, "unclosed placeholder '{{stdout:' in " + s.quoted(key) + "; write {{stdout:RUN}}");
    }
    std::string run = pattern.substr(open + kPlaceholderOpen.size(), close - open - kPlaceholderOpen.size());
    if (!contains(run_ids_, run)) {
      fail(at, "check '" + check_id + "' uses '{{stdout:" + run + "}}', but there is no run '" + run + "'" +
                   suggestion(run, run_ids_, "the runs are: "));
    }
    filled += pattern.substr(from, open - from) + "x";
    from = close + kPlaceholderClose.size();
  }
  filled += pattern.substr(from);
  if (is_regex) compile_regex(filled, key, s, at, false);
}

BoundCheck Loader::load_bound(const TomlTable& s, std::string_view table_key, Metric metric) {
  bool memory = metric == Metric::PeakMemory;
  TomlTable b =
      *s.get_table(table_key, memory ? "a table like { max = \"512M\" }" : "a table like { max = \"2s\" }");
  b.reject_unknown(kBoundKeys);
  BoundCheck bound;
  bound.metric = metric;
  if (memory) {
    if (auto min = get_size(b, "min")) bound.min = static_cast<double>(*min);
    if (auto max = get_size(b, "max")) bound.max = static_cast<double>(*max);
  } else {
    bound.min = get_duration(b, "min");
    bound.max = get_duration(b, "max");
  }
  if (!bound.min && !bound.max) {
    fail(b.pos(), s.key_name(table_key) + " needs 'min', 'max' or both");
  }
  if (bound.min && bound.max && *bound.min > *bound.max) {
    auto show = [&](double v) {
      return memory ? format_size(static_cast<std::uint64_t>(v)) : format_duration(v);
    };
    fail(b.value_pos("min"), "key 'min' " + s.where() + " (" + show(*bound.min) + ") is more than 'max' (" +
                                 show(*bound.max) + ")");
  }
  return bound;
}

// jobscript = { file = "job.sh", profile = "rackham", require = ["account"], ... }: each key one
// requirement; `true` takes the value from the profile.
JobscriptCheck Loader::load_jobscript(const TomlTable& s, const TomlValue& value) {
  std::optional<TomlTable> table = value.as_table(s.where());
  if (!table)
    s.wrong_type("jobscript", value, "a table like { file = \"job.sh\", require = [\"account\", \"time\"] }");
  const TomlTable& j = *table;
  j.reject_unknown(kJobscriptKeys);
  JobscriptCheck c;
  std::optional<std::string> file = j.get_string("file");
  if (!file) fail(j.pos(), "key 'jobscript' " + s.where() + " has no 'file'; add e.g. file = \"job.sh\"");
  c.file = checked_path(j, "file", *file, j.value_pos("file"));

  if (auto name = j.get_string("profile")) {
    try {
      c.profile = load_profile(*name);
    } catch (const ProfileError& e) {
      std::string why = e.line() > 0 ? std::string(e.what()) : e.bare_message();
      fail(j.value_pos("profile"), "cluster profile for 'profile' " + s.where() + ": " + why);
    }
  }
  const ClusterProfile* profile = c.profile ? &*c.profile : nullptr;
  // `key = true` takes the profile's value: say which key needs what when there is none.
  auto from_profile = [&](std::string_view key, bool has, std::string_view what) {
    SourcePos at = j.value_pos(key);
    if (!profile) {
      fail(at, "'" + std::string(key) + " = true' " + s.where() + " takes its " + std::string(what) +
                   " from a cluster profile; add profile = \"NAME\" or give the value");
    }
    if (!has) {
      fail(at, "'" + std::string(key) + " = true' " + s.where() + ": cluster profile '" + profile->name +
                   "' has no " + std::string(what) + "; give the value");
    }
  };
  auto is_true = [&](std::string_view key) {
    std::optional<TomlValue> n = j.get(key);
    std::optional<bool> b = n ? n->as_bool() : std::nullopt;
    if (b && !*b) {
      fail(n->pos(), "'" + std::string(key) + " = false' " + s.where() + " means nothing; leave the key out");
    }
    return b.has_value();
  };

  if (auto require =
          j.get_strings("require", "an array of sbatch option names like [\"account\", \"time\"]")) {
    std::vector<std::string> names = jobscript::option_names();
    for (const TomlString& r : *require) {
      const std::string& name = r.value;
      if (jobscript::known_option(name)) {
        c.require.push_back(name == "cluster" ? "clusters" : name);
        continue;
      }
      std::string text = name;
      while (!text.empty() && text.front() == '-') text.erase(0, 1);
      std::string extra;
      if (text.size() == 1 && !jobscript::long_option(text[0]).empty()) {
        extra = "; write '" + jobscript::long_option(text[0]) + "', sbatch's long name of -" + text;
      } else if (jobscript::known_option(text)) {
        extra = "; write '" + text + "', without the dashes";
      } else {
        extra = suggestion(text, names, "");
        if (extra.rfind("; did you", 0) != 0)
          extra = "; give sbatch's long option names, like 'account' or 'time'";
      }
      fail(r.pos, "'" + name + "' in 'require' " + s.where() + " is not an sbatch option" + extra);
    }
  }
  if (is_true("max_time")) {
    from_profile("max_time", profile && profile->max_walltime_s, "maximum walltime");
    c.max_time_s = *profile->max_walltime_s;
  } else if (auto t = get_duration(j, "max_time")) {
    if (*t <= 0) fail(j.value_pos("max_time"), "key 'max_time' " + s.where() + " must be more than 0");
    c.max_time_s = static_cast<std::int64_t>(std::ceil(*t));
  }
  if (auto cores = j.get_integer("cores", "a whole number like 2")) {
    if (*cores < 1) fail(j.value_pos("cores"), "key 'cores' " + s.where() + " must be 1 or more");
    c.cores = *cores;
  }
  if (auto m = get_size(j, "max_memory")) {
    if (*m == 0) fail(j.value_pos("max_memory"), "key 'max_memory' " + s.where() + " must be more than 0");
    c.max_memory = *m;
  }
  if (is_true("account")) {
    from_profile("account", profile && profile->account_pattern, "account pattern");
    c.account = *profile->account_pattern;
  } else if (auto a = j.get_string("account")) {
    compile_regex(*a, "account", j, j.value_pos("account"), false);
    c.account = *a;
  }
  if (auto p = j.get_string("partition")) {
    compile_regex(*p, "partition", j, j.value_pos("partition"), false);
    c.partition = *p;
  }
  if (is_true("cluster")) {
    from_profile("cluster", profile && !profile->cluster.empty(), "cluster flag (-M)");
    c.cluster = profile->cluster;
  } else if (auto m = get_line(j, "cluster")) {
    c.cluster = *m;
  }
  c.gpu = j.get_bool("gpu");
  c.module_before_python = j.get_bool("module_before_python").value_or(false);
  if (is_true("python_modules")) {
    from_profile("python_modules", profile && !profile->python.modules.empty(), "Python modules");
    c.python_modules = profile->python.modules;
  } else if (auto mods =
                 j.get_strings("python_modules", "an array of module name patterns like ['^python/3\\.']")) {
    for (const TomlString& m : *mods) {
      compile_regex(m.value, "python_modules", j, m.pos, false);
      c.python_modules.push_back(m.value);
    }
  }
  if (auto r = get_line(j, "runs")) {
    if (r->empty() || r->find('/') != std::string::npos) {
      fail(j.value_pos("runs"), "key 'runs' " + s.where() +
                                    " names the script a python command runs, "
                                    "without a directory, like \"mmmult.py\"");
    }
    c.runs = *r;
  }
  c.srun_for_parallel = j.get_bool("srun_for_parallel").value_or(false);
  c.no_home_paths = j.get_bool("no_home_paths").value_or(false);
  return c;
}

// Resolves `needs` and orders checks so that each follows what it needs, otherwise keeping the
// order of the file.
std::vector<CheckSpec> Loader::order_checks(std::vector<PendingCheck> pending) const {
  std::map<std::string, std::size_t> index;
  std::vector<std::string> ids;
  for (std::size_t i = 0; i < pending.size(); ++i) {
    index[pending[i].spec.id] = i;
    ids.push_back(pending[i].spec.id);
  }

  std::vector<std::vector<std::size_t>> edges(pending.size());
  for (std::size_t i = 0; i < pending.size(); ++i) {
    const CheckSpec& check = pending[i].spec;
    for (std::size_t k = 0; k < check.needs.size(); ++k) {
      const std::string& need = check.needs[k];
      const SourcePos& at = pending[i].needs_pos[k];
      if (need == check.id) fail(at, "check '" + check.id + "' needs itself");
      auto it = index.find(need);
      if (it == index.end()) {
        std::vector<std::string> others;
        for (const std::string& id : ids) {
          if (id != check.id) others.push_back(id);
        }
        fail(at, "check '" + check.id + "' needs '" + need + "', which does not exist" +
                     suggestion(need, others, "the checks are: "));
      }
      if (std::find(check.needs.begin(), check.needs.begin() + static_cast<long>(k), need) !=
          check.needs.begin() + static_cast<long>(k)) {
        fail(at, "check '" + check.id + "' lists '" + need + "' twice in 'needs'");
      }
      edges[i].push_back(it->second);
    }
  }

  // Depth-first search for a cycle; reported from its check that comes first in the file.
  std::vector<int> state(pending.size(), 0);  // 0 unseen, 1 on the path, 2 done
  std::vector<std::size_t> path;
  std::function<void(std::size_t)> visit = [&](std::size_t i) {
    state[i] = 1;
    path.push_back(i);
    for (std::size_t j : edges[i]) {
      if (state[j] == 1) {
        std::vector<std::size_t> cycle(std::find(path.begin(), path.end(), j), path.end());
        std::rotate(cycle.begin(), std::min_element(cycle.begin(), cycle.end()), cycle.end());
        std::vector<std::string> names;
        for (std::size_t c : cycle) names.push_back(pending[c].spec.id);
        names.push_back(names.front());
        const std::vector<std::size_t>& first = edges[cycle[0]];
        std::size_t k = static_cast<std::size_t>(
            std::find(first.begin(), first.end(), cycle[1 % cycle.size()]) - first.begin());
        fail(pending[cycle[0]].needs_pos[k], "needs cycle: " + join(names, " -> "));
      }
      if (state[j] == 0) visit(j);
    }
    state[i] = 2;
    path.pop_back();
  };
  for (std::size_t i = 0; i < pending.size(); ++i) {
    if (state[i] == 0) visit(i);
  }

  // Repeatedly take the first check in file order whose needs are all placed.
  std::vector<CheckSpec> ordered;
  std::vector<bool> placed(pending.size(), false);
  while (ordered.size() < pending.size()) {
    for (std::size_t i = 0; i < pending.size(); ++i) {
      if (placed[i]) continue;
      bool ready = std::all_of(edges[i].begin(), edges[i].end(), [&](std::size_t j) { return placed[j]; });
      if (!ready) continue;
      placed[i] = true;
      ordered.push_back(std::move(pending[i].spec));
      break;
    }
  }
  return ordered;
}

Rubric Loader::load(const TomlTable& top) {
  top.reject_unknown(kTopKeys);

  Rubric rubric;
  rubric.source = source_;
  std::optional<std::string> exercise = top.get_string("exercise");
  if (!exercise) fail(start(), "rubric has no 'exercise'; add e.g. exercise = \"hello\"");
  if (!valid_id(*exercise)) {
    fail(top.value_pos("exercise"),
         "exercise '" + *exercise +
             "' must be lowercase letters, digits, '-' and '_', starting with a letter or digit");
  }
  rubric.exercise = *exercise;
  rubric.title = get_line(top, "title").value_or(rubric.exercise);
  if (auto controls = top.get_strings("require_isolation", "an array of controls like [\"net\", \"pid\"]")) {
    for (const TomlString& control : *controls) {
      if (!contains(kIsolationControls, control.value)) {
        std::string guess = closest_match(control.value, kIsolationControls);
        fail(control.pos, "unknown isolation control '" + control.value + "' in 'require_isolation'" +
                              (guess.empty() ? "" : "; did you mean '" + guess + "'?") +
                              " (the controls are listed in docs/security.md)");
      }
      rubric.require_isolation.push_back(control.value);
    }
  }
  rubric.require_runner = top.get_string("require_runner");

  std::vector<TomlTable> runs = get_table_array(top, "run", start());
  for (std::size_t i = 0; i < runs.size(); ++i) {
    rubric.runs.push_back(load_run(runs[i], i));
    run_ids_.push_back(rubric.runs.back().id);
  }

  std::vector<TomlTable> checks = get_table_array(top, "check", start());
  std::vector<PendingCheck> pending;
  std::map<std::string, int> check_lines;
  for (std::size_t i = 0; i < checks.size(); ++i) {
    PendingCheck check = load_check(checks[i], i);
    if (auto it = check_lines.find(check.spec.id); it != check_lines.end()) {
      fail(check.id_pos,
           "check id '" + check.spec.id + "' is already used at line " + std::to_string(it->second));
    }
    check_lines[check.spec.id] = check.spec.pos.line;
    pending.push_back(std::move(check));
  }
  rubric.checks = order_checks(std::move(pending));
  return rubric;
}

}  // namespace

Rubric parse_rubric(std::string_view toml_text, const std::string& source_name) {
  try {
    TomlDocument doc = TomlDocument::parse(toml_text, source_name);
    return Loader(source_name).load(doc.root("at top level"));
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
