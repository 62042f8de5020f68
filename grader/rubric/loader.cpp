// The rubric loader: TOML text in, a checked Rubric out. Every error a teacher can cause is a
// RubricError naming file:line:col, the key and the table it is in, and where a fix is obvious
// (a typo, a missing unit) the fix. toml++ stays inside this file.
#include "grader/rubric/loader.h"

#include <re2/re2.h>
#include <toml++/toml.h>

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

std::string type_name(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a float";
    case toml::node_type::boolean: return "a boolean";
    case toml::node_type::date: return "a date";
    case toml::node_type::time: return "a time";
    case toml::node_type::date_time: return "a date-time";
    case toml::node_type::array: return "an array";
    case toml::node_type::table: return "a table";
    case toml::node_type::none: break;
  }
  return "nothing";
}

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

struct Entry {
  const toml::key* key;
  const toml::node* node;
};

// toml::table iterates in key order; errors should come in the order the teacher wrote things.
std::vector<Entry> in_file_order(const toml::table& table) {
  std::vector<Entry> entries;
  for (const auto& [key, node] : table) entries.push_back({&key, &node});
  std::stable_sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
    const toml::source_position& pa = a.key->source().begin;
    const toml::source_position& pb = b.key->source().begin;
    return std::pair(pa.line, pa.column) < std::pair(pb.line, pb.column);
  });
  return entries;
}

// A table being read, and how messages name it: "at top level", "in run 'main'".
struct Scope {
  const toml::table& table;
  std::string where;
};

// What the checks pass still has to resolve once all checks are read.
struct PendingCheck {
  CheckSpec spec;
  SourcePos id_pos;
  std::vector<SourcePos> needs_pos;  // one per spec.needs entry
};

class Loader {
 public:
  explicit Loader(std::string source) : source_(std::move(source)) {}

  Rubric load(const toml::table& root);

 private:
  SourcePos pos(const toml::source_region& region) const {
    return {source_, static_cast<int>(region.begin.line), static_cast<int>(region.begin.column)};
  }
  SourcePos pos(const toml::node& node) const { return pos(node.source()); }
  SourcePos key_pos(const Scope& s, std::string_view key) const {
    auto it = s.table.find(key);
    return it == s.table.end() ? pos(s.table) : pos(it->first.source());
  }
  SourcePos start() const { return {source_, 1, 1}; }

  [[noreturn]] static void fail(const SourcePos& at, const std::string& message) {
    throw RubricError(at, message);
  }
  [[noreturn]] void wrong_type(const Scope& s, std::string_view key, const toml::node& node,
                               std::string_view expected) const {
    fail(pos(node), "key '" + std::string(key) + "' " + s.where + " must be " + std::string(expected) +
                        ", not " + type_name(node));
  }

  void reject_unknown_keys(const Scope& s, const std::vector<std::string>& allowed,
                           const std::function<std::string(std::string_view)>& hint = {}) const;

  std::optional<std::string> get_string(const Scope& s, std::string_view key) const;
  std::optional<std::string> get_line(const Scope& s, std::string_view key) const;
  std::optional<bool> get_bool(const Scope& s, std::string_view key) const;
  std::optional<double> get_number(const Scope& s, std::string_view key, bool non_negative) const;
  std::optional<double> get_duration(const Scope& s, std::string_view key) const;
  std::optional<std::uint64_t> get_size(const Scope& s, std::string_view key) const;
  std::optional<std::vector<std::pair<std::string, const toml::node*>>> get_strings(
      const Scope& s, std::string_view key, std::string_view expected) const;
  const toml::table* get_table(const Scope& s, std::string_view key, std::string_view expected) const;
  const toml::array& get_table_array(const Scope& s, std::string_view key) const;

  std::string checked_path(const Scope& s, std::string_view key, const std::string& path,
                           const toml::node& node) const;

  RunSpec load_run(const toml::table& table, std::size_t index);
  PendingCheck load_check(const toml::table& table, std::size_t index);
  CheckKind load_kind(const Scope& s, std::string_view kind, const toml::node& node,
                      const std::string& check_id);
  std::variant<TextMatch, NumberMatch> load_matcher(const Scope& s, std::string_view table_key,
                                                    const std::string& check_id);
  BoundCheck load_bound(const Scope& s, std::string_view table_key, Metric metric);
  JobscriptCheck load_jobscript(const Scope& s, const toml::node& node);
  void check_pattern(const std::string& pattern, bool is_regex, std::string_view key, const Scope& s,
                     const std::string& check_id, const toml::node& node) const;
  void compile_regex(const std::string& pattern, std::string_view key, const Scope& s, const toml::node& node,
                     bool needs_group) const;

