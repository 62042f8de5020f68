// The terminal report (grader/report/text_report.cpp): a mark and points per check, hints only on
// what did not pass, the stderr tail of runs that did not end ok, the score line, colour only when
// asked, learner text with its control characters shown escaped, and no hidden values for learners.
#include <gtest/gtest.h>

#include <string>

#include "grader/report/formats.h"

using namespace grader;

namespace {

CheckResult check(std::string id, CheckStatus status, double points, double max_points, std::string message) {
  CheckResult c;
  c.title = id;
  c.id = std::move(id);
  c.status = status;
  c.points = points;
  c.max_points = max_points;
  c.detail = "detail: " + message;
  c.message = std::move(message);
  return c;
}

Report sample() {
  Report r;
  r.exercise = "hello";
  r.title = "Run a Python script";
  r.submission = "alice";
  r.score = 2;
  r.max_score = 5;
  r.checks.push_back(check("greets", CheckStatus::Passed, 2, 2, "printed the greeting"));
  r.checks.push_back(check("pi", CheckStatus::Failed, 0, 3, "found 3.0"));
  RunSummary main;
  main.result.id = "main";
  main.result.status = RunStatus::Ok;
  main.result.exit_code = 0;
  r.runs.push_back(main);
  return r;
}

// The line of the report that contains `needle`, or "" when none does.
std::string line_with(const std::string& text, const std::string& needle) {
  auto at = text.find(needle);
  if (at == std::string::npos) return "";
  auto begin = text.rfind('\n', at);
  begin = begin == std::string::npos ? 0 : begin + 1;
  auto end = text.find('\n', at);
  return text.substr(begin, end == std::string::npos ? std::string::npos : end - begin);
}

bool contains(const std::string& text, const std::string& needle) {
  return text.find(needle) != std::string::npos;
}

}  // namespace

TEST(TextReport, HeaderNamesExerciseTitleAndSubmission) {
  std::string out = render_text(sample(), Audience::Learner, false);
  EXPECT_EQ(out.substr(0, out.find('\n')), "hello: Run a Python script  (alice)");
}

TEST(TextReport, HeaderOmitsTitleEqualToExercise) {
  Report r = sample();
  r.title = "hello";
  std::string out = render_text(r, Audience::Learner, false);
  EXPECT_EQ(out.substr(0, out.find('\n')), "hello  (alice)");
}

TEST(TextReport, EachStatusHasItsMark) {
  Report r = sample();
  r.checks = {check("ok", CheckStatus::Passed, 1, 1, "m1"), check("bad", CheckStatus::Failed, 0, 1, "m2"),
              check("skip", CheckStatus::Skipped, 0, 1, "m3"), check("err", CheckStatus::Error, 0, 1, "m4")};
  std::string out = render_text(r, Audience::Learner, false);
  EXPECT_EQ(line_with(out, "m1").rfind("  ✓ ok", 0), 0u) << out;
  EXPECT_EQ(line_with(out, "m2").rfind("  ✗ bad", 0), 0u) << out;
  EXPECT_EQ(line_with(out, "m3").rfind("  - skip", 0), 0u) << out;
  EXPECT_EQ(line_with(out, "m4").rfind("  ! err", 0), 0u) << out;
}

TEST(TextReport, CheckLineShowsEarnedOverMaxPointsAndMessage) {
  std::string out = render_text(sample(), Audience::Learner, false);
  EXPECT_EQ(line_with(out, "greets"), "  ✓ greets  2/2     printed the greeting");
  EXPECT_EQ(line_with(out, "found 3.0"), "  ✗ pi      0/3     found 3.0");
}

TEST(TextReport, TitlesArePaddedToOneColumn) {
  Report r = sample();
  std::string out = render_text(r, Audience::Learner, false);
  // "greets" is the longest title; "pi" is padded to its width so that points line up.
  EXPECT_EQ(line_with(out, "greets").find("2/2"), line_with(out, "found").find("0/3"));
}

TEST(TextReport, MultiLineMessageContinuesIndented) {
  Report r = sample();
  r.checks[1].message = "first line\nsecond line";
  std::string out = render_text(r, Audience::Learner, false);
  EXPECT_TRUE(contains(out, "0/3     first line\n      second line\n")) << out;
}

TEST(TextReport, HintShownForWhatDidNotPass) {
  Report r = sample();
  r.checks[1].hint = "print pi with 5 decimals";
  std::string out = render_text(r, Audience::Learner, false);
  EXPECT_TRUE(contains(out, "found 3.0\n      hint: print pi with 5 decimals\n")) << out;
}

