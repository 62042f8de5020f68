// The class's numbers (grader/report/class_stats.cpp): score bins, mean and median, full marks and
// runner errors kept apart, and per check the pass counts and most common failure messages.
#include "grader/report/class_stats.h"

#include <gtest/gtest.h>

#include "tests/support/graded_class.h"

using namespace grader;
using namespace grader::testing;

namespace {

GradedSubmission runner_error(std::string name) {
  GradedSubmission g =
      graded(std::move(name), 0, {check_result("greets", CheckStatus::Error, 0, "no sandbox")});
  g.report.runner_error = "sandbox could not be set up";
  return g;
}

std::vector<std::size_t> counts(const ClassSummary& s) {
  std::vector<std::size_t> v;
  for (const auto& b : s.histogram) v.push_back(b.count);
  return v;
}

}  // namespace

TEST(ScoreBins, OnePerPointForSmallWholeMaxima) {
  auto bins = score_bins(4);
  ASSERT_EQ(bins.size(), 5u);
  EXPECT_EQ(bins[0].label, "0");
  EXPECT_EQ(bins[4].label, "4");
  EXPECT_EQ(bins[2].lo, 2);
  EXPECT_EQ(bins[2].hi, 3);
  EXPECT_EQ(bins[4].lo, 4);
  EXPECT_EQ(bins[4].hi, 4) << "the last bin is full marks alone";
}

TEST(ScoreBins, TenPercentBinsOtherwise) {
  for (double max : {7.5, 21.0, 100.0}) {
    auto bins = score_bins(max);
    ASSERT_EQ(bins.size(), 10u) << max;
    EXPECT_EQ(bins[0].label, "0–10%");
    EXPECT_EQ(bins[9].label, "90–100%");
    EXPECT_DOUBLE_EQ(bins[9].hi, max);
  }
}

TEST(ScoreBins, ARubricWithoutPointsHasOneBin) {
  auto bins = score_bins(0);
  ASSERT_EQ(bins.size(), 1u);
  EXPECT_EQ(bins[0].label, "0");
}

TEST(ClassSummary, MeanMedianFullMarksAndBins) {
  Rubric r = class_rubric({"a", "b"});  // 4 points
  auto s =
      summarise_class(r, {graded("a", 4, {}), graded("b", 2.5, {}), graded("c", 1, {}), graded("d", 0, {})});
  EXPECT_EQ(s.submissions, 4u);
  EXPECT_EQ(s.scored, 4u);
  EXPECT_EQ(s.full_marks, 1u);
  EXPECT_EQ(s.max_score, 4);
  EXPECT_DOUBLE_EQ(*s.mean, 7.5 / 4);
  EXPECT_DOUBLE_EQ(*s.median, (1 + 2.5) / 2) << "even count: the mean of the middle two";
  EXPECT_EQ(counts(s), (std::vector<std::size_t>{1, 1, 1, 0, 1})) << "2.5 points fall in bin 2";
}

TEST(ClassSummary, OddCountMedianIsTheMiddleScore) {
  auto s =
      summarise_class(class_rubric({"a", "b"}), {graded("a", 4, {}), graded("b", 0, {}), graded("c", 3, {})});
  EXPECT_DOUBLE_EQ(*s.median, 3);
}

TEST(ClassSummary, RunnerErrorsAreCountedApartFromScores) {
  auto s = summarise_class(class_rubric({"a", "b"}), {graded("a", 4, {}), runner_error("b")});
  EXPECT_EQ(s.submissions, 2u);
  EXPECT_EQ(s.runner_errors, 1u);
  EXPECT_EQ(s.scored, 1u);
  EXPECT_DOUBLE_EQ(*s.mean, 4) << "a runner error's 0 says nothing about the learner";
  EXPECT_EQ(counts(s), (std::vector<std::size_t>{0, 0, 0, 0, 1}));
}

TEST(ClassSummary, RefusedSubmissionsAreScoredFailures) {
  GradedSubmission refused = graded("r", 0, {});
  refused.report.submission_error = "symlink out of the submission";
  auto s = summarise_class(class_rubric({"a", "b"}), {refused});
  EXPECT_EQ(s.refused, 1u);
  EXPECT_EQ(s.scored, 1u);
  EXPECT_EQ(counts(s)[0], 1u);
}

TEST(ClassSummary, ScoresOutsideTheRubricsRangeLandInTheEndBins) {
  // A report graded before the rubric lost a check can score more than today's maximum.
  auto s = summarise_class(class_rubric({"a", "b"}), {graded("a", 6, {}), graded("b", -1, {})});
  EXPECT_EQ(counts(s), (std::vector<std::size_t>{1, 0, 0, 0, 1}));
}

TEST(ClassSummary, AnEmptyClassHasNoMeanOrMedian) {
  auto s = summarise_class(class_rubric({"a"}), {});
  EXPECT_FALSE(s.mean);
  EXPECT_FALSE(s.median);
  EXPECT_EQ(s.submissions, 0u);
}

