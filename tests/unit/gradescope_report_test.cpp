// Gradescope's results.json (grader/report/gradescope_report.cpp), parsed back with nlohmann::json:
// the structure Gradescope documents (score, max_score, output, tests[] with name, score,
// max_score, status, output, visibility), hints, hidden checks, and valid JSON whatever was printed.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "grader/report/formats.h"

using namespace grader;
using nlohmann::json;

namespace {

CheckResult check(std::string id, CheckStatus status, double points, double max_points) {
  CheckResult c;
  c.title = id + " title";
  c.id = std::move(id);
  c.status = status;
  c.points = points;
  c.max_points = max_points;
  c.message = c.id + " message";
  c.detail = c.id + " DETAIL expected 42";
  return c;
}

Report sample() {
  Report r;
  r.exercise = "hello";
  r.submission = "alice";
  r.score = 2.5;
  r.max_score = 6;
  r.checks = {check("greets", CheckStatus::Passed, 2, 2), check("pi", CheckStatus::Failed, 0.5, 3),
              check("fast", CheckStatus::Skipped, 0, 1)};
  return r;
}

json parsed(const Report& r) {
  return json::parse(render_gradescope(r));  // throws on anything but valid UTF-8 JSON
}

}  // namespace

TEST(GradescopeReport, TopLevelHasScoreMaxScoreOutputAndTests) {
  json j = parsed(sample());
  ASSERT_TRUE(j.is_object());
  EXPECT_TRUE(j["score"].is_number());
  EXPECT_DOUBLE_EQ(j["score"].get<double>(), 2.5);
  EXPECT_DOUBLE_EQ(j["max_score"].get<double>(), 6.0);
  EXPECT_TRUE(j["output"].is_string());
  EXPECT_EQ(j["output"], "");
  ASSERT_TRUE(j["tests"].is_array());
  EXPECT_EQ(j["tests"].size(), 3u);
}

TEST(GradescopeReport, OneTestPerCheckInOrderWithItsFields) {
  json tests = parsed(sample())["tests"];
  ASSERT_EQ(tests.size(), 3u);
  for (const auto& t : tests) {
    EXPECT_TRUE(t["name"].is_string());
    EXPECT_TRUE(t["score"].is_number());
    EXPECT_TRUE(t["max_score"].is_number());
    EXPECT_TRUE(t["status"].is_string());
    EXPECT_TRUE(t["output"].is_string());
    EXPECT_TRUE(t["visibility"].is_string());
  }
  EXPECT_EQ(tests[0]["name"], "greets title");
  EXPECT_DOUBLE_EQ(tests[0]["score"].get<double>(), 2.0);
  EXPECT_DOUBLE_EQ(tests[0]["max_score"].get<double>(), 2.0);
  EXPECT_EQ(tests[1]["name"], "pi title");
  EXPECT_DOUBLE_EQ(tests[1]["score"].get<double>(), 0.5);
  EXPECT_DOUBLE_EQ(tests[1]["max_score"].get<double>(), 3.0);
  EXPECT_EQ(tests[2]["name"], "fast title");
}

TEST(GradescopeReport, StatusIsPassedOnlyForPassedChecks) {
  Report r = sample();
  r.checks.push_back(check("broken", CheckStatus::Error, 0, 1));
  json tests = parsed(r)["tests"];
  EXPECT_EQ(tests[0]["status"], "passed");
  EXPECT_EQ(tests[1]["status"], "failed");
  EXPECT_EQ(tests[2]["status"], "failed");  // skipped: Gradescope knows only passed and failed
  EXPECT_EQ(tests[3]["status"], "failed");
}

TEST(GradescopeReport, OutputIsTheLearnerMessage) {
  json tests = parsed(sample())["tests"];
  EXPECT_EQ(tests[0]["output"], "greets message");
  EXPECT_EQ(tests[1]["output"], "pi message");
}