  std::vector<CheckSpec> order_checks(std::vector<PendingCheck> pending) const;

  std::string source_;
  std::vector<std::string> run_ids_;
  std::map<std::string, int> run_lines_;
};

void Loader::reject_unknown_keys(const Scope& s, const std::vector<std::string>& allowed,
                                 const std::function<std::string(std::string_view)>& hint) const {
  for (const Entry& e : in_file_order(s.table)) {
    std::string_view key = e.key->str();
    if (contains(allowed, key)) continue;
    std::string extra = hint ? hint(key) : std::string();
    if (extra.empty()) extra = suggestion(key, allowed, "allowed here: ");
    fail(pos(e.key->source()), "unknown key '" + std::string(key) + "' " + s.where + extra);
  }
}

std::optional<std::string> Loader::get_string(const Scope& s, std::string_view key) const {
  const toml::node* node = s.table.get(key);
  if (!node) return std::nullopt;
  if (!node->is_string()) wrong_type(s, key, *node, "a string");
  return node->as_string()->get();
}

std::optional<std::string> Loader::get_line(const Scope& s, std::string_view key) const {
  std::optional<std::string> text = get_string(s, key);
  if (text && text->find_first_of("\r\n") != std::string::npos) {
    fail(pos(*s.table.get(key)), "key '" + std::string(key) + "' " + s.where + " must be one line");
  }
  return text;
}

std::optional<bool> Loader::get_bool(const Scope& s, std::string_view key) const {
  const toml::node* node = s.table.get(key);
  if (!node) return std::nullopt;
  if (!node->is_boolean()) wrong_type(s, key, *node, "true or false");
  return node->as_boolean()->get();
}

std::optional<double> Loader::get_number(const Scope& s, std::string_view key, bool non_negative) const {
  const toml::node* node = s.table.get(key);
  if (!node) return std::nullopt;
  double value = 0;
  if (const auto* i = node->as_integer()) {
    value = static_cast<double>(i->get());
  } else if (const auto* f = node->as_floating_point()) {
    value = f->get();
  } else {
    wrong_type(s, key, *node, "a number");
  }
  std::string name = "key '" + std::string(key) + "' " + s.where;
  if (!std::isfinite(value)) fail(pos(*node), name + " must be a finite number");
  if (non_negative && value < 0) {
    fail(pos(*node), name + " must be 0 or more, not " + number_text(value));
  }
  return value;
}

std::optional<double> Loader::get_duration(const Scope& s, std::string_view key) const {
  const toml::node* node = s.table.get(key);
  if (!node) return std::nullopt;
  if (!node->is_string()) wrong_type(s, key, *node, "a string like \"10s\"");
  const std::string& text = node->as_string()->get();
  std::optional<double> seconds = parse_duration(text);
  if (!seconds) {
    fail(pos(*node), "invalid duration '" + text + "' for '" + std::string(key) + "' " + s.where +
                         "; use e.g. \"500ms\", \"10s\", \"1.5m\"");
  }
  return seconds;
}

std::optional<std::uint64_t> Loader::get_size(const Scope& s, std::string_view key) const {
  const toml::node* node = s.table.get(key);
  if (!node) return std::nullopt;
  if (!node->is_string()) wrong_type(s, key, *node, "a string like \"512M\"");
  const std::string& text = node->as_string()->get();
  std::optional<std::uint64_t> bytes = parse_size(text);
  if (!bytes) {
    fail(pos(*node), "invalid size '" + text + "' for '" + std::string(key) + "' " + s.where +
                         "; use e.g. \"512K\", \"512M\", \"1.5G\"");
  }
  return bytes;
}