TEST(TextReport, HintNotShownForAPassedCheck) {
  Report r = sample();
  r.checks[0].hint = "HINT-FOR-PASSED";
  std::string out = render_text(r, Audience::Learner, false);
  EXPECT_FALSE(contains(out, "HINT-FOR-PASSED")) << out;
}

TEST(TextReport, HintShownForSkippedAndErrorChecks) {
  Report r = sample();
  r.checks = {check("s", CheckStatus::Skipped, 0, 1, "needs 'x', which failed"),
              check("e", CheckStatus::Error, 0, 1, "run did not start")};
  r.checks[0].hint = "HINT-S";
  r.checks[1].hint = "HINT-E";
  std::string out = render_text(r, Audience::Learner, false);
  EXPECT_TRUE(contains(out, "hint: HINT-S")) << out;
  EXPECT_TRUE(contains(out, "hint: HINT-E")) << out;
}

TEST(TextReport, SkippedLineShowsWhyItWasSkipped) {
  Report r = sample();
  r.checks.push_back(check("fast", CheckStatus::Skipped, 0, 2, "skipped: needs 'pi', which did not pass"));
  std::string out = render_text(r, Audience::Learner, false);
  EXPECT_EQ(line_with(out, "skipped:"), "  - fast    0/2     skipped: needs 'pi', which did not pass");
}

TEST(TextReport, ScoreLineAtTheEnd) {
  std::string out = render_text(sample(), Audience::Learner, false);
  EXPECT_TRUE(out.size() >= 12 && out.substr(out.size() - 12) == "\nScore: 2/5\n") << out;
  EXPECT_FALSE(contains(out, "all checks passed"));
}

TEST(TextReport, FullMarksSaySo) {
  Report r = sample();
  r.checks[1] = check("pi", CheckStatus::Passed, 3, 3, "ok");
  r.score = 5;
  r.passed = true;
  std::string out = render_text(r, Audience::Learner, false);
  EXPECT_TRUE(contains(out, "Score: 5/5  all checks passed\n")) << out;
}

TEST(TextReport, NoColourMeansNoEscapeSequences) {
  Report r = sample();
  r.checks[1].hint = "h";
  r.runs[0].result.status = RunStatus::NonzeroExit;
  std::string out = render_text(r, Audience::Learner, false);
  EXPECT_FALSE(contains(out, "\033")) << out;
}

TEST(TextReport, ColourPaintsMarksAndScore) {
  Report r = sample();
  r.checks.push_back(check("s", CheckStatus::Skipped, 0, 1, "skipped"));
  std::string out = render_text(r, Audience::Learner, true);
  EXPECT_TRUE(contains(out, "\033[32m✓\033[0m")) << out;
  EXPECT_TRUE(contains(out, "\033[31m✗\033[0m")) << out;
  EXPECT_TRUE(contains(out, "\033[33m-\033[0m")) << out;
  EXPECT_TRUE(contains(out, "\033[1mhello\033[0m")) << out;
  EXPECT_TRUE(contains(out, "\033[1mScore: 2/5\033[0m")) << out;
}

TEST(TextReport, LearnerEscapeSequencesAreShownEscaped) {
  Report r = sample();
  r.submission = "al\x1b]0;pwned\aice";
  r.checks[1].message = "found \x1b[2J3.0\rX";
  r.checks[1].hint = "hint\x1b[31m";
  r.checks[1].title = "p\x1bi";
  std::string out = render_text(r, Audience::Learner, false);
  EXPECT_FALSE(contains(out, "\x1b")) << out;
  EXPECT_FALSE(contains(out, "\r")) << out;
  EXPECT_FALSE(contains(out, "\a")) << out;
  EXPECT_TRUE(contains(out, "(al\\x1B]0;pwned\\x07ice)")) << out;
  EXPECT_TRUE(contains(out, "found \\x1B[2J3.0\\x0DX")) << out;
  EXPECT_TRUE(contains(out, "hint: hint\\x1B[31m")) << out;
  EXPECT_TRUE(contains(out, "p\\x1Bi")) << out;
}

TEST(TextReport, LearnerEscapesStayEscapedWithColourOn) {
  Report r = sample();
  r.checks[1].message = "found \x1b[2J";
  std::string out = render_text(r, Audience::Learner, true);
  EXPECT_FALSE(contains(out, "\x1b[2J")) << out;
  EXPECT_TRUE(contains(out, "found \\x1B[2J")) << out;
}

TEST(TextReport, InvalidUtf8IsShownAsHexBytes) {
  Report r = sample();
  r.checks[1].message = std::string("found \xff\0!", 9);
  std::string out = render_text(r, Audience::Learner, false);
  EXPECT_TRUE(contains(out, "found \\xFF\\0!")) << out;
}

