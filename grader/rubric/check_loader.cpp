// [[check]] tables; see check_loader.h.
#include "grader/rubric/check_loader.h"

#include <algorithm>

#include "grader/rubric/environment_options.h"
#include "grader/rubric/jobscript_options.h"
#include "grader/rubric/notebook_options.h"
#include "grader/rubric/run_loader.h"
#include "grader/rubric/speedup_options.h"
#include "grader/rubric/value_rules.h"
#include "grader/util/text.h"
#include "grader/util/units.h"

namespace grader::rubric_loader {

namespace {

const std::vector<std::string> kKindKeys = {
    "exit_code",   "stdout",       "stderr",    "file",  "wall_time", "cpu_time", "peak_memory", "jobscript",
    "environment", "requirements", "conda_env", "slurm", "speedup",   "pytest",   "cell",        "notebook"};
const std::vector<std::string> kCheckKeys = {
    "id",          "run",          "title",     "points", "partial",   "hint",     "hidden",      "needs",
    "exit_code",   "stdout",       "stderr",    "file",   "wall_time", "cpu_time", "peak_memory", "jobscript",
    "environment", "requirements", "conda_env", "slurm",  "speedup",   "pytest",   "cell",        "notebook"};
// Kinds that read the submission as handed in, before any run: they take no 'run'.
const std::vector<std::string> kStaticKinds = {"jobscript", "conda_env"};
// Kinds of several requirements, where `partial` gives the share met.
const std::vector<std::string> kPartialKinds = {"lines", "jobscript", "environment", "requirements",
                                                "conda_env"};
const std::vector<std::string> kMatcherKeys = {"contains", "regex", "exact", "lines", "number", "count"};
const std::vector<std::string> kFileKeys = {"path",  "exists", "contains", "regex",
                                            "exact", "lines",  "number",   "count"};
const std::vector<std::string> kNumberKeys = {"regex", "value", "rel_tol", "abs_tol"};
const std::vector<std::string> kCountKeys = {"regex", "value"};
const std::vector<std::string> kSlurmKeys = {"tasks"};
const std::vector<std::string> kBoundKeys = {"min", "max"};

constexpr std::string_view kPlaceholderOpen = "{{stdout:";
constexpr std::string_view kPlaceholderClose = "}}";

// One [[check]] table being read: `s` is it, named "in check 'x'" for messages.
class CheckReader {
 public:
  CheckReader(const TomlTable& table, std::size_t index, const std::vector<std::string>& run_ids)
      : label_(table_label(table, index, "check")), s_(table.named("in " + label_)), run_ids_(run_ids) {}

  PendingCheck load();

 private:
  void load_id(PendingCheck& pending) const;
  void load_run(CheckSpec& check) const;
  void load_attributes(PendingCheck& pending) const;
  CheckKind load_kind(std::string_view kind, const TomlValue& value, const std::string& check_id) const;
  CheckKind load_file(const std::string& check_id) const;
  OutputMatch load_matcher(std::string_view table_key, const std::string& check_id) const;
  NumberMatch load_number(const TomlTable& m) const;
  CountMatch load_count(const TomlTable& m) const;
  SlurmCheck load_slurm() const;
  void check_pattern(const std::string& pattern, bool is_regex, std::string_view key, const TomlTable& m,
                     const std::string& check_id, const SourcePos& at) const;
  BoundCheck load_bound(std::string_view table_key, Metric metric) const;
  void check_partial(const CheckSpec& check, const std::string& kind_key) const;