std::optional<std::vector<std::pair<std::string, const toml::node*>>> Loader::get_strings(
    const Scope& s, std::string_view key, std::string_view expected) const {
  const toml::node* node = s.table.get(key);
  if (!node) return std::nullopt;
  const toml::array* array = node->as_array();
  if (!array) wrong_type(s, key, *node, expected);
  std::vector<std::pair<std::string, const toml::node*>> out;
  for (std::size_t i = 0; i < array->size(); ++i) {
    const toml::node& element = *array->get(i);
    if (!element.is_string()) {
      fail(pos(element), "element " + std::to_string(i + 1) + " of '" + std::string(key) + "' " + s.where +
                             " must be a string, not " + type_name(element));
    }
    out.emplace_back(element.as_string()->get(), &element);
  }
  return out;
}

const toml::table* Loader::get_table(const Scope& s, std::string_view key, std::string_view expected) const {
  const toml::node* node = s.table.get(key);
  if (!node) return nullptr;
  if (!node->is_table()) wrong_type(s, key, *node, expected);
  return node->as_table();
}

// [[run]] and [[check]]: present, an array, not empty, and made of tables.
const toml::array& Loader::get_table_array(const Scope& s, std::string_view key) const {
  std::string written = "[[" + std::string(key) + "]]";
  const toml::node* node = s.table.get(key);
  if (!node) fail(start(), "rubric has no " + written + "; add at least one");
  const toml::array* array = node->as_array();
  if (!array) wrong_type(s, key, *node, "an array of tables written " + written);
  if (array->empty()) fail(pos(*node), "rubric has no " + written + "; add at least one");
  for (std::size_t i = 0; i < array->size(); ++i) {
    const toml::node& element = *array->get(i);
    if (!element.is_table()) {
      fail(pos(element), "element " + std::to_string(i + 1) + " of '" + std::string(key) + "' " + s.where +
                             " must be a table, not " + type_name(element));
    }
  }
  return *array;
}

// Paths the learner's workspace is read through: relative, and never above the workspace.
std::string Loader::checked_path(const Scope& s, std::string_view key, const std::string& path,
                                 const toml::node& node) const {
  std::string what = "path '" + path + "' for '" + std::string(key) + "' " + s.where;
  if (path.empty()) fail(pos(node), "empty path for '" + std::string(key) + "' " + s.where);
  if (path.find('\0') != std::string::npos) fail(pos(node), what + " contains a NUL character");
  if (path.front() == '/') {
    fail(pos(node), what + " must be relative to the workspace, not absolute");
  }
  std::size_t begin = 0;
  while (begin <= path.size()) {
    std::size_t end = path.find('/', begin);
    if (end == std::string::npos) end = path.size();
    if (path.compare(begin, end - begin, "..") == 0) {
      fail(pos(node), what + " must stay inside the workspace; '..' is not allowed");
    }
    begin = end + 1;
  }
  return path;
}

