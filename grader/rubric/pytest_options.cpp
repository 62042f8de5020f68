// The `pytest` check kind; see pytest_options.h.
#include "grader/rubric/pytest_options.h"

#include <re2/re2.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "grader/checks/pytest_bootstrap.h"
#include "grader/rubric/placeholders.h"
#include "grader/rubric/value_rules.h"
#include "grader/util/base64.h"
#include "grader/util/text.h"

namespace grader::rubric_loader {

namespace fs = std::filesystem;

namespace {

const std::vector<std::string> kPytestKeys = {"tests",  "points", "timeout", "memory",
                                              "python", "env",    "seed"};
constexpr double kDefaultPytestTimeout = 60;
constexpr std::size_t kMaxTestFiles = 200;
constexpr std::uintmax_t kMaxTestBytes = 4u << 20;

// Where `tests` is found: the exercise's directory, exercises/ID/ beside rubrics/ID.toml, or the
// directory of an exercise's own rubric.toml.
fs::path exercise_dir(const std::string& rubric_file) {
  fs::path rubric = fs::absolute(rubric_file).lexically_normal();
  fs::path dir = rubric.parent_path();
  if (dir.filename() == "rubrics") return dir.parent_path() / "exercises" / rubric.stem();
  return dir;
}

struct TestFiles {
  std::map<std::string, std::string> files;  // path relative to the tests' directory -> bytes
  std::vector<std::string> defined;          // test functions the test modules define
};

bool skipped_entry(const fs::path& p) {
  std::string name = p.filename().string();
  return name == "__pycache__" || name == ".pytest_cache" || p.extension() == ".pyc";
}

std::string read_bytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Test functions by pytest's default rules: `def test*` in test_*.py or *_test.py.
void find_tests(const std::string& rel, const std::string& source, std::vector<std::string>& out) {
  std::string name = fs::path(rel).filename().string();
  bool module = (name.rfind("test_", 0) == 0 && fs::path(name).extension() == ".py") ||
                (name.size() > 8 && name.compare(name.size() - 8, 8, "_test.py") == 0);
  if (!module) return;
  static const RE2 def(R"(^\s*(?:async\s+)?def\s+(test\w*)\s*\()");
  for (auto line : split_lines(source)) {
    std::string test;
    if (RE2::PartialMatch(re2::StringPiece(line.data(), line.size()), def, &test) && !contains(out, test))
      out.push_back(test);
  }
}

TestFiles read_tests(const fs::path& dir, const std::string& shown, const SourcePos& at) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    fail(at, "the tests' directory " + shown + " (" + dir.string() + ") does not exist");
  TestFiles t;
  std::uintmax_t total = 0;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (skipped_entry(it->path())) {
      if (it->is_directory()) it.disable_recursion_pending();
      continue;
    }
    std::string rel = it->path().lexically_relative(dir).generic_string();
    if (it->is_symlink()) fail(at, "the tests' directory " + shown + " holds a symbolic link, '" + rel + "'");
    if (!it->is_regular_file()) continue;
    total += it->file_size();
    if (t.files.size() == kMaxTestFiles || total > kMaxTestBytes)
      fail(at, "the tests' directory " + shown + " is too large (at most " + std::to_string(kMaxTestFiles) +
                   " files and 4 MiB)");
    t.files[rel] = read_bytes(it->path());
    find_tests(rel, t.files[rel], t.defined);
  }
  if (ec) fail(at, "cannot read the tests' directory " + shown + ": " + ec.message());
  if (t.defined.empty())
    fail(at, "the tests' directory " + shown + " defines no test (def test_... in test_*.py or *_test.py)");
  return t;
}

struct Scored {
  std::string test;
  double points;
  SourcePos pos;
};

std::vector<Scored> load_points(const TomlTable& t, const TestFiles& files, const std::string& shown) {
  std::optional<TomlTable> points = t.get_table("points", "a table like { test_accuracy = 3 }");
  if (!points || points->entries().empty())
    fail(points ? points->pos() : t.pos(), t.key_name("points") +
                                               " must give each test its points, like points = { " +
                                               files.defined.front() + " = 1 }");
  std::vector<Scored> out;
  for (const TomlEntry& e : points->entries()) {
    if (!contains(files.defined, e.key))
      fail(e.key_pos, "'" + e.key + "' in " + t.quoted("points") + " is no test of " + shown +
                          suggestion(e.key, files.defined, "its tests are: "));
    if (!valid_id(e.key))
      fail(e.key_pos, "test '" + e.key +
                          "' becomes a check id, which must be lowercase letters, digits, '-' and '_'; "
                          "rename the test");
    std::optional<double> n = e.value.as_number();
    if (!n || *n < 0)
      fail(e.value.pos(), "the points of '" + e.key + "' " + t.where() + " must be a number, 0 or more");
    out.push_back({e.key, *n, e.key_pos});
  }
  return out;
}

