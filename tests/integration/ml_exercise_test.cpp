// The ml exercise end to end (issue 11): its hidden pytest tests really run in the sandbox next
// to the learner's classify.py, with a seed drawn per grading; the verdicts come back per test
// and the tests themselves never reach the learner's report. Needs Debian's python3-pytest and
// python3-sklearn (ci/setup).
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "tests/support/cli_runner.h"

using namespace grader::testing;
namespace fs = std::filesystem;

namespace {

const fs::path kRepo = GRADER_SOURCE_DIR;
const fs::path kMl = kRepo / "exercises" / "ml";

void require_sklearn() {
  CliResult r = run_program({"/usr/bin/python3", "-c", "import pytest, sklearn"});
  ASSERT_EQ(r.exit_code, 0) << "install Debian's python3-pytest and python3-sklearn (ci/setup): " << r.err;
}

const nlohmann::json& check(const nlohmann::json& report, const std::string& id) {
  for (const auto& c : report["checks"])
    if (c["id"] == id) return c;
  static const nlohmann::json none;
  return none;
}

nlohmann::json check_ml(const fs::path& submission, CliResult& r, bool teacher = false) {
  std::vector<std::string> args = {"check", "ml", submission.string(), "--format", "json"};
  if (teacher) args.push_back("--teacher");
  r = run_grader(args, kRepo);
  return nlohmann::json::parse(r.out);
}

// A line of the hidden tests that no learner-facing text may contain.
const std::string kTestSourceLine = "def where_in_classify(e):";

}  // namespace

TEST(MlExercise, SolutionPassesEveryHiddenTestInTheSandbox) {
  require_sklearn();
  CliResult r;
  auto j = check_ml(kMl / "solution", r);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(j["runner"]["executor"], "sandbox");
  EXPECT_EQ(j["score"], 7.0);
  for (const char* test : {"test_returns_fitted_estimator", "test_accuracy", "test_trains_in_time",
                           "test_memory", "test_predicts_one_sample", "hidden-tests"})
    EXPECT_EQ(check(j, test)["status"], "passed") << test << ": " << check(j, test).dump();
  EXPECT_EQ(check(j, "test_accuracy")["max_points"], 3.0);
  EXPECT_EQ(check(j, "test_accuracy")["hidden"], false);
}

TEST(MlExercise, LearnerReadsTheAssertionMessageNeverTheTests) {
  require_sklearn();
  CliResult r;
  auto j = check_ml(kMl / "fixtures" / "majority-class", r);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(j["score"], 4.0) << "as fixtures/majority-class/expected.toml declares";
  std::string msg = check(j, "test_accuracy")["message"];
  EXPECT_EQ(msg.rfind("AssertionError: accuracy 0.1", 0), 0u) << msg;
  EXPECT_NE(msg.find("on 450 held-out digits; it must be at least 0.95"), std::string::npos) << msg;
  EXPECT_EQ(j.dump().find(kTestSourceLine), std::string::npos);
  EXPECT_EQ(j.dump().find("test_classify.py"), std::string::npos) << "the traceback is the teacher's";
  for (const auto& run : j["runs"])
    if (run["id"] == "@pytest-hidden-tests") {
      EXPECT_TRUE(run["hidden"].get<bool>());
      EXPECT_TRUE(run["command"].is_null());
      EXPECT_TRUE(run["stdout"].is_null());
    }
  CliResult text = run_grader({"check", "ml", (kMl / "fixtures" / "majority-class").string()}, kRepo);
  EXPECT_EQ(text.out.find(kTestSourceLine), std::string::npos);
  EXPECT_NE(text.out.find("it must be at least 0.95"), std::string::npos) << text.out;
}

TEST(MlExercise, EachGradingDrawsItsOwnSeedAndTheTeacherSeesIt) {
  require_sklearn();
  CliResult r;
  auto seed_of = [&](const nlohmann::json& j) {
    std::string detail = check(j, "hidden-tests")["detail"];
    auto at = detail.find("seed: GRADER_SEED=");
    return at == std::string::npos ? std::string() : detail.substr(at + 18, detail.find('\n', at) - at - 18);
  };
  std::string first = seed_of(check_ml(kMl / "fixtures" / "overfits", r, true));
  EXPECT_EQ(r.exit_code, 1);
  std::string second = seed_of(check_ml(kMl / "fixtures" / "overfits", r, true));
  ASSERT_FALSE(first.empty());
  ASSERT_FALSE(second.empty());
  EXPECT_NE(first, second) << "two gradings, one seed";
  // The teacher's report has the traceback; the learner's does not.
  auto teacher = check_ml(kMl / "fixtures" / "overfits", r, true);
  EXPECT_NE(check(teacher, "test_accuracy")["detail"].get<std::string>().find("test_classify.py:"),
            std::string::npos);
}

// A submission that brings its own pytest configuration, a conftest.py that turns every failure
// into a pass and a pytest.py that would stand in for pytest: none of them is used.
TEST(MlExercise, LearnersPytestConfigurationAndShadowModulesAreNotUsed) {
  require_sklearn();
  ScratchDir dir;
  fs::copy(kMl / "fixtures" / "majority-class" / "classify.py", dir.path / "classify.py");
  std::ofstream(dir.path / "conftest.py") << R"(import pytest
@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    outcome.get_result().outcome = "passed"
)";
  std::ofstream(dir.path / "pytest.ini") << "[pytest]\naddopts = -p no:junitxml\n";
  std::ofstream(dir.path / "pytest.py") << "raise SystemExit('the learner\\'s pytest.py was imported')\n";
  std::ofstream(dir.path / "json.py") << "raise SystemExit('the learner\\'s json.py was imported')\n";
  CliResult r;
  auto j = check_ml(dir.path, r);
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_EQ(check(j, "test_accuracy")["status"], "failed") << j.dump();
  EXPECT_EQ(j["score"], 4.0);
}

TEST(MlExercise, MissingModuleFailsEveryTestWithTheImportError) {
  require_sklearn();
  ScratchDir dir;
  std::ofstream(dir.path / "notes.txt") << "forgot classify.py\n";
  CliResult r;
  auto j = check_ml(dir.path, r);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(j["score"], 0.0);
  EXPECT_EQ(check(j, "test_accuracy")["status"], "failed");
  EXPECT_EQ(check(j, "test_accuracy")["message"],
            "importing classify.py raised ModuleNotFoundError: No module named 'classify'");
}
