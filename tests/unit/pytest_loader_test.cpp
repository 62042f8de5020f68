// The rubric loader's `pytest` kind: one check per test in `points` plus the suite's own, a hidden
// run carrying the tests on stdin, and each mistake a teacher can make as file:line:col with what
// to change. The tests' files are real files in a temporary exercise repository.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "grader/rubric/loader.h"
#include "grader/util/base64.h"

namespace grader {
namespace {

namespace fs = std::filesystem;

const std::string kTest = R"(import classify

def test_accuracy():
    assert classify.train is not None

async def test_async():
    pass

class TestGroup:
    def test_in_class(self):
        pass
)";

class PytestLoader : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "pytest_loader_XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    root_ = tmpl;
    fs::create_directories(root_ / "rubrics");
    fs::create_directories(root_ / "exercises" / "ml" / "tests" / "__pycache__");
    write("exercises/ml/tests/test_ml.py", kTest);
    write("exercises/ml/tests/data.csv", "a,b\n1,2\n");
    write("exercises/ml/tests/__pycache__/test_ml.cpython-311.pyc", "bytecode");
  }
  void TearDown() override { fs::remove_all(root_); }

  void write(const std::string& rel, const std::string& text) { std::ofstream(root_ / rel) << text; }
  std::string rubric_path() const { return (root_ / "rubrics" / "ml.toml").string(); }

  // The rubric: exercise line, then `check` from line 2 on.
  Rubric load(const std::string& check) const {
    return parse_rubric("exercise = \"ml\"\n" + check, rubric_path());
  }
  // The error `check` causes, with the file name cut to "ml.toml".
  std::string error_of(const std::string& check) const {
    try {
      load(check);
    } catch (const RubricError& e) {
      std::string what = e.what();
      std::string prefix = rubric_path();
      if (what.rfind(prefix, 0) == 0) what = "ml.toml" + what.substr(prefix.size());
      return what;
    }
    return "(loaded without error)";
  }

  fs::path root_;
};

const std::string kSuite = R"([[check]]
id = "hidden"
pytest = { tests = "tests/", points = { test_accuracy = 3, test_in_class = 1 } }
)";

TEST_F(PytestLoader, BecomesACheckPerTestThenTheSuitesOwn) {
  Rubric r = load(kSuite);
  ASSERT_EQ(r.checks.size(), 3u);
  EXPECT_EQ(r.checks[0].id, "test_accuracy");
  EXPECT_EQ(r.checks[0].points, 3);
  EXPECT_EQ(r.checks[1].id, "test_in_class");
  EXPECT_EQ(r.checks[2].id, "hidden");
  EXPECT_EQ(r.checks[2].points, 0);
  EXPECT_EQ(r.max_score(), 4);
  const auto& p = std::get<PytestCheck>(r.checks[0].kind);
  EXPECT_EQ(p.test, "test_accuracy");
  EXPECT_EQ(p.suite, "hidden");
  EXPECT_EQ(p.xml, ".grader-pytest/hidden.xml");
  const auto& suite = std::get<PytestCheck>(r.checks[2].kind);
  EXPECT_EQ(suite.test, "");
  EXPECT_EQ(suite.scored, (std::vector<std::string>{"test_accuracy", "test_in_class"}));
  for (const auto& c : r.checks) EXPECT_EQ(c.run, "@pytest-hidden");
}

TEST_F(PytestLoader, AddsAHiddenRunWithTheTestsOnStdinAndASeedPerGrading) {
  Rubric r = load(kSuite);
  const RunSpec* run = r.find_run("@pytest-hidden");
  ASSERT_NE(run, nullptr);
  EXPECT_TRUE(run->hidden);
  EXPECT_EQ(run->command[0], "python3");
  EXPECT_EQ(run->command[1], "-I");
  EXPECT_EQ(run->command.back(), ".grader-pytest/hidden");
  EXPECT_EQ(run->collect, (std::vector<std::string>{".grader-pytest/hidden.xml"}));
  EXPECT_EQ(run->env.at("GRADER_SEED"), "{{seed}}");
  EXPECT_EQ(run->timeout_s, 60);
  ASSERT_TRUE(run->stdin_text);
  auto files = nlohmann::json::parse(*run->stdin_text).at("files");
  EXPECT_EQ(base64_decode(files.at("test_ml.py").get<std::string>()), kTest);
  EXPECT_TRUE(files.contains("data.csv"));
  EXPECT_FALSE(files.contains("__pycache__/test_ml.cpython-311.pyc"));
}

TEST_F(PytestLoader, TakesTimeoutMemoryPythonEnvAndAFixedSeed) {
  Rubric r = load(R"([[check]]
id = "hidden"
pytest = { tests = "tests", timeout = "90s", memory = "2G", python = ".venv/bin/python", seed = 7, env = { A = "1" }, points = { test_async = 1 } }
)");
  const RunSpec* run = r.find_run("@pytest-hidden");
  ASSERT_NE(run, nullptr);
  EXPECT_EQ(run->timeout_s, 90);
  EXPECT_EQ(run->memory_bytes, 2ull << 30);
  EXPECT_EQ(run->command[0], ".venv/bin/python");
  EXPECT_EQ(run->env.at("GRADER_SEED"), "7");
  EXPECT_EQ(run->env.at("A"), "1");
}