RunSpec Loader::load_run(const toml::table& table, std::size_t index) {
  RunSpec run;
  run.pos = pos(table);
  const toml::node* id_node = table.get("id");
  std::string label = id_node && id_node->is_string() ? "run '" + id_node->as_string()->get() + "'"
                                                      : "run #" + std::to_string(index + 1);
  Scope s{table, "in " + label};
  reject_unknown_keys(s, kRunKeys);

  std::optional<std::string> id = get_string(s, "id");
  if (!id) fail(run.pos, label + " has no 'id'; add e.g. id = \"main\"");
  if (!valid_id(*id)) {
    fail(pos(*id_node), "run id '" + *id +
                            "' must be lowercase letters, digits, '-' and '_', starting with a "
                            "letter or digit");
  }
  if (auto it = run_lines_.find(*id); it != run_lines_.end()) {
    fail(pos(*id_node), "run id '" + *id + "' is already used at line " + std::to_string(it->second));
  }
  run.id = *id;
  run_lines_[*id] = run.pos.line;

  if (auto jobscript = get_string(s, "jobscript")) {
    run.jobscript = checked_path(s, "jobscript", *jobscript, *table.get("jobscript"));
    if (table.get("command")) {
      fail(pos(*table.get("command")),
           label +
               " has both 'jobscript' and 'command'; a jobscript run is submitted with sbatch, "
               "so give one of them");
    }
  } else {
    auto command = get_strings(s, "command", "an array of strings like [\"python3\", \"main.py\"]");
    if (!command) {
      fail(run.pos, label +
                        " has no 'command'; add e.g. command = [\"python3\", \"main.py\"] "
                        "(or jobscript = \"job.sh\" for a Slurm job)");
    }
    if (command->empty()) {
      fail(pos(*table.get("command")),
           "key 'command' " + s.where + " is empty; give at least the program to run");
    }
    if (command->front().first.empty()) {
      fail(pos(*command->front().second), "the program in 'command' " + s.where + " is empty");
    }
    for (auto& [arg, node] : *command) run.command.push_back(arg);
  }

  if (auto timeout = get_duration(s, "timeout")) {
    if (*timeout <= 0) fail(pos(*table.get("timeout")), "key 'timeout' " + s.where + " must be more than 0");
    run.timeout_s = *timeout;
  }
  if (auto memory = get_size(s, "memory")) {
    if (*memory == 0) fail(pos(*table.get("memory")), "key 'memory' " + s.where + " must be more than 0");
    run.memory_bytes = *memory;
  }
  if (auto limit = get_size(s, "output_limit")) {
    if (*limit == 0) {
      fail(pos(*table.get("output_limit")), "key 'output_limit' " + s.where + " must be more than 0");
    }
    run.output_limit = *limit;
  }

  run.stdin_text = get_string(s, "stdin");
  if (auto file = get_string(s, "stdin_file")) {
    run.stdin_file = checked_path(s, "stdin_file", *file, *table.get("stdin_file"));
  }
  if (run.stdin_text && run.stdin_file) {
    // Point at whichever of the two was written second.
    SourcePos a = key_pos(s, "stdin");
    SourcePos b = key_pos(s, "stdin_file");
    SourcePos later = std::pair(a.line, a.column) > std::pair(b.line, b.column) ? a : b;
    fail(later, label + " has both 'stdin' and 'stdin_file'; give one");
  }

  if (const toml::table* env = get_table(s, "env", "a table of strings like { OMP_NUM_THREADS = \"4\" }")) {
    for (const Entry& e : in_file_order(*env)) {
      std::string name(e.key->str());
      if (!valid_env_name(name)) {
        fail(pos(e.key->source()), "environment variable name '" + name + "' " + s.where +
                                       " is not valid; use letters, digits and '_', not "
                                       "starting with a digit");
      }
      if (!e.node->is_string()) {
        fail(pos(*e.node), "environment variable '" + name + "' " + s.where +
                               " must be a string like \"4\", not " + type_name(*e.node));
      }
      run.env[name] = e.node->as_string()->get();
    }
  }

  if (auto collect = get_strings(s, "collect", "an array of paths like [\"out.txt\"]")) {
    for (auto& [path, node] : *collect) run.collect.push_back(checked_path(s, "collect", path, *node));
  }
  run.hidden = get_bool(s, "hidden").value_or(false);
  return run;
}

