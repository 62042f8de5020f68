// PrairieLearn's external grader results.json (grader/report/prairielearn_report.cpp), parsed back
// with nlohmann::json: the fields PrairieLearn's externalGrading.md documents (gradable, score in
// [0, 1], message, format_errors, tests[] with name, description, points, max_points, message,
// output), hints, hidden checks that never show what was expected, and valid JSON whatever was
// printed.
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
  r.max_score = 10;
  r.checks = {check("greets", CheckStatus::Passed, 2, 2), check("pi", CheckStatus::Failed, 0.5, 3),
              check("fast", CheckStatus::Skipped, 0, 5)};
  return r;
}

json parsed(const Report& r) {
  return json::parse(render_prairielearn(r));
}

}  // namespace

TEST(PrairieLearnReport, AGradedSubmissionIsGradableWithAScoreFromZeroToOne) {
  json j = parsed(sample());
  EXPECT_EQ(j["gradable"], true);
  ASSERT_TRUE(j["score"].is_number());
  EXPECT_DOUBLE_EQ(j["score"].get<double>(), 0.25);
  EXPECT_EQ(j["message"], "2.5/10 points");
  EXPECT_FALSE(j.contains("format_errors"));
}

TEST(PrairieLearnReport, FullMarksScoreOne) {
  Report r = sample();
  r.score = 10;
  EXPECT_DOUBLE_EQ(parsed(r)["score"].get<double>(), 1.0);
}

TEST(PrairieLearnReport, ARubricWithoutPointsScoresByWhetherItPassed) {
  Report r = sample();
  r.score = r.max_score = 0;
  r.passed = true;
  EXPECT_DOUBLE_EQ(parsed(r)["score"].get<double>(), 1.0);
  r.passed = false;
  EXPECT_DOUBLE_EQ(parsed(r)["score"].get<double>(), 0.0);
}

TEST(PrairieLearnReport, OneTestPerCheckWithTheFieldsItsElementRenders) {
  json tests = parsed(sample())["tests"];
  ASSERT_EQ(tests.size(), 3u);
  for (const auto& t : tests) {
    for (const char* key : {"name", "description", "message", "output"})
      EXPECT_TRUE(t[key].is_string()) << key;
    EXPECT_TRUE(t["points"].is_number());
    EXPECT_TRUE(t["max_points"].is_number());
  }
  EXPECT_EQ(tests[1]["name"], "pi title");
  EXPECT_EQ(tests[1]["description"], "pi (failed)");
  EXPECT_DOUBLE_EQ(tests[1]["points"].get<double>(), 0.5);
  EXPECT_DOUBLE_EQ(tests[1]["max_points"].get<double>(), 3.0);
  EXPECT_EQ(tests[1]["message"], "pi message");
  EXPECT_EQ(tests[2]["description"], "fast (skipped)");
}

TEST(PrairieLearnReport, HintIsTheOutputOfACheckThatDidNotPass) {
  Report r = sample();
  r.checks[0].hint = "never shown";
  r.checks[1].hint = "print pi";
  json tests = parsed(r)["tests"];
  EXPECT_EQ(tests[0]["output"], "");
  EXPECT_EQ(tests[1]["output"], "hint: print pi");
}

TEST(PrairieLearnReport, HiddenExpectedValuesNeverAppear) {
  Report r = sample();
  r.checks[1].hidden = true;
  r.checks[1].message = "found 3, which is not the expected value";
  std::string out = render_prairielearn(r);
  EXPECT_EQ(out.find("DETAIL"), std::string::npos) << out;
  EXPECT_EQ(out.find("expected 42"), std::string::npos) << out;
}

TEST(PrairieLearnReport, ARunnerErrorIsNotGradableAndCostsNoAttempt) {
  Report r = sample();
  r.runner_error = "sandbox could not be set up";
  json j = parsed(r);
  EXPECT_EQ(j["gradable"], false);
  EXPECT_FALSE(j.contains("score")) << "PrairieLearn needs no score when not gradable";
  EXPECT_EQ(j["format_errors"], json::array({"runner error: sandbox could not be set up"}));
  EXPECT_EQ(j["message"], "runner error: sandbox could not be set up");
}

TEST(PrairieLearnReport, ARunLostToTheRunnerIsNotGradable) {
  Report r = sample();
  RunSummary lost;
  lost.result.status = RunStatus::RunnerError;
  r.runs.push_back(lost);
  EXPECT_EQ(parsed(r)["gradable"], false);
}

TEST(PrairieLearnReport, ARefusedSubmissionIsNotGradable) {
  Report r = sample();
  r.submission_error = "link.py points out of the submission";
  json j = parsed(r);
  EXPECT_EQ(j["gradable"], false);
  EXPECT_EQ(j["format_errors"][0], "submission refused: link.py points out of the submission");
}

TEST(PrairieLearnReport, InvalidUtf8AndNulStillGiveValidJson) {
  Report r = sample();
  std::string raw("got \xff\0 end", 10);
  r.checks[1].title = raw;
  r.checks[1].message = raw;
  std::string out = render_prairielearn(r);
  EXPECT_EQ(out.find('\0'), std::string::npos);
  json j = json::parse(out);
  EXPECT_EQ(j["tests"][1]["name"], "got \\xFF\\0 end");
  EXPECT_EQ(j["tests"][1]["message"], "got \\xFF\\0 end");
}
