// `pytest` checks graded from JUnit XML that real pytest wrote (tests/unit/data/junit/): one check
// per test, the assertion message for the learner, the traceback and the seed for the teacher,
// and an error, never a pass, for a test or a report that is not there.
#include "grader/checks/pytest_check.h"

#include <gtest/gtest.h>

#include "tests/support/unit_data.h"

namespace grader {
namespace {

constexpr const char* kXml = ".grader-pytest/suite.xml";

std::string data(const std::string& name) {
  return test_support::unit_test_data("junit/" + name);
}

RunResults with_xml(const std::string& xml, int exit_code = 1) {
  RunResult r;
  r.id = "@pytest-suite";
  r.status = exit_code == 0 ? RunStatus::Ok : RunStatus::NonzeroExit;
  r.exit_code = exit_code;
  CollectedFile f;
  f.exists = true;
  f.data = xml;
  f.size = xml.size();
  r.files[kXml] = f;
  return {{r.id, r}};
}

CheckSpec test_check(const std::string& test, double points = 3) {
  CheckSpec c;
  c.id = test.empty() ? "suite" : test;
  c.run = "@pytest-suite";
  c.points = test.empty() ? 0 : points;
  c.kind = PytestCheck{"suite", "tests/", kXml, test, {"test_passes", "test_fails", "test_param"}};
  return c;
}

CheckResult eval(const std::string& test, const RunResults& runs, bool hidden = false) {
  return evaluate_pytest(test_check(test), runs, hidden);
}

TEST(PytestCheck, PassedTestEarnsItsPoints) {
  CheckResult r = eval("test_passes", with_xml(data("kinds.xml")));
  EXPECT_EQ(r.status, CheckStatus::Passed);
  EXPECT_EQ(r.points, 3);
  EXPECT_EQ(r.max_points, 3);
}

TEST(PytestCheck, FailedTestShowsTheAssertionMessageAndKeepsTheTracebackForTheTeacher) {
  CheckResult r = eval("test_fails", with_xml(data("kinds.xml")));
  EXPECT_EQ(r.status, CheckStatus::Failed);
  EXPECT_EQ(r.points, 0);
  EXPECT_EQ(r.message, "AssertionError: accuracy 0.62 < 0.95 & <less>\nassert 0.62 >= 0.95");
  // The traceback quotes the test's source: the teacher's detail only.
  EXPECT_EQ(r.message.find("test_kinds.py"), std::string::npos);
  EXPECT_NE(r.detail.find("test_kinds.py:17: in test_fails"), std::string::npos) << r.detail;
}

TEST(PytestCheck, HiddenTestTellsTheLearnerOnlyItsStatus) {
  CheckResult r = eval("test_fails", with_xml(data("kinds.xml")), true);
  EXPECT_EQ(r.message, "failed");
  EXPECT_TRUE(r.hidden);
  EXPECT_NE(r.detail.find("accuracy 0.62"), std::string::npos);
}

TEST(PytestCheck, SetupErrorIsAnError) {
  CheckResult r = eval("test_setup_error", with_xml(data("kinds.xml")));
  EXPECT_EQ(r.status, CheckStatus::Error);
  EXPECT_EQ(r.points, 0);
  EXPECT_EQ(r.message, "failed on setup with \"RuntimeError: fixture broke\"");
}

TEST(PytestCheck, SkippedTestIsSkippedAsUnavailableWithItsReason) {
  CheckResult r = eval("test_skipped", with_xml(data("kinds.xml")));
  EXPECT_EQ(r.status, CheckStatus::Skipped);
  EXPECT_TRUE(r.unavailable);
  EXPECT_EQ(r.points, 0);
  EXPECT_EQ(r.message, "skipped: no GPU on this runner");
}

TEST(PytestCheck, ParametrizedTestPassesOnlyWhenEveryCaseDoes) {
  CheckResult r = eval("test_param", with_xml(data("kinds.xml")));
  EXPECT_EQ(r.status, CheckStatus::Failed);
  EXPECT_EQ(r.message, "test_param[2]: AssertionError: n is two\nassert 2 != 2");
}

TEST(PytestCheck, TestTheReportDoesNotMentionIsAnErrorNeverAPass) {
  CheckResult r = eval("test_never_written", with_xml(data("kinds.xml")));
  EXPECT_EQ(r.status, CheckStatus::Error);
  EXPECT_EQ(r.points, 0);
  EXPECT_EQ(r.message, "test 'test_never_written' is not in pytest's report: it did not run");
}

TEST(PytestCheck, CollectionFailureExplainsEveryMissingTestWithTheExceptionOnly) {
  CheckResult r = eval("test_never", with_xml(data("collection-error.xml"), 2));
  EXPECT_EQ(r.status, CheckStatus::Error);
  EXPECT_EQ(r.message,
            "test 'test_never' is not in pytest's report: it did not run\n"
            "  collecting coll.test_collect failed: ModuleNotFoundError: No module named "
            "'classify_missing_module'");
  // Not the test module's source line that imported it.
  EXPECT_EQ(r.message.find("import classify_missing_module"), std::string::npos);
}

TEST(PytestCheck, SuiteCountsOutcomesAndListsTestsWithoutPoints) {
  CheckResult r = eval("", with_xml(data("kinds.xml")));
  EXPECT_EQ(r.status, CheckStatus::Failed);
  EXPECT_EQ(r.points, 0);
  EXPECT_EQ(r.max_points, 0);
  EXPECT_NE(r.message.find("11 tests ran: 4 passed, 3 failed, 2 errors, 2 skipped"), std::string::npos)
      << r.message;
  EXPECT_NE(r.message.find("tests the rubric gives no points (0 points each):"), std::string::npos);
  EXPECT_NE(r.message.find("test_raises: failed: KeyError: 'missing'"), std::string::npos) << r.message;
  EXPECT_NE(r.message.find("test_method: passed"), std::string::npos);
  // Tests with points of their own are not listed again.
  EXPECT_EQ(r.message.find("test_fails:"), std::string::npos);
}

TEST(PytestCheck, SuiteOfTheSolutionPassesAndGivesTheTeacherTheSeed) {
  CheckResult r = eval("", with_xml(data("ml-solution.xml"), 0));
  EXPECT_EQ(r.status, CheckStatus::Passed);
  EXPECT_NE(r.detail.find("seed: GRADER_SEED=42"), std::string::npos) << r.detail;
  EXPECT_EQ(r.message.find("GRADER_SEED"), std::string::npos);
}

TEST(PytestCheck, LearnerErrorInsideTrainIsAFailureNamingTheLine) {
  CheckResult r = eval("test_accuracy", with_xml(data("ml-raises.xml")));
  EXPECT_EQ(r.status, CheckStatus::Failed);
  EXPECT_EQ(r.message.rfind("train(X, y) raised ValueError (classify.py, line 7): Expected 2D array", 0), 0u)
      << r.message;
}

TEST(PytestCheck, NoReportIsAnErrorSayingHowTheRunEnded) {
  RunResult timed_out;
  timed_out.id = "@pytest-suite";
  timed_out.status = RunStatus::Timeout;
  timed_out.message = "killed at the time limit of 1m30s";
  timed_out.files[kXml] = CollectedFile{};
  RunResults runs{{timed_out.id, timed_out}};
  for (const std::string test : {"test_passes", ""}) {
    CheckResult r = eval(test, runs);
    EXPECT_EQ(r.status, CheckStatus::Error);
    EXPECT_EQ(r.message,
              "pytest wrote no JUnit report, so no test can be graded (the tests' run ended: killed at the "
              "time limit of 1m30s)");
  }
}

TEST(PytestCheck, MalformedReportIsAnErrorWithTheParsersReason) {
  CheckResult r = eval("test_passes", with_xml("<testsuites><testcase name='test_passes'>"));
  EXPECT_EQ(r.status, CheckStatus::Error);
  EXPECT_EQ(r.message, "pytest's JUnit report cannot be read: line 1: unclosed element 'testcase'");
}

TEST(PytestCheck, ForgedPassInAReportCutAtTheLimitIsNotBelieved) {
  RunResults runs = with_xml("<testsuites><testsuite><testcase name='test_passes'/>");
  auto& f = runs.begin()->second.files[kXml];
  f.truncated = true;
  f.size = 5u << 20;
  CheckResult r = eval("test_passes", runs);
  EXPECT_EQ(r.status, CheckStatus::Error);
  EXPECT_EQ(r.message,
            "pytest's JUnit report is too large to read (5 MiB, more than the run's output limit)");
}

TEST(PytestCheck, RunnerErrorIsAnError) {
  RunResult lost;
  lost.id = "@pytest-suite";
  lost.status = RunStatus::RunnerError;
  lost.message = "connection reset";
  CheckResult r = eval("test_passes", {{lost.id, lost}});
  EXPECT_EQ(r.status, CheckStatus::Error);
  EXPECT_EQ(r.message, "the tests could not be run: connection reset");
}

TEST(PytestCheck, EmptySuiteIsAnError) {
  CheckResult r = eval("", with_xml("<testsuites><testsuite name='pytest' tests='0'/></testsuites>", 5));
  EXPECT_EQ(r.status, CheckStatus::Error);
  EXPECT_EQ(r.message, "pytest collected no tests in tests/");
}

}  // namespace
}  // namespace grader