  std::string label_;
  TomlTable s_;
  const std::vector<std::string>& run_ids_;
};

PendingCheck CheckReader::load() {
  PendingCheck pending;
  CheckSpec& check = pending.spec;
  check.pos = s_.pos();
  // A matcher written straight into the check most likely belongs under stdout.
  s_.reject_unknown(kCheckKeys, [](std::string_view key) -> std::string {
    if (contains(kMatcherKeys, key)) return "; did you mean 'stdout." + std::string(key) + "'?";
    if (key == "path" || key == "exists") return "; did you mean 'file." + std::string(key) + "'?";
    return "";
  });
  load_id(pending);
  load_run(check);
  load_attributes(pending);

  std::vector<TomlEntry> kinds = entries_in(s_, kKindKeys);
  if (kinds.empty()) {
    fail(check.pos, label_ + " has no kind; give one of " + join(kKindKeys));
  }
  if (kinds.size() > 1) {
    fail(kinds[1].key_pos,
         label_ + " has two kinds, '" + kinds[0].key + "' and '" + kinds[1].key + "'; give one per check");
  }
  check.kind = load_kind(kinds[0].key, kinds[0].value, check.id);
  // A speedup check names its runs inside; it grades (and is hidden or skipped with) the parallel one.
  if (const auto* speedup = std::get_if<SpeedupCheck>(&check.kind)) check.run = speedup->parallel;
  if (check.partial) check_partial(check, kinds[0].key);
  return pending;
}

void CheckReader::load_id(PendingCheck& pending) const {
  std::optional<std::string> id = s_.get_string("id");
  if (!id) fail(pending.spec.pos, label_ + " has no 'id'; add e.g. id = \"prints-result\"");
  if (!valid_id(*id)) {
    fail(s_.value_pos("id"), "check id '" + *id +
                                 "' must be lowercase letters, digits, '-' and '_', starting with a "
                                 "letter or digit");
  }
  pending.spec.id = *id;
  pending.id_pos = s_.value_pos("id");
}

// The run a check grades: named, or the only one; a static check (jobscript, conda_env) grades none.
void CheckReader::load_run(CheckSpec& check) const {
  if (s_.has("speedup")) {
    if (s_.has("run"))
      fail(s_.value_pos("run"), label_ + " is a speedup check: it names its runs in 'speedup.serial' and " +
                                    "'speedup.parallel', so it takes no 'run'");
    return;
  }
  auto static_kind =
      std::find_if(kStaticKinds.begin(), kStaticKinds.end(), [&](const std::string& k) { return s_.has(k); });
  if (s_.has("pytest")) {
    // Its run is its own, added by the loader (pytest_options.h).
    if (s_.has("run"))
      fail(s_.value_pos("run"), label_ +
                                    " is a pytest check: its tests run in a run of their own, after the "
                                    "rubric's runs, so it takes no 'run'");
  } else if (static_kind != kStaticKinds.end()) {
    // Static: the check reads the file as handed in, whatever the runs do.
    if (s_.has("run")) {
      fail(s_.value_pos("run"), label_ + " is a " + *static_kind +
                                    " check: it reads the file from the submission as handed "
                                    "in, before any run, so it takes no 'run'");
    }
  } else if (run_ids_.empty()) {
    fail(check.pos, label_ +
                        " grades a run, and the rubric has no [[run]]; add one (only jobscript and "
                        "conda_env checks, which read the submission as handed in, need none)");
  } else if (auto run = s_.get_string("run")) {
    if (!contains(run_ids_, *run)) {
      fail(s_.value_pos("run"), label_ + " names run '" + *run + "', which does not exist" +
                                    suggestion(*run, run_ids_, "the runs are: "));
    }
    check.run = *run;
  } else if (run_ids_.size() == 1) {
    check.run = run_ids_.front();
  } else {
    fail(check.pos, label_ + " has no 'run'; with several runs (" + join(run_ids_) +
                        ") every check names the one it grades");
  }
}

void CheckReader::load_attributes(PendingCheck& pending) const {
  CheckSpec& check = pending.spec;
  check.title = get_line(s_, "title").value_or(check.id);
  check.points = get_number(s_, "points", true).value_or(1.0);
  check.partial = s_.get_bool("partial").value_or(false);
  check.hint = s_.get_string("hint");
  check.hidden = s_.get_bool("hidden").value_or(false);
  if (auto needs = s_.get_strings("needs", "an array of check ids like [\"compiles\"]")) {
    for (const TomlString& need : *needs) {
      check.needs.push_back(need.value);
      pending.needs_pos.push_back(need.pos);
    }
  }
}

// `partial` takes a `lines` matcher or a jobscript check.
void CheckReader::check_partial(const CheckSpec& check, const std::string& kind_key) const {
  std::string kind = kind_key;
  auto matcher = [](const OutputMatch& m) {
    const auto* text = std::get_if<TextMatch>(&m);
    if (std::holds_alternative<CountMatch>(m)) return std::string("count");
    return text ? to_string(text->kind) : std::string("number");
  };
  if (const auto* output = std::get_if<OutputCheck>(&check.kind)) {
    kind = matcher(output->match);
  } else if (const auto* cell = std::get_if<CellCheck>(&check.kind)) {
    kind = matcher(cell->match);
  } else if (std::holds_alternative<FileExistsCheck>(check.kind)) {
    kind = "exists";
  }
  if (!contains(kPartialKinds, kind)) {
    fail(s_.value_pos("partial"),
         s_.key_name("partial") +
             " needs a 'lines' matcher or a check of several requirements (jobscript, "
             "environment, requirements, conda_env); this check uses '" +
             kind + "'");
  }
}

CheckKind CheckReader::load_kind(std::string_view kind, const TomlValue& value,
                                 const std::string& check_id) const {
  if (kind == "exit_code") {
    std::optional<std::int64_t> code = value.as_integer();
    if (!code) s_.wrong_type(kind, value, "an integer like 0");
    if (*code < 0 || *code > 255) {
      fail(value.pos(),
           "key 'exit_code' " + s_.where() + " must be between 0 and 255, not " + std::to_string(*code));
    }
    return ExitCodeCheck{static_cast<int>(*code)};
  }
  if (kind == "stdout" || kind == "stderr") {
    OutputCheck output;
    output.stream = kind == "stdout" ? Stream::Stdout : Stream::Stderr;
    std::string key(kind);
    s_.get_table(kind, "a table like " + key + ".contains = \"...\"");
    output.match = load_matcher(kind, check_id);
    return output;
  }
  if (kind == "file") return load_file(check_id);
  if (kind == "jobscript") return load_jobscript_check(s_, value);
  if (kind == "environment") return load_environment_check(s_, value);
  if (kind == "requirements") return load_requirements_check(s_, value);
  if (kind == "conda_env") return load_conda_env_check(s_, value);
  if (kind == "slurm") return load_slurm();
  if (kind == "speedup") return load_speedup_check(s_, value, run_ids_);
  if (kind == "pytest") {
    if (!value.is_table())
      s_.wrong_type(kind, value, "a table like { tests = \"tests/\", points = { ... } }");
    return PytestCheck{check_id, "", "", "", {}};  // filled in by expand_pytest_check
  }
  if (kind == "cell")
    return load_cell_check(s_, value, [&](std::string_view key) { return load_matcher(key, check_id); });
  if (kind == "notebook") return load_notebook_check(s_, value);
  if (kind == "wall_time") return load_bound(kind, Metric::WallTime);
  if (kind == "cpu_time") return load_bound(kind, Metric::CpuTime);
  return load_bound(kind, Metric::PeakMemory);
}

// file = { path = "out.txt", exists = true } or a matcher on the file's text.
CheckKind CheckReader::load_file(const std::string& check_id) const {
  TomlTable f = *s_.get_table("file", "a table like { path = \"out.txt\", exists = true }");
  f.reject_unknown(kFileKeys);
  std::optional<std::string> path = f.get_string("path");
  if (!path) fail(f.pos(), "key 'file' " + s_.where() + " has no 'path'");
  std::string checked = checked_path(f, "path", *path, f.value_pos("path"));
  std::optional<bool> exists = f.get_bool("exists");
  if (exists && !*exists) {
    fail(f.value_pos("exists"), "'exists = false' " + s_.where() + " is not supported; only exists = true");
  }
  std::vector<TomlEntry> matchers = entries_in(f, kMatcherKeys);
  if (exists) {
    if (!matchers.empty()) {
      fail(matchers.front().key_pos,
           "key 'file' " + s_.where() + " has both 'exists' and '" + matchers.front().key + "'; give one");
    }
    return FileExistsCheck{checked};
  }
  if (matchers.empty()) {
    fail(f.pos(), "key 'file' " + s_.where() + " needs exists = true or one of " + join(kMatcherKeys));
  }
  OutputCheck output;
  output.stream = Stream::File;
  output.path = checked;
  output.match = load_matcher("file", check_id);
  return output;
}

// The one matcher in a stdout, stderr or file table.
OutputMatch CheckReader::load_matcher(std::string_view table_key, const std::string& check_id) const {
  TomlTable m = *s_.get_table(table_key);
  std::string name = s_.key_name(table_key);
  if (table_key != "file" && table_key != "cell") m.reject_unknown(kMatcherKeys);

  std::vector<TomlEntry> matchers = entries_in(m, kMatcherKeys);
  if (matchers.empty()) fail(m.pos(), name + " needs one of " + join(kMatcherKeys));
  if (matchers.size() > 1) {
    fail(matchers[1].key_pos,
         name + " has both '" + matchers[0].key + "' and '" + matchers[1].key + "'; give one");
  }
  const std::string& key = matchers[0].key;
  const TomlValue& value = matchers[0].value;
  if (key == "number") return load_number(m);
  if (key == "count") return load_count(m);

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

// number = { regex = 'pi = ([0-9.]+)', value = 3.14159, rel_tol = ..., abs_tol = ... }
NumberMatch CheckReader::load_number(const TomlTable& m) const {
  TomlTable n = *m.get_table("number", "a table like { regex = 'pi = ([0-9.]+)', value = 3.14159 }");
  n.reject_unknown(kNumberKeys);
  NumberMatch match;
  std::optional<std::string> regex = n.get_string("regex");
  if (!regex) fail(n.pos(), "key 'number' " + s_.where() + " has no 'regex'");
  compile_regex(*regex, "regex", n, n.value_pos("regex"), true);
  match.regex = *regex;
  std::optional<double> number = get_number(n, "value", false);
  if (!number) fail(n.pos(), "key 'number' " + s_.where() + " has no 'value'");
  match.value = *number;
  match.rel_tol = get_number(n, "rel_tol", true);
  match.abs_tol = get_number(n, "abs_tol", true);
  return match;
}

// count = { regex = '^Integral value is', value = 1 }
CountMatch CheckReader::load_count(const TomlTable& m) const {
  TomlTable n = *m.get_table("count", "a table like { regex = '^Result', value = 1 }");
  n.reject_unknown(kCountKeys);
  CountMatch match;
  std::optional<std::string> regex = n.get_string("regex");
  if (!regex) fail(n.pos(), "key 'count' " + s_.where() + " has no 'regex'");
  compile_regex(*regex, "regex", n, n.value_pos("regex"), false);
  match.regex = *regex;
  std::optional<std::int64_t> value = n.get_integer("value", "a whole number like 1");
  if (!value) fail(n.pos(), "key 'count' " + s_.where() + " has no 'value' (how many lines must match)");
  if (*value < 0) fail(n.value_pos("value"), "key 'value' " + s_.where() + " must be 0 or more");
  match.value = *value;
  return match;
}

// slurm = { tasks = 2 }
SlurmCheck CheckReader::load_slurm() const {
  TomlTable t = *s_.get_table("slurm", "a table like { tasks = 2 }");
  t.reject_unknown(kSlurmKeys);
  SlurmCheck check;
  check.tasks = t.get_integer("tasks", "a whole number like 2");
  if (!check.tasks) fail(t.pos(), "key 'slurm' " + s_.where() + " needs 'tasks'");
  if (*check.tasks < 1) fail(t.value_pos("tasks"), "key 'tasks' " + s_.where() + " must be 1 or more");
  return check;
}

// Placeholders must name a run; a regex must compile once they are filled in.
void CheckReader::check_pattern(const std::string& pattern, bool is_regex, std::string_view key,
                                const TomlTable& m, const std::string& check_id, const SourcePos& at) const {
  std::string filled;
  std::size_t from = 0;
  while (true) {
    std::size_t open = pattern.find(kPlaceholderOpen, from);
    if (open == std::string::npos) break;
    std::size_t close = pattern.find(kPlaceholderClose, open + kPlaceholderOpen.size());
    if (close == std::string::npos) {
      fail(at, "unclosed placeholder '{{stdout:' in " + m.quoted(key) + "; write {{stdout:RUN}}");
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
  if (is_regex) compile_regex(filled, key, m, at, false);
}

BoundCheck CheckReader::load_bound(std::string_view table_key, Metric metric) const {
  bool memory = metric == Metric::PeakMemory;
  TomlTable b =
      *s_.get_table(table_key, memory ? "a table like { max = \"512M\" }" : "a table like { max = \"2s\" }");
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
    fail(b.pos(), s_.key_name(table_key) + " needs 'min', 'max' or both");
  }
  if (bound.min && bound.max && *bound.min > *bound.max) {
    auto show = [&](double v) {
      return memory ? format_size(static_cast<std::uint64_t>(v)) : format_duration(v);
    };
    fail(b.value_pos("min"), "key 'min' " + s_.where() + " (" + show(*bound.min) + ") is more than 'max' (" +
                                 show(*bound.max) + ")");
  }
  return bound;
}

}  // namespace

PendingCheck load_check(const TomlTable& table, std::size_t index, const std::vector<std::string>& run_ids) {
  return CheckReader(table, index, run_ids).load();
}

}  // namespace grader::rubric_loader