std::map<std::string, std::string> load_env(const TomlTable& t) {
  std::map<std::string, std::string> env;
  std::optional<TomlTable> table =
      t.get_table("env", "a table of strings like { ML_TRAIN_SECONDS = \"30\" }");
  if (!table) return env;
  for (const TomlEntry& e : table->entries()) {
    if (!e.value.is_string())
      fail(e.value.pos(), "environment variable '" + e.key + "' " + t.where() + " must be a string, not " +
                              e.value.type_name());
    check_placeholders(*e.value.as_string(), e.value.pos(), env_placeholder_names(),
                       "in env '" + e.key + "' " + t.where());
    env[e.key] = *e.value.as_string();
  }
  return env;
}

// The hidden run the suite's checks read: the bootstrap, the tests on stdin, the XML collected.
RunSpec suite_run(const TomlTable& t, const PendingCheck& suite, const TestFiles& files,
                  const std::string& xml, const std::string& dir) {
  RunSpec run;
  run.id = "@pytest-" + suite.spec.id;
  run.pos = suite.spec.pos;
  std::string python = get_line(t, "python").value_or("python3");
  if (python.empty()) fail(t.value_pos("python"), t.key_name("python") + " is empty");
  run.command = {python, "-I", "-c", kPytestBootstrap, xml, dir};
  nlohmann::json payload = nlohmann::json::object();
  for (const auto& [rel, bytes] : files.files) payload[rel] = base64_encode(bytes);
  run.stdin_text = nlohmann::json{{"files", payload}}.dump();
  run.timeout_s = get_duration(t, "timeout").value_or(kDefaultPytestTimeout);
  if (run.timeout_s <= 0) fail(t.value_pos("timeout"), t.key_name("timeout") + " must be more than 0");
  run.memory_bytes = get_size(t, "memory");
  run.env = load_env(t);
  // A seed per grading unless the rubric fixes one: the split, or whatever the tests draw, cannot
  // be learnt from an earlier report.
  std::optional<std::int64_t> seed = t.get_integer("seed", "a whole number like 7");
  if (seed && *seed < 0) fail(t.value_pos("seed"), t.key_name("seed") + " must be 0 or more");
  run.env["GRADER_SEED"] = seed ? std::to_string(*seed) : "{{seed}}";
  run.collect = {xml};
  run.hidden = true;
  return run;
}

}  // namespace

std::vector<PendingCheck> expand_pytest_check(const TomlTable& table, PendingCheck suite,
                                              std::vector<RunSpec>& runs) {
  const std::string label = "in check '" + suite.spec.id + "'";
  TomlTable check = table.named(label);
  if (check.has("points"))
    fail(check.key_pos("points"), "a pytest check gives points per test: write them as pytest.points = { " +
                                      std::string("test_name = 1 }, not points"));
  TomlTable t = check.get_table("pytest")->named("in 'pytest' " + label);
  t.reject_unknown(kPytestKeys);
  std::optional<std::string> tests = get_line(t, "tests");
  if (!tests || tests->empty())
    fail(t.pos(),
         "key 'pytest' " + label + " has no 'tests'; add tests = \"tests/\" (in the exercise's directory)");
  fs::path rel(*tests);
  if (rel.is_absolute() || *tests->begin() == '~')
    fail(t.value_pos("tests"), t.key_name("tests") + " must be relative to the exercise's directory");
  std::string shown = "'" + *tests + "'";
  TestFiles files = read_tests(exercise_dir(t.pos().file) / rel, shown, t.value_pos("tests"));
  std::vector<Scored> scored = load_points(t, files, shown);

  const std::string dir = ".grader-pytest/" + suite.spec.id;
  const std::string xml = dir + ".xml";
  RunSpec run = suite_run(t, suite, files, xml, dir);
  PytestCheck kind{suite.spec.id, *tests, xml, "", {}};
  std::vector<PendingCheck> out;
  for (const Scored& s : scored) {
    PendingCheck c = suite;
    c.spec.id = s.test;
    c.spec.title = suite.spec.title == suite.spec.id ? s.test : suite.spec.title + ": " + s.test;
    c.spec.points = s.points;
    c.spec.run = run.id;
    c.spec.kind = PytestCheck{kind.suite, kind.tests, kind.xml, s.test, {}};
    c.spec.pos = s.pos;
    c.id_pos = s.pos;
    out.push_back(std::move(c));
    kind.scored.push_back(s.test);
  }
  suite.spec.points = 0;
  suite.spec.run = run.id;
  suite.spec.kind = kind;
  out.push_back(std::move(suite));
  runs.push_back(std::move(run));
  return out;
}

}  // namespace grader::rubric_loader
