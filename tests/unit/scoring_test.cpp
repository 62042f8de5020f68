// Scoring: needs, totals, hidden runs; and the report formats built from a scored report.
#include "grader/grading/scoring.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "grader/report/formats.h"
#include "grader/util/text.h"

using namespace grader;

namespace {

Rubric two_check_rubric() {
  Rubric r;
  r.exercise = "ex";
  RunSpec run;
  run.id = "main";
  run.command = {"python3", "x.py"};
  r.runs.push_back(run);
  CheckSpec exit;
  exit.id = "exit";
  exit.run = "main";
  exit.points = 1;
  exit.kind = ExitCodeCheck{0};
  CheckSpec out;
  out.id = "out";
  out.run = "main";
  out.points = 3;
  out.needs = {"exit"};
  out.kind = OutputCheck{Stream::Stdout, "", TextMatch{MatchKind::Contains, "42"}};
  r.checks = {exit, out};
  return r;
}

RunResults one_run(int code, std::string out) {
  RunResult r;
  r.id = "main";
  r.exit_code = code;
  r.status = code == 0 ? RunStatus::Ok : RunStatus::NonzeroExit;
  r.out.data = std::move(out);
  return {{"main", r}};
}

}  // namespace

TEST(Scoring, FullMarksWhenAllPass) {
  auto s = score_checks(two_check_rubric(), one_run(0, "42\n"));
  EXPECT_DOUBLE_EQ(s.score, 4);
  EXPECT_DOUBLE_EQ(s.max_score, 4);
  EXPECT_TRUE(s.full_marks());
}

TEST(Scoring, UnmetNeedSkipsWithReason) {
  auto s = score_checks(two_check_rubric(), one_run(1, "42\n"));
  ASSERT_EQ(s.checks.size(), 2u);
  EXPECT_EQ(s.checks[1].status, CheckStatus::Skipped);
  EXPECT_EQ(s.checks[1].message, "skipped: needs 'exit', which did not pass");
  EXPECT_DOUBLE_EQ(s.score, 0);
  EXPECT_FALSE(s.full_marks());
}

TEST(Scoring, ChecksOnHiddenRunAreHidden) {
  Rubric r = two_check_rubric();
  r.runs[0].hidden = true;
  auto s = score_checks(r, one_run(0, "nope\n"));
  EXPECT_TRUE(s.checks[1].hidden);
  EXPECT_EQ(s.checks[1].message.find("42"), std::string::npos) << s.checks[1].message;
}

TEST(Scoring, ChecksOfASkippedRunAreUnavailableWithItsReason) {
  RunResult skipped;
  skipped.id = "main";
  skipped.status = RunStatus::Skipped;
  skipped.message = "needs a cluster: run 'main' is a Slurm job and no --runner was given";
  auto s = score_checks(two_check_rubric(), {{"main", skipped}});
  ASSERT_EQ(s.checks.size(), 2u);
  EXPECT_EQ(s.checks[0].status, CheckStatus::Skipped);
  EXPECT_TRUE(s.checks[0].unavailable);
  EXPECT_EQ(s.checks[0].message,
            "skipped: needs a cluster: run 'main' is a Slurm job and no --runner was given");
  EXPECT_DOUBLE_EQ(s.max_score, 4) << "points not run are still part of the total";
  EXPECT_DOUBLE_EQ(s.score, 0);
}

TEST(Scoring, ANeedThisRunnerCouldNotCheckMakesTheCheckUnavailableToo) {
  // `out` needs `exit`; `exit` grades a run that never started, so `out` is not the learner's loss.
  Rubric r = two_check_rubric();
  RunSpec job;
  job.id = "job";
  job.jobscript = "job.sh";
  r.runs.push_back(job);
  r.checks[0].run = "job";
  RunResults runs = one_run(0, "42\n");
  runs["job"].id = "job";
  runs["job"].status = RunStatus::Skipped;
  runs["job"].message = "needs a cluster";
  auto s = score_checks(r, runs);
  EXPECT_TRUE(s.checks[0].unavailable);
  EXPECT_EQ(s.checks[1].status, CheckStatus::Skipped);
  EXPECT_TRUE(s.checks[1].unavailable);
  EXPECT_EQ(s.checks[1].message, "skipped: needs 'exit', which this runner could not check: needs a cluster");
}

TEST(Scoring, ANeedThatFailedKeepsTheCheckTheLearnersLoss) {
  // `both` needs a check that failed and one this runner could not check: the failure decides.
  Rubric r = two_check_rubric();
  RunSpec job;
  job.id = "job";
  job.jobscript = "job.sh";
  r.runs.push_back(job);
  CheckSpec on_job;
  on_job.id = "on-job";
  on_job.run = "job";
  on_job.kind = ExitCodeCheck{0};
  CheckSpec both;
  both.id = "both";
  both.run = "main";
  both.needs = {"on-job", "exit"};
  both.kind = ExitCodeCheck{0};
  r.checks = {r.checks[0], on_job, both};
  RunResults runs = one_run(1, "");
  runs["job"].status = RunStatus::Skipped;
  runs["job"].message = "needs a cluster";
  auto s = score_checks(r, runs);
  ASSERT_EQ(s.checks.size(), 3u);
  EXPECT_EQ(s.checks[0].status, CheckStatus::Failed);
  EXPECT_TRUE(s.checks[1].unavailable);
  EXPECT_FALSE(s.checks[2].unavailable);
  EXPECT_EQ(s.checks[2].message, "skipped: needs 'on-job', 'exit', which did not pass");
}