TEST_F(PytestLoader, TitleAndNeedsAndHiddenCarryOverToEveryTest) {
  Rubric r = load(R"([[run]]
id = "main"
command = ["true"]
[[check]]
id = "runs"
run = "main"
exit_code = 0
[[check]]
id = "hidden"
title = "hidden tests"
hidden = true
needs = ["runs"]
pytest = { tests = "tests/", points = { test_accuracy = 3 } }
[[check]]
id = "after"
run = "main"
exit_code = 0
needs = ["test_accuracy"]
)");
  const CheckSpec& t = r.checks[1];
  EXPECT_EQ(t.id, "test_accuracy");
  EXPECT_EQ(t.title, "hidden tests: test_accuracy");
  EXPECT_TRUE(t.hidden);
  EXPECT_EQ(t.needs, (std::vector<std::string>{"runs"}));
  // The rubric's own run first, the suite's after it.
  ASSERT_EQ(r.runs.size(), 2u);
  EXPECT_EQ(r.runs[1].id, "@pytest-hidden");
}

TEST_F(PytestLoader, PointsForATestThatDoesNotExistSuggestsTheNearestOne) {
  EXPECT_EQ(error_of(R"([[check]]
id = "hidden"
pytest = { tests = "tests/", points = { test_acuracy = 3 } }
)"),
            "ml.toml:4:41: 'test_acuracy' in 'points' in 'pytest' in check 'hidden' is no test of 'tests/'; "
            "did you mean 'test_accuracy'?");
}

TEST_F(PytestLoader, MissingTestsDirectoryIsAnErrorAtTheValue) {
  std::string e = error_of(R"([[check]]
id = "hidden"
pytest = { tests = "hidden-tests/", points = { test_accuracy = 3 } }
)");
  EXPECT_EQ(e.rfind("ml.toml:4:20: the tests' directory 'hidden-tests/' (", 0), 0u) << e;
  EXPECT_NE(e.find(") does not exist"), std::string::npos) << e;
}

TEST_F(PytestLoader, RefusesARunBecauseTheTestsRunInTheirOwn) {
  EXPECT_EQ(error_of(R"([[run]]
id = "main"
command = ["true"]
[[check]]
id = "hidden"
run = "main"
pytest = { tests = "tests/", points = { test_accuracy = 3 } }
)"),
            "ml.toml:7:7: check 'hidden' is a pytest check: its tests run in a run of their own, after the "
            "rubric's runs, so it takes no 'run'");
}

TEST_F(PytestLoader, RefusesPointsOutsideThePytestTable) {
  EXPECT_EQ(
      error_of(R"([[check]]
id = "hidden"
points = 3
pytest = { tests = "tests/", points = { test_accuracy = 3 } }
)"),
      "ml.toml:4:1: a pytest check gives points per test: write them as pytest.points = { test_name = 1 "
      "}, not points");
}

TEST_F(PytestLoader, UnknownKeyInThePytestTableSuggestsTheRightOne) {
  EXPECT_EQ(error_of(R"([[check]]
id = "hidden"
pytest = { tests = "tests/", timout = "9s", points = { test_accuracy = 3 } }
)"),
            "ml.toml:4:30: unknown key 'timout' in 'pytest' in check 'hidden'; did you mean 'timeout'?");
}

TEST_F(PytestLoader, MissingPointsNamesATestToStartFrom) {
  EXPECT_EQ(error_of(R"([[check]]
id = "hidden"
pytest = { tests = "tests/" }
)"),
            "ml.toml:4:10: key 'points' in 'pytest' in check 'hidden' must give each test its points, like "
            "points = { test_accuracy = 1 }");
}

TEST_F(PytestLoader, NegativePointsAreRefused) {
  EXPECT_EQ(
      error_of(R"([[check]]
id = "hidden"
pytest = { tests = "tests/", points = { test_accuracy = -1 } }
)"),
      "ml.toml:4:57: the points of 'test_accuracy' in 'pytest' in check 'hidden' must be a number, 0 or "
      "more");
}

TEST_F(PytestLoader, ATestNamedLikeAnotherCheckIsARepeatedId) {
  EXPECT_EQ(error_of(R"([[run]]
id = "main"
command = ["true"]
[[check]]
id = "test_accuracy"
run = "main"
exit_code = 0
[[check]]
id = "hidden"
pytest = { tests = "tests/", points = { test_accuracy = 3 } }
)"),
            "ml.toml:11:41: check id 'test_accuracy' is already used at line 5");
}

TEST_F(PytestLoader, ADirectoryWithoutTestsIsRefused) {
  fs::create_directories(root_ / "exercises" / "ml" / "empty");
  write("exercises/ml/empty/helper.py", "def test_not_collected(): pass\n");
  EXPECT_EQ(
      error_of(R"([[check]]
id = "hidden"
pytest = { tests = "empty", points = { test_x = 1 } }
)"),
      "ml.toml:4:20: the tests' directory 'empty' defines no test (def test_... in test_*.py or *_test.py)");
}

TEST_F(PytestLoader, PytestMustBeATable) {
  EXPECT_EQ(
      error_of(R"([[check]]
id = "hidden"
pytest = "tests/"
)"),
      "ml.toml:4:10: key 'pytest' in check 'hidden' must be a table like { tests = \"tests/\", points = { "
      "... } }, not a string");
}

}  // namespace
}  // namespace grader
