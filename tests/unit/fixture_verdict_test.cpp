// A fixture's verdict (grader/repo/fixture_verdict): exact when every run started, as
// `grader validate` has always compared; with runs skipped for want of a cluster, the checks of
// those runs are "not run here", their declared statuses are left alone, and the declared score
// must be reachable with their points.
#include "grader/repo/fixture_verdict.h"

#include <gtest/gtest.h>

using namespace grader;

namespace {

CheckResult check(std::string id, CheckStatus status, double points, double max_points) {
  CheckResult c;
  c.id = std::move(id);
  c.status = status;
  c.points = points;
  c.max_points = max_points;
  c.message = status == CheckStatus::Passed ? "ok" : "wrong";
  return c;
}

CheckResult not_run(std::string id, double max_points, std::string why = "needs a cluster: no --runner") {
  CheckResult c = check(std::move(id), CheckStatus::Skipped, 0, max_points);
  c.unavailable = true;
  c.message = "skipped: " + why;
  return c;
}

// A grading of the batch-script shape: two static checks, two on a job that never started.
Report without_cluster() {
  Report r;
  r.checks = {check("directives", CheckStatus::Passed, 4, 4), check("modules", CheckStatus::Failed, 1, 2),
              not_run("completes", 2), not_run("product", 2)};
  r.score = 5;
  r.max_score = 10;
  RunSummary job;
  job.result.id = "job";
  job.result.status = RunStatus::Skipped;
  r.runs.push_back(job);
  return r;
}

Fixture declared(double score, std::map<std::string, std::string> statuses = {}) {
  Fixture f;
  f.name = "x";
  f.score = score;
  f.check_status = std::move(statuses);
  return f;
}

}  // namespace

TEST(FixtureVerdict, CompleteGradingIsComparedExactlyAsBefore) {
  Report r = without_cluster();
  r.runs[0].result.status = RunStatus::Ok;
  r.checks[2] = check("completes", CheckStatus::Passed, 2, 2);
  r.checks[3] = check("product", CheckStatus::Failed, 0, 2);
  r.score = 7;
  Fixture f = declared(7, {{"modules", "failed"}});
  f.description = "loads the module late";
  FixtureVerdict v = compare_fixture(r, f);
  EXPECT_TRUE(v.ok);
  EXPECT_EQ(v.message, "scores 7/10 as declared (loads the module late)");
  EXPECT_EQ(v.not_run, 0u);

  FixtureVerdict off = compare_fixture(r, declared(6, {{"modules", "passed"}, {"gone", "failed"}}));
  EXPECT_FALSE(off.ok);
  EXPECT_EQ(off.message,
            "scored 7/10, declared 6; check 'gone' absent, declared failed; check 'modules' failed, "
            "declared passed");
}

TEST(FixtureVerdict, UnavailableChecksWithEveryRunStartedAreComparedExactly) {
  // No conda on this runner: the run started and said so; the fixture declares that score.
  Report r = without_cluster();
  r.runs[0].result.status = RunStatus::Ok;
  r.checks[2].message = "skipped: no conda on this runner";
  EXPECT_TRUE(checks_not_run(r).empty());
  EXPECT_FALSE(compare_fixture(r, declared(7)).ok) << "the points of unavailable checks are not assumed";
  EXPECT_TRUE(compare_fixture(r, declared(5)).ok);
}

TEST(FixtureVerdict, ChecksOfASkippedRunAreNotRunHere) {
  EXPECT_EQ(checks_not_run(without_cluster()), (std::vector<std::string>{"completes", "product"}));
}

TEST(FixtureVerdict, StaticChecksScoringAsDeclaredPassAndSayWhatWasNotRun) {
  FixtureVerdict v = compare_fixture(without_cluster(), declared(5, {{"modules", "failed"}}));
  EXPECT_TRUE(v.ok) << v.message;
  EXPECT_EQ(v.not_run, 2u);
  EXPECT_EQ(
      v.message,
      "the checks run here score as declared (5/10); not run here: completes, product (needs a cluster: "
      "no --runner)");
}

TEST(FixtureVerdict, DeclaredScoreMayCountPointsOfChecksNotRun) {
  FixtureVerdict v = compare_fixture(without_cluster(), declared(7, {{"completes", "passed"}}));
  EXPECT_TRUE(v.ok) << v.message;
  EXPECT_EQ(
      v.message,
      "the checks run here score as declared (5/10; the declared 7 counts 2 points of the checks not run "
      "here); not run here: completes, product (needs a cluster: no --runner)");
}

TEST(FixtureVerdict, DeclaredStatusesOfChecksNotRunAreNotCompared) {
  EXPECT_TRUE(
      compare_fixture(without_cluster(), declared(5, {{"completes", "error"}, {"product", "failed"}})).ok);
}