PendingCheck Loader::load_check(const toml::table& table, std::size_t index) {
  PendingCheck pending;
  CheckSpec& check = pending.spec;
  check.pos = pos(table);
  const toml::node* id_node = table.get("id");
  std::string label = id_node && id_node->is_string() ? "check '" + id_node->as_string()->get() + "'"
                                                      : "check #" + std::to_string(index + 1);
  Scope s{table, "in " + label};
  // A matcher written straight into the check most likely belongs under stdout.
  reject_unknown_keys(s, kCheckKeys, [](std::string_view key) -> std::string {
    if (contains(kMatcherKeys, key)) return "; did you mean 'stdout." + std::string(key) + "'?";
    if (key == "path" || key == "exists") return "; did you mean 'file." + std::string(key) + "'?";
    return "";
  });

  std::optional<std::string> id = get_string(s, "id");
  if (!id) fail(check.pos, label + " has no 'id'; add e.g. id = \"prints-result\"");
  if (!valid_id(*id)) {
    fail(pos(*id_node), "check id '" + *id +
                            "' must be lowercase letters, digits, '-' and '_', starting with a "
                            "letter or digit");
  }
  check.id = *id;
  pending.id_pos = pos(*id_node);

  if (table.get("jobscript")) {
    // Static: the check reads the jobscript as handed in, whatever the runs do.
    if (const toml::node* run = table.get("run")) {
      fail(pos(*run), label +
                          " is a jobscript check: it reads the file from the submission as handed "
                          "in, before any run, so it takes no 'run'");
    }
  } else if (auto run = get_string(s, "run")) {
    if (!contains(run_ids_, *run)) {
      fail(pos(*table.get("run")), label + " names run '" + *run + "', which does not exist" +
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
  check.partial = get_bool(s, "partial").value_or(false);
  check.hint = get_string(s, "hint");
  check.hidden = get_bool(s, "hidden").value_or(false);
  if (auto needs = get_strings(s, "needs", "an array of check ids like [\"compiles\"]")) {
    for (auto& [need, node] : *needs) {
      check.needs.push_back(need);
      pending.needs_pos.push_back(pos(*node));
    }
  }

  std::vector<Entry> kinds;
  for (const Entry& e : in_file_order(table)) {
    if (contains(kKindKeys, e.key->str())) kinds.push_back(e);
  }
  if (kinds.empty()) {
    fail(check.pos, label + " has no kind; give one of " + join(kKindKeys));
  }
  if (kinds.size() > 1) {
    fail(pos(kinds[1].key->source()), label + " has two kinds, '" + std::string(kinds[0].key->str()) +
                                          "' and '" + std::string(kinds[1].key->str()) +
                                          "'; give one per check");
  }
  check.kind = load_kind(s, kinds[0].key->str(), *kinds[0].node, check.id);

  if (check.partial) {
    std::string kind(kinds[0].key->str());
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
      fail(pos(*table.get("partial")),
           "key 'partial' " + s.where + " needs a 'lines' matcher or a jobscript check; this check uses '" +
               kind + "'");
    }
  }
  return pending;
}

CheckKind Loader::load_kind(const Scope& s, std::string_view kind, const toml::node& node,
                            const std::string& check_id) {
  if (kind == "exit_code") {
    const auto* code = node.as_integer();
    if (!code) wrong_type(s, kind, node, "an integer like 0");
    if (code->get() < 0 || code->get() > 255) {
      fail(pos(node),
           "key 'exit_code' " + s.where + " must be between 0 and 255, not " + std::to_string(code->get()));
    }
    return ExitCodeCheck{static_cast<int>(code->get())};
  }
  if (kind == "stdout" || kind == "stderr") {
    OutputCheck output;
    output.stream = kind == "stdout" ? Stream::Stdout : Stream::Stderr;
    std::string key(kind);
    get_table(s, kind, "a table like " + key + ".contains = \"...\"");
    output.match = load_matcher(s, kind, check_id);
    return output;
  }
  if (kind == "file") {
    const toml::table& table = *get_table(s, kind, "a table like { path = \"out.txt\", exists = true }");
    Scope f{table, s.where};
    reject_unknown_keys(f, kFileKeys);
    std::optional<std::string> path = get_string(f, "path");
    if (!path) fail(pos(table), "key 'file' " + s.where + " has no 'path'");
    std::string checked = checked_path(f, "path", *path, *table.get("path"));
    std::optional<bool> exists = get_bool(f, "exists");
    if (exists && !*exists) {
      fail(pos(*table.get("exists")),
           "'exists = false' " + s.where + " is not supported; only exists = true");
    }
    std::vector<std::string> matchers;
    for (const Entry& e : in_file_order(table)) {
      if (contains(kMatcherKeys, e.key->str())) matchers.emplace_back(e.key->str());
    }
    if (exists) {
      if (!matchers.empty()) {
        fail(key_pos(f, matchers.front()),
             "key 'file' " + s.where + " has both 'exists' and '" + matchers.front() + "'; give one");
      }
      return FileExistsCheck{checked};
    }
    if (matchers.empty()) {
      fail(pos(table), "key 'file' " + s.where + " needs exists = true or one of " + join(kMatcherKeys));
    }
    OutputCheck output;
    output.stream = Stream::File;
    output.path = checked;
    output.match = load_matcher(s, kind, check_id);
    return output;
  }
  if (kind == "jobscript") return load_jobscript(s, node);
  if (kind == "wall_time") return load_bound(s, kind, Metric::WallTime);
  if (kind == "cpu_time") return load_bound(s, kind, Metric::CpuTime);
  return load_bound(s, kind, Metric::PeakMemory);
}

// The one matcher in a stdout, stderr or file table.
std::variant<TextMatch, NumberMatch> Loader::load_matcher(const Scope& s, std::string_view table_key,
                                                          const std::string& check_id) {
  const toml::table& table = *s.table.get(table_key)->as_table();
  Scope m{table, s.where};
  std::string name = "key '" + std::string(table_key) + "' " + s.where;
  if (table_key != "file") reject_unknown_keys(m, kMatcherKeys);

  std::vector<Entry> matchers;
  for (const Entry& e : in_file_order(table)) {
    if (contains(kMatcherKeys, e.key->str())) matchers.push_back(e);
  }
  if (matchers.empty()) fail(pos(table), name + " needs one of " + join(kMatcherKeys));
  if (matchers.size() > 1) {
    fail(pos(matchers[1].key->source()), name + " has both '" + std::string(matchers[0].key->str()) +
                                             "' and '" + std::string(matchers[1].key->str()) + "'; give one");
  }
  std::string_view key = matchers[0].key->str();
  const toml::node& node = *matchers[0].node;

  if (key == "number") {
    const toml::table* number =
        get_table(m, key, "a table like { regex = 'pi = ([0-9.]+)', value = 3.14159 }");
    Scope n{*number, s.where};
    reject_unknown_keys(n, kNumberKeys);
    NumberMatch match;
    std::optional<std::string> regex = get_string(n, "regex");
    if (!regex) fail(pos(*number), "key 'number' " + s.where + " has no 'regex'");
    compile_regex(*regex, "regex", n, *number->get("regex"), true);
    match.regex = *regex;
    std::optional<double> value = get_number(n, "value", false);
    if (!value) fail(pos(*number), "key 'number' " + s.where + " has no 'value'");
    match.value = *value;
    match.rel_tol = get_number(n, "rel_tol", true);
    match.abs_tol = get_number(n, "abs_tol", true);
    return match;
  }

  TextMatch match;
  if (!node.is_string()) wrong_type(m, key, node, "a string");
  match.pattern = node.as_string()->get();
  if (key == "contains") match.kind = MatchKind::Contains;
  if (key == "regex") match.kind = MatchKind::Regex;
  if (key == "exact") match.kind = MatchKind::Exact;
  if (key == "lines") match.kind = MatchKind::Lines;
  check_pattern(match.pattern, match.kind == MatchKind::Regex, key, m, check_id, node);
  return match;
}

// Placeholders must name a run; a regex must compile once they are filled in.
void Loader::check_pattern(const std::string& pattern, bool is_regex, std::string_view key, const Scope& s,
                           const std::string& check_id, const toml::node& node) const {
  std::string filled;
  std::size_t at = 0;
  while (true) {
    std::size_t open = pattern.find(kPlaceholderOpen, at);
    if (open == std::string::npos) break;
    std::size_t close = pattern.find(kPlaceholderClose, open + kPlaceholderOpen.size());
    if (close == std::string::npos) {
      fail(pos(node), "unclosed placeholder '{{stdout:' in '" + std::string(key) + "' " + s.where +
                          "; write {{stdout:RUN}}");
    }
    std::string run = pattern.substr(open + kPlaceholderOpen.size(), close - open - kPlaceholderOpen.size());
    if (!contains(run_ids_, run)) {
      fail(pos(node), "check '" + check_id + "' uses '{{stdout:" + run + "}}', but there is no run '" + run +
                          "'" + suggestion(run, run_ids_, "the runs are: "));
    }
    filled += pattern.substr(at, open - at) + "x";
    at = close + kPlaceholderClose.size();
  }
  filled += pattern.substr(at);
  if (is_regex) compile_regex(filled, key, s, node, false);
}

void Loader::compile_regex(const std::string& pattern, std::string_view key, const Scope& s,
                           const toml::node& node, bool needs_group) const {
  RE2::Options options;
  options.set_log_errors(false);
  RE2 re(pattern, options);
  if (!re.ok()) {
    fail(pos(node), "invalid regex for '" + std::string(key) + "' " + s.where + ": " + re.error());
  }
  if (needs_group && re.NumberOfCapturingGroups() < 1) {
    fail(pos(node), "regex in 'number' " + s.where +
                        " has no capturing group; put ( ) around the number, e.g. "
                        "'pi = ([-0-9.eE+]+)'");
  }
}

BoundCheck Loader::load_bound(const Scope& s, std::string_view table_key, Metric metric) {
  bool memory = metric == Metric::PeakMemory;
  std::string key(table_key);
  const toml::table& table =
      *get_table(s, table_key, memory ? "a table like { max = \"512M\" }" : "a table like { max = \"2s\" }");
  Scope b{table, s.where};
  reject_unknown_keys(b, kBoundKeys);
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
    fail(pos(table), "key '" + key + "' " + s.where + " needs 'min', 'max' or both");
  }
  if (bound.min && bound.max && *bound.min > *bound.max) {
    auto show = [&](double v) {
      return memory ? format_size(static_cast<std::uint64_t>(v)) : format_duration(v);
    };
    fail(pos(*table.get("min")), "key 'min' " + s.where + " (" + show(*bound.min) + ") is more than 'max' (" +
                                     show(*bound.max) + ")");
  }
  return bound;
}

// jobscript = { file = "job.sh", profile = "rackham", require = ["account"], ... }: each key one
// requirement; `true` takes the value from the profile.
JobscriptCheck Loader::load_jobscript(const Scope& s, const toml::node& node) {
  const toml::table* table = node.as_table();
  if (!table)
    wrong_type(s, "jobscript", node, "a table like { file = \"job.sh\", require = [\"account\", \"time\"] }");
  Scope j{*table, s.where};
  reject_unknown_keys(j, kJobscriptKeys);
  JobscriptCheck c;
  std::optional<std::string> file = get_string(j, "file");
  if (!file) fail(pos(*table), "key 'jobscript' " + s.where + " has no 'file'; add e.g. file = \"job.sh\"");
  c.file = checked_path(j, "file", *file, *table->get("file"));

  if (auto name = get_string(j, "profile")) {
    const toml::node& at = *table->get("profile");
    try {
      c.profile = load_profile(*name);
    } catch (const ProfileError& e) {
      std::string why = e.line() > 0 ? std::string(e.what()) : e.bare_message();
      fail(pos(at), "cluster profile for 'profile' " + s.where + ": " + why);
    }
  }
  const ClusterProfile* profile = c.profile ? &*c.profile : nullptr;
  // `key = true` takes the profile's value: say which key needs what when there is none.
  auto from_profile = [&](std::string_view key, bool has, std::string_view what) {
    const toml::node& at = *table->get(key);
    if (!profile) {
      fail(pos(at), "'" + std::string(key) + " = true' " + s.where + " takes its " + std::string(what) +
                        " from a cluster profile; add profile = \"NAME\" or give the value");
    }
    if (!has) {
      fail(pos(at), "'" + std::string(key) + " = true' " + s.where + ": cluster profile '" + profile->name +
                        "' has no " + std::string(what) + "; give the value");
    }
  };
  auto is_true = [&](std::string_view key) {
    const toml::node* n = table->get(key);
    if (n && n->is_boolean()) {
      if (!n->as_boolean()->get()) {
        fail(pos(*n), "'" + std::string(key) + " = false' " + s.where + " means nothing; leave the key out");
      }
      return true;
    }
    return false;
  };

  if (auto require =
          get_strings(j, "require", "an array of sbatch option names like [\"account\", \"time\"]")) {
    std::vector<std::string> names = jobscript::option_names();
    for (auto& [name, n] : *require) {
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
      fail(pos(*n), "'" + name + "' in 'require' " + s.where + " is not an sbatch option" + extra);
    }
  }
  if (is_true("max_time")) {
    from_profile("max_time", profile && profile->max_walltime_s, "maximum walltime");
    c.max_time_s = *profile->max_walltime_s;
  } else if (auto t = get_duration(j, "max_time")) {
    if (*t <= 0) fail(pos(*table->get("max_time")), "key 'max_time' " + s.where + " must be more than 0");
    c.max_time_s = static_cast<std::int64_t>(std::ceil(*t));
  }
  if (const toml::node* n = table->get("cores")) {
    const auto* i = n->as_integer();
    if (!i) wrong_type(j, "cores", *n, "a whole number like 2");
    if (i->get() < 1) fail(pos(*n), "key 'cores' " + s.where + " must be 1 or more");
    c.cores = i->get();
  }
  if (auto m = get_size(j, "max_memory")) {
    if (*m == 0) fail(pos(*table->get("max_memory")), "key 'max_memory' " + s.where + " must be more than 0");
    c.max_memory = *m;
  }
  if (is_true("account")) {
    from_profile("account", profile && profile->account_pattern, "account pattern");
    c.account = *profile->account_pattern;
  } else if (auto a = get_string(j, "account")) {
    compile_regex(*a, "account", j, *table->get("account"), false);
    c.account = *a;
  }
  if (auto p = get_string(j, "partition")) {
    compile_regex(*p, "partition", j, *table->get("partition"), false);
    c.partition = *p;
  }
  if (is_true("cluster")) {
    from_profile("cluster", profile && !profile->cluster.empty(), "cluster flag (-M)");
    c.cluster = profile->cluster;
  } else if (auto m = get_line(j, "cluster")) {
    c.cluster = *m;
  }
  c.gpu = get_bool(j, "gpu");
  c.module_before_python = get_bool(j, "module_before_python").value_or(false);
  if (is_true("python_modules")) {
    from_profile("python_modules", profile && !profile->python.modules.empty(), "Python modules");
    c.python_modules = profile->python.modules;
  } else if (auto mods =
                 get_strings(j, "python_modules", "an array of module name patterns like ['^python/3\\.']")) {
    for (auto& [m, n] : *mods) {
      compile_regex(m, "python_modules", j, *n, false);
      c.python_modules.push_back(m);
    }
  }
  if (auto r = get_line(j, "runs")) {
    if (r->empty() || r->find('/') != std::string::npos) {
      fail(pos(*table->get("runs")), "key 'runs' " + s.where +
                                         " names the script a python command runs, "
                                         "without a directory, like \"mmmult.py\"");
    }
    c.runs = *r;
  }
  c.srun_for_parallel = get_bool(j, "srun_for_parallel").value_or(false);
  c.no_home_paths = get_bool(j, "no_home_paths").value_or(false);
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

Rubric Loader::load(const toml::table& root) {
  Scope top{root, "at top level"};
  reject_unknown_keys(top, kTopKeys);

  Rubric rubric;
  rubric.source = source_;
  std::optional<std::string> exercise = get_string(top, "exercise");
  if (!exercise) fail(start(), "rubric has no 'exercise'; add e.g. exercise = \"hello\"");
  if (!valid_id(*exercise)) {
    fail(pos(*root.get("exercise")),
         "exercise '" + *exercise +
             "' must be lowercase letters, digits, '-' and '_', starting with a letter or digit");
  }
  rubric.exercise = *exercise;
  rubric.title = get_line(top, "title").value_or(rubric.exercise);
  if (auto controls = get_strings(top, "require_isolation", "an array of controls like [\"net\", \"pid\"]")) {
    for (auto& [control, node] : *controls) {
      if (std::find(kIsolationControls.begin(), kIsolationControls.end(), control) ==
          kIsolationControls.end()) {
        std::string guess = closest_match(control, kIsolationControls);
        fail(pos(*node), "unknown isolation control '" + control + "' in 'require_isolation'" +
                             (guess.empty() ? "" : "; did you mean '" + guess + "'?") +
                             " (the controls are listed in docs/security.md)");
      }
      rubric.require_isolation.push_back(control);
    }
  }
  rubric.require_runner = get_string(top, "require_runner");

  const toml::array& runs = get_table_array(top, "run");
  for (std::size_t i = 0; i < runs.size(); ++i) {
    rubric.runs.push_back(load_run(*runs.get(i)->as_table(), i));
    run_ids_.push_back(rubric.runs.back().id);
  }

  const toml::array& checks = get_table_array(top, "check");
  std::vector<PendingCheck> pending;
  std::map<std::string, int> check_lines;
  for (std::size_t i = 0; i < checks.size(); ++i) {
    PendingCheck check = load_check(*checks.get(i)->as_table(), i);
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
  toml::table root;
  try {
    root = toml::parse(toml_text, std::string_view(source_name));
  } catch (const toml::parse_error& e) {
    const toml::source_position& at = e.source().begin;
    throw RubricError(SourcePos{source_name, static_cast<int>(at.line), static_cast<int>(at.column)},
                      std::string(e.description()));
  }
  return Loader(source_name).load(root);
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