TEST(ClassSummary, PercentBinsTakeFullMarksInTheLast) {
  Rubric r = class_rubric({"a"});
  r.checks[0].points = 7.5;
  auto s = summarise_class(r, {graded("a", 7.5, {}), graded("b", 0.74, {}), graded("c", 0.75, {})});
  ASSERT_EQ(s.histogram.size(), 10u);
  EXPECT_EQ(s.histogram[9].count, 1u);
  EXPECT_EQ(s.histogram[0].count, 1u);
  EXPECT_EQ(s.histogram[1].count, 1u) << "0.75 of 7.5 is 10%: the second bin";
}

TEST(CheckTally, CountsEachStatusInRubricOrder) {
  Rubric r = class_rubric({"greets", "pi"});
  auto t = tally_checks(
      r,
      {graded("a", 4,
              {check_result("pi", CheckStatus::Passed, 2), check_result("greets", CheckStatus::Passed, 2)}),
       graded("b", 0,
              {check_result("greets", CheckStatus::Failed, 0, "no greeting"),
               check_result("pi", CheckStatus::Skipped, 0, "needs greets")}),
       graded("c", 0, {check_result("greets", CheckStatus::Error, 0, "run did not start")})});
  ASSERT_EQ(t.size(), 2u);
  EXPECT_EQ(t[0].id, "greets");
  EXPECT_EQ(t[0].passed, 1u);
  EXPECT_EQ(t[0].failed, 1u);
  EXPECT_EQ(t[0].errors, 1u);
  EXPECT_EQ(t[0].total(), 3u);
  EXPECT_EQ(t[1].id, "pi");
  EXPECT_EQ(t[1].passed, 1u);
  EXPECT_EQ(t[1].skipped, 1u);
  EXPECT_EQ(t[1].total(), 2u) << "c has no pi result: it is not counted";
}

TEST(CheckTally, RunnerErrorsAreNotCounted) {
  auto t = tally_checks(class_rubric({"greets"}), {runner_error("a")});
  EXPECT_EQ(t[0].total(), 0u);
  EXPECT_TRUE(t[0].common_failures.empty());
}

TEST(CheckTally, MostCommonFailureMessagesFirst) {
  std::vector<GradedSubmission> all;
  auto add = [&](const std::string& name, const std::string& message) {
    all.push_back(graded(name, 0, {check_result("greets", CheckStatus::Failed, 0, message)}));
  };
  add("a", "found 3, expected 4");
  add("b", "no greeting");
  add("c", "found 3, expected 4");
  add("d", "crashed");
  add("e", "no greeting");
  add("f", "found 3, expected 4");
  add("g", "zzz");
  auto t = tally_checks(class_rubric({"greets"}), all, 3);
  ASSERT_EQ(t[0].common_failures.size(), 3u);
  EXPECT_EQ(t[0].common_failures[0].message, "found 3, expected 4");
  EXPECT_EQ(t[0].common_failures[0].count, 3u);
  EXPECT_EQ(t[0].common_failures[1].message, "no greeting");
  EXPECT_EQ(t[0].common_failures[1].count, 2u);
  EXPECT_EQ(t[0].common_failures[2].message, "crashed") << "ties in message order, the same on every run";
}

TEST(CheckTally, PassedMessagesAreNotFailures) {
  auto t = tally_checks(class_rubric({"greets"}),
                        {graded("a", 2, {check_result("greets", CheckStatus::Passed, 2, "ok")})});
  EXPECT_TRUE(t[0].common_failures.empty());
}

TEST(CheckTally, MessagesAreCountedOnOneLineAndShortened) {
  std::string long_message = "it was: " + std::string(300, 'x');
  auto t =
      tally_checks(class_rubric({"greets"}),
                   {graded("a", 0, {check_result("greets", CheckStatus::Failed, 0, "it was:\n    | Hi\n")}),
                    graded("b", 0, {check_result("greets", CheckStatus::Failed, 0, "it was: | Hi")}),
                    graded("c", 0, {check_result("greets", CheckStatus::Failed, 0, long_message)}),
                    graded("d", 0, {check_result("greets", CheckStatus::Failed, 0, "")})});
  const auto& f = t[0].common_failures;
  ASSERT_EQ(f.size(), 3u);
  EXPECT_EQ(f[0].message, "it was: | Hi");
  EXPECT_EQ(f[0].count, 2u);
  EXPECT_EQ(f[1].message, "(no message)");
  EXPECT_LT(f[2].message.size(), 170u);
  EXPECT_EQ(f[2].message.substr(f[2].message.size() - 3), "…");
}

TEST(CheckTally, ShorteningNeverSplitsACharacter) {
  std::string message;
  for (int i = 0; i < 100; ++i) message += "ü";  // two bytes each
  message = "x" + message;                       // so that byte 160 is mid-character
  auto t = tally_checks(class_rubric({"greets"}),
                        {graded("a", 0, {check_result("greets", CheckStatus::Failed, 0, message)})});
  std::string m = t[0].common_failures[0].message;
  EXPECT_EQ(m.substr(0, m.size() - 3).size() % 2, 1u) << "x and whole ü's: " << m;
}

TEST(CheckTally, AHiddenRunMakesItsChecksHidden) {
  CheckResult c = check_result("greets", CheckStatus::Passed, 2);
  c.hidden = true;
  auto t = tally_checks(class_rubric({"greets"}), {graded("a", 2, {c})});
  EXPECT_TRUE(t[0].hidden);
  EXPECT_FALSE(tally_checks(class_rubric({"greets"}), {})[0].hidden);
}