TEST(FixtureVerdict, AStaticCheckOtherThanDeclaredIsStillCaught) {
  FixtureVerdict v = compare_fixture(without_cluster(), declared(5, {{"modules", "passed"}}));
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.message,
            "check 'modules' failed, declared passed; not run here: completes, product (needs a cluster: no "
            "--runner)");
}

TEST(FixtureVerdict, ADeclaredScoreOutOfReachIsCaught) {
  // 5 here, and the two checks not run can add at most 4.
  FixtureVerdict high = compare_fixture(without_cluster(), declared(9.5));
  EXPECT_FALSE(high.ok);
  EXPECT_EQ(high.message.substr(0, high.message.find(';')),
            "scored 5/10 on the checks run here, and at most 9 with those not run here");
  // Declared skipped: that check adds nothing, so 9 is out of reach too.
  EXPECT_FALSE(compare_fixture(without_cluster(), declared(9, {{"product", "skipped"}})).ok);
  EXPECT_TRUE(compare_fixture(without_cluster(), declared(9)).ok);
}

TEST(FixtureVerdict, ADeclaredScoreBelowWhatDeclaredPassesGiveIsCaught) {
  // Declared passed, `completes` brings its 2 points: the score cannot be 5.
  FixtureVerdict low = compare_fixture(without_cluster(), declared(5, {{"completes", "passed"}}));
  EXPECT_FALSE(low.ok);
  EXPECT_EQ(
      low.message.substr(0, low.message.find(';')),
      "scored 5/10 on the checks run here, and at least 7 with those not run here that are declared passed");
}

TEST(FixtureVerdict, ChecksNotRunAreGroupedByTheirReason) {
  Report r = without_cluster();
  r.checks.push_back(not_run("solves", 1, "no conda on this runner"));
  CheckResult chained = not_run("after", 1);
  chained.message =
      "skipped: needs 'completes', which this runner could not check: needs a cluster: no --runner";
  r.checks.push_back(chained);
  EXPECT_EQ(describe_not_run(r, checks_not_run(r)),
            "completes, product, after (needs a cluster: no --runner); solves (no conda on this runner)");
}

TEST(FixtureVerdict, SkippedIsARunStatusOfItsOwn) {
  EXPECT_EQ(to_string(RunStatus::Skipped), "skipped");
}

// A speedup that even the reference solution did not show (a loaded machine): the fixture's
// declared "failed" is neither confirmed nor contradicted, and its points stay reachable.
TEST(FixtureVerdict, AVerdictDeclaredForACheckUnavailableNowIsNotRunHere) {
  Report r;
  r.checks = {check("value", CheckStatus::Passed, 2, 2),
              not_run("speedup", 3,
                      "this runner cannot show the effect now: the reference solution reached only 1.1x")};
  r.score = 2;
  r.max_score = 5;
  RunSummary run;
  run.result.id = "all-cores";
  run.result.status = RunStatus::Ok;
  r.runs.push_back(run);
  FixtureVerdict v = compare_fixture(r, declared(2, {{"speedup", "failed"}}));
  EXPECT_TRUE(v.ok) << v.message;
  EXPECT_EQ(v.not_run, 1u);
  EXPECT_NE(v.message.find("not run here: speedup (this runner cannot show the effect now"),
            std::string::npos)
      << v.message;
  EXPECT_FALSE(compare_fixture(r, declared(6, {{"speedup", "failed"}})).ok) << "more than all the points";
  EXPECT_FALSE(compare_fixture(r, declared(5)).ok) << "declared nothing for it: compared exactly, as before";
}

// CI's loaded machine, in the parallel exercise's hardcoded-workers shape: the fixture declares
// speedup failed and counts cores-busy's 2 points in its 9 without naming it. Both timed checks
// could not be measured; the 7 points checked leave 9 within reach.
TEST(FixtureVerdict, AnUndeclaredTimedCheckUnavailableNowIsNotRunHere) {
  Report r;
  const std::string why = "this runner cannot show the effect now: the reference solution reached only 1.36x";
  r.checks = {check("value", CheckStatus::Passed, 7, 7), not_run("speedup", 3, why),
              not_run("cores-busy", 2, why)};
  r.score = 7;
  r.max_score = 12;
  RunSummary run;
  run.result.id = "all-cores";
  run.result.status = RunStatus::Ok;
  r.runs.push_back(run);
  const std::set<std::string> timed = {"speedup", "cores-busy"};
  FixtureVerdict v = compare_fixture(r, declared(9, {{"speedup", "failed"}}), timed);
  EXPECT_TRUE(v.ok) << v.message;
  EXPECT_EQ(v.not_run, 2u);
  EXPECT_TRUE(compare_fixture(r, declared(9), timed).ok) << "neither declared: both timed, both not run";
  EXPECT_FALSE(compare_fixture(r, declared(9)).ok) << "not timed there: their points are not assumed";
  EXPECT_FALSE(compare_fixture(r, declared(6, {{"speedup", "failed"}}), timed).ok)
      << "below what the checks run here scored";
}