TEST(TextReport, LearnerSeesMessageNotDetail) {
  Report r = sample();
  r.checks[1].hidden = true;
  r.checks[1].message = "the value is wrong";
  r.checks[1].detail = "found 3.0, expected 3.14159";
  std::string learner = render_text(r, Audience::Learner, false);
  EXPECT_TRUE(contains(learner, "the value is wrong")) << learner;
  EXPECT_FALSE(contains(learner, "3.14159")) << learner;
  std::string teacher = render_text(r, Audience::Teacher, false);
  EXPECT_TRUE(contains(teacher, "found 3.0, expected 3.14159")) << teacher;
}

TEST(TextReport, RunThatEndedBadlyShowsHowAndItsLastStderrLines) {
  Report r = sample();
  RunSummary& s = r.runs[0];
  s.result.status = RunStatus::NonzeroExit;
  s.result.exit_code = 1;
  s.result.message = "exited with code 1";
  for (int i = 1; i <= 12; ++i) s.result.err.data += "line " + std::to_string(i) + "\n";
  std::string out = render_text(r, Audience::Learner, false);
  EXPECT_TRUE(contains(out, "\nrun 'main': exited with code 1\n  stderr, last lines:\n    | line 5\n"))
      << out;
  EXPECT_TRUE(contains(out, "    | line 12\n")) << out;
  EXPECT_FALSE(contains(out, "| line 4\n")) << out;  // only the last 8
}

TEST(TextReport, RunWithoutMessageShowsItsStatus) {
  Report r = sample();
  r.runs[0].result.status = RunStatus::Timeout;
  std::string out = render_text(r, Audience::Learner, false);
  EXPECT_TRUE(contains(out, "run 'main': timeout\n")) << out;
}

TEST(TextReport, RunsThatEndedOkAreNotListed) {
  Report r = sample();
  r.runs[0].result.err.data = "a warning\n";
  std::string out = render_text(r, Audience::Learner, false);
  EXPECT_FALSE(contains(out, "run 'main'")) << out;
  EXPECT_FALSE(contains(out, "a warning")) << out;
}

TEST(TextReport, StderrTailIsTerminalSafe) {
  Report r = sample();
  r.runs[0].result.status = RunStatus::Signaled;
  r.runs[0].result.err.data = "Traceback\x1b[8m\n";
  std::string out = render_text(r, Audience::Learner, false);
  EXPECT_FALSE(contains(out, "\x1b")) << out;
  EXPECT_TRUE(contains(out, "    | Traceback\\x1B[8m\n")) << out;
}

TEST(TextReport, HiddenRunStderrNeverReachesALearner) {
  Report r = sample();
  r.runs[0].hidden = true;
  r.runs[0].result.status = RunStatus::NonzeroExit;
  r.runs[0].result.message = "exited with code 1";
  r.runs[0].result.err.data = "AssertionError: expected 42\n";
  std::string learner = render_text(r, Audience::Learner, false);
  EXPECT_TRUE(contains(learner, "run 'main': exited with code 1")) << learner;
  EXPECT_FALSE(contains(learner, "expected 42")) << learner;
  EXPECT_FALSE(contains(learner, "stderr, last lines")) << learner;
  std::string teacher = render_text(r, Audience::Teacher, false);
  EXPECT_TRUE(contains(teacher, "| AssertionError: expected 42")) << teacher;
}

TEST(TextReport, SubmissionAndRunnerErrorsAreStated) {
  Report r = sample();
  r.submission_error = "link.py points out of the submission";
  r.runner_error = "ssh: connection refused";
  std::string out = render_text(r, Audience::Learner, false);
  EXPECT_TRUE(contains(out, "\nsubmission refused: link.py points out of the submission\n")) << out;
  EXPECT_TRUE(contains(out, "\nrunner error: ssh: connection refused\n")) << out;
}

TEST(TextReport, FractionalPointsAreShownNotRounded) {
  Report r = sample();
  r.checks = {check("part", CheckStatus::Failed, 1.5, 3, "half"),
              check("big", CheckStatus::Failed, 37.5, 50, "most"),
              check("third", CheckStatus::Failed, 1.0 / 3.0, 1, "a third")};
  r.score = 37.5;
  r.max_score = 50;
  std::string out = render_text(r, Audience::Learner, false);
  EXPECT_TRUE(contains(line_with(out, "half"), " 1.5/3 ")) << out;
  EXPECT_TRUE(contains(line_with(out, "most"), " 37.5/50 ")) << out;
  EXPECT_TRUE(contains(line_with(out, "a third"), " 0.33/1 ")) << out;
  EXPECT_TRUE(contains(out, "Score: 37.5/50\n")) << out;
}