TEST(GradescopeReport, HintFollowsTheMessageWhenTheCheckDidNotPass) {
  Report r = sample();
  r.checks[0].hint = "never shown";
  r.checks[1].hint = "print pi";
  json tests = parsed(r)["tests"];
  EXPECT_EQ(tests[0]["output"], "greets message");
  EXPECT_EQ(tests[1]["output"], "pi message\nhint: print pi");
}

TEST(GradescopeReport, VisibleChecksAreVisibleAndHiddenOnesAfterPublished) {
  Report r = sample();
  r.checks[1].hidden = true;
  json tests = parsed(r)["tests"];
  EXPECT_EQ(tests[0]["visibility"], "visible");
  EXPECT_EQ(tests[1]["visibility"], "after_published");
}

TEST(GradescopeReport, DetailNeverAppears) {
  Report r = sample();
  r.checks[1].hidden = true;
  std::string out = render_gradescope(r);
  EXPECT_EQ(out.find("DETAIL"), std::string::npos) << out;
  EXPECT_EQ(out.find("expected 42"), std::string::npos) << out;
}

TEST(GradescopeReport, RunnerErrorIsTheTopLevelOutput) {
  Report r = sample();
  r.runner_error = "sandbox could not be set up";
  EXPECT_EQ(parsed(r)["output"], "runner error: sandbox could not be set up");
}

TEST(GradescopeReport, RefusedSubmissionIsTheTopLevelOutput) {
  Report r = sample();
  r.submission_error = "link.py points out of the submission";
  EXPECT_EQ(parsed(r)["output"], "submission refused: link.py points out of the submission");
}

TEST(GradescopeReport, RunnerErrorWinsOverRefusedSubmission) {
  Report r = sample();
  r.submission_error = "refused";
  r.runner_error = "unreachable";
  EXPECT_EQ(parsed(r)["output"], "runner error: unreachable");
}

TEST(GradescopeReport, InvalidUtf8AndNulStillGiveValidJson) {
  Report r = sample();
  std::string raw("got \xff\xfe\0 end", 11);
  r.checks[1].title = raw;
  r.checks[1].message = raw;
  r.checks[1].hint = raw;
  r.runner_error = raw;
  std::string out = render_gradescope(r);
  EXPECT_EQ(out.find('\0'), std::string::npos);
  json j = json::parse(out);
  EXPECT_EQ(j["tests"][1]["name"], "got \\xFF\\xFE\\0 end");
  EXPECT_EQ(j["tests"][1]["output"], "got \\xFF\\xFE\\0 end\nhint: got \\xFF\\xFE\\0 end");
  EXPECT_EQ(j["output"], "runner error: got \\xFF\\xFE\\0 end");
}

TEST(GradescopeReport, NoChecksGiveAnEmptyTestsArray) {
  Report r = sample();
  r.checks.clear();
  json j = parsed(r);
  ASSERT_TRUE(j["tests"].is_array());
  EXPECT_TRUE(j["tests"].empty());
}

TEST(GradescopeReport, ExecutionTimeIsTheRunsWallSecondsRoundedUp) {
  Report r = sample();
  EXPECT_EQ(parsed(r)["execution_time"], 0) << "nothing ran";
  for (double wall : {0.25, 1.5}) {
    RunSummary run;
    run.result.wall_s = wall;
    r.runs.push_back(run);
  }
  json j = parsed(r);
  ASSERT_TRUE(j["execution_time"].is_number_integer()) << j["execution_time"];
  EXPECT_EQ(j["execution_time"], 2);
}

TEST(GradescopeReport, OutputIsPlainTextSoLearnerMarkupIsNeverRendered) {
  Report r = sample();
  r.checks[1].message = "<script>alert(1)</script> **bold**";
  json j = parsed(r);
  EXPECT_EQ(j["output_format"], "text");
  EXPECT_EQ(j["test_output_format"], "text");
  for (const auto& t : j["tests"]) EXPECT_EQ(t["output_format"], "text");
  EXPECT_EQ(j["tests"][1]["output"], "<script>alert(1)</script> **bold**");
}