TEST(Scoring, UnrunnableGivesErrorForEveryCheck) {
  auto s = score_unrunnable(two_check_rubric(), "submission refused: x");
  for (const auto& c : s.checks) EXPECT_EQ(c.status, CheckStatus::Error);
  EXPECT_DOUBLE_EQ(s.max_score, 4);
  EXPECT_DOUBLE_EQ(s.score, 0);
}

namespace {

Report sample_report(std::string out) {
  Rubric rubric = two_check_rubric();
  RunResults runs = one_run(0, out);
  auto s = score_checks(rubric, runs);
  Report rep;
  rep.exercise = "ex";
  rep.submission = "alice";
  rep.checks = s.checks;
  rep.score = s.score;
  rep.max_score = s.max_score;
  rep.passed = s.full_marks();
  rep.runner = {"local", "process", {"pgroup", "rlimits"}, "", ""};
  rep.runs.push_back({runs.at("main"), {"python3", "x.py"}, false});
  return rep;
}

}  // namespace

TEST(JsonReport, CarriesTheContractFields) {
  auto j = nlohmann::json::parse(render_json(sample_report("42\n"), Audience::Learner));
  EXPECT_EQ(j["schema"], "grader-report/1");
  EXPECT_EQ(j["exercise"], "ex");
  EXPECT_EQ(j["submission"], "alice");
  EXPECT_EQ(j["score"], 4.0);
  EXPECT_EQ(j["max_score"], 4.0);
  EXPECT_EQ(j["passed"], true);
  EXPECT_EQ(j["runner"]["executor"], "process");
  EXPECT_EQ(j["checks"][0]["status"], "passed");
  EXPECT_EQ(j["checks"][0]["hint"], nullptr);
  EXPECT_EQ(j["runs"][0]["status"], "ok");
  EXPECT_EQ(j["runs"][0]["exit_code"], 0);
  EXPECT_EQ(j["runs"][0]["signal"], nullptr);
  EXPECT_TRUE(j["runs"][0].contains("stdout_truncated"));
  EXPECT_FALSE(j["checks"][0].contains("detail"));
}

TEST(JsonReport, InvalidUtf8OutputStaysValidJson) {
  std::string out("\xff\xfe bad \x80\0 bytes 42\n", 17);
  std::string text = render_json(sample_report(out), Audience::Teacher);
  EXPECT_TRUE(is_valid_utf8(text));
  auto j = nlohmann::json::parse(text);  // throws if invalid
  EXPECT_NE(j["runs"][0]["stdout"].get<std::string>().find("\\xFF\\xFE"), std::string::npos);
}

TEST(JsonReport, HiddenRunOutputOnlyForTeachers) {
  Report rep = sample_report("secret 42\n");
  rep.runs[0].hidden = true;
  auto learner = nlohmann::json::parse(render_json(rep, Audience::Learner));
  EXPECT_EQ(learner["runs"][0]["stdout"], nullptr);
  EXPECT_EQ(learner["runs"][0]["command"], nullptr);
  auto teacher = nlohmann::json::parse(render_json(rep, Audience::Teacher));
  EXPECT_EQ(teacher["runs"][0]["stdout"], "secret 42\n");
}

TEST(TextReport, MarksEachCheckAndTotals) {
  auto text = render_text(sample_report("41\n"), Audience::Learner, false);
  EXPECT_NE(text.find("✓ exit"), std::string::npos) << text;
  EXPECT_NE(text.find("✗ out"), std::string::npos) << text;
  EXPECT_NE(text.find("Score: 1/4"), std::string::npos) << text;
  EXPECT_EQ(text.find("\033["), std::string::npos) << "no colour when asked for none";
}

TEST(TextReport, LearnerEscapeSequencesCannotDriveTheTerminal) {
  Report rep = sample_report("\x1b]0;pwned\x07\x1b[2J41\n");
  rep.runs[0].result.status = RunStatus::NonzeroExit;
  rep.runs[0].result.err.data = "\x1b[31mTraceback\n";
  auto text = render_text(rep, Audience::Teacher, false);
  EXPECT_EQ(text.find('\x1b'), std::string::npos) << text;
  EXPECT_NE(text.find("\\x1B[31mTraceback"), std::string::npos) << text;
}

TEST(TextReport, ColourOnlyWhenAsked) {
  EXPECT_NE(render_text(sample_report("42\n"), Audience::Learner, true).find("\033[32m"), std::string::npos);
}

TEST(GradescopeReport, HasScoreAndTests) {
  auto j = nlohmann::json::parse(render_gradescope(sample_report("41\n")));
  EXPECT_EQ(j["score"], 1.0);
  EXPECT_EQ(j["max_score"], 4.0);
  ASSERT_EQ(j["tests"].size(), 2u);
  EXPECT_EQ(j["tests"][1]["status"], "failed");
  EXPECT_EQ(j["tests"][1]["visibility"], "visible");
}

TEST(JunitReport, CountsFailuresAndEscapes) {
  Report rep = sample_report("<&>\n");
  auto xml = render_junit({rep}, "x");
  EXPECT_NE(xml.find("tests=\"2\" failures=\"1\""), std::string::npos) << xml;
  EXPECT_NE(xml.find("&lt;&amp;&gt;"), std::string::npos) << xml;
  EXPECT_EQ(xml.find("<&>"), std::string::npos);
}
