// The speedup check evaluated from RunResult data alone: the measure, ReFrame-style bounds, the
// reference solution's runs, and what it says when a time is missing. No process runs here.
#include "grader/checks/speedup_check.h"

#include <gtest/gtest.h>

#include "grader/checks/evaluate.h"

using namespace grader;

namespace {

RunResult timed(const std::string& id, double wall, double cpu) {
  RunResult r;
  r.id = id;
  r.status = RunStatus::Ok;
  r.exit_code = 0;
  r.wall_s = wall;
  r.cpu_s = cpu;
  return r;
}

SpeedupCheck wall_check(double value, std::optional<double> lower,
                        std::optional<double> upper = std::nullopt) {
  SpeedupCheck c;
  c.serial = "one";
  c.parallel = "many";
  c.value = value;
  c.lower = lower;
  c.upper = upper;
  return c;
}

RunResults runs_of(std::initializer_list<RunResult> list) {
  RunResults out;
  for (const RunResult& r : list) out[r.id] = r;
  return out;
}

RunResult as_reference(RunResult r) {
  r.id = reference_run_id(r.id);
  return r;
}

}  // namespace

TEST(SpeedupCheck, PassesWithinReFrameBounds) {
  SpeedupVerdict v =
      evaluate_speedup(wall_check(2.0, -0.3), runs_of({timed("one", 2.0, 2.0), timed("many", 1.1, 2.1)}));
  EXPECT_EQ(v.status, CheckStatus::Passed) << v.message;
  EXPECT_EQ(v.message, "speedup 1.82x ('one' 2.00 s, 'many' 1.10 s), within at least 1.40x");
}

TEST(SpeedupCheck, FailsBelowLowerBound) {
  SpeedupVerdict v =
      evaluate_speedup(wall_check(2.0, -0.3), runs_of({timed("one", 2.0, 2.0), timed("many", 1.9, 2.0)}));
  EXPECT_EQ(v.status, CheckStatus::Failed);
  EXPECT_EQ(v.message, "speedup 1.05x ('one' 2.00 s, 'many' 1.90 s), less than the expected at least 1.40x");
  EXPECT_EQ(v.safe, "speedup 1.05x ('one' 2.00 s, 'many' 1.90 s), not within the expected range");
}

TEST(SpeedupCheck, FailsAboveUpperBoundLikeASuperLinearFake) {
  SpeedupVerdict v = evaluate_speedup(wall_check(2.0, -0.3, 0.1),
                                      runs_of({timed("one", 4.0, 4.0), timed("many", 1.0, 2.0)}));
  EXPECT_EQ(v.status, CheckStatus::Failed);
  EXPECT_NE(v.message.find("more than the expected 1.40x to 2.20x"), std::string::npos) << v.message;
}

// A serial run that shared its core took longer than the CPU it needed: the CPU time counts, so
// a loaded machine cannot make a serial program look parallel.
TEST(SpeedupCheck, SerialTimeIsCpuTimeWhenTheRunWaitedForItsCore) {
  SpeedupVerdict v = evaluate_speedup(wall_check(1.0, -0.0, 0.5),
                                      runs_of({timed("one", 3.0, 1.0), timed("many", 1.0, 0.99)}));
  EXPECT_EQ(v.message.substr(0, 47), "speedup 1.00x ('one' 1.00 s of CPU in 3.00 s, '");
}

// A program that ignores "1 worker" and keeps 2 cores busy in the serial run: its CPU time is
// twice its wall time, so the wall time counts and it shows no speedup.
TEST(SpeedupCheck, SerialTimeIsWallTimeWhenTheSerialRunUsedSeveralCores) {
  SpeedupVerdict v =
      evaluate_speedup(wall_check(2.0, -0.3), runs_of({timed("one", 1.0, 2.0), timed("many", 1.0, 2.0)}));
  EXPECT_EQ(v.status, CheckStatus::Failed);
  EXPECT_EQ(v.message.substr(0, 14), "speedup 1.00x ");
}

TEST(SpeedupCheck, CpuMeasureReadsTheParallelRunAlone) {
  SpeedupCheck c;
  c.measure = SpeedupMeasure::Cpu;
  c.parallel = "many";
  c.value = 2;
  c.lower = -0.25;
  SpeedupVerdict threads = evaluate_speedup(c, runs_of({timed("many", 2.0, 2.02)}));
  EXPECT_EQ(threads.status, CheckStatus::Failed);
  EXPECT_EQ(threads.message,
            "1.01 cores busy (CPU 2.02 s in 2.00 s of 'many'), less than the expected at least 1.50");
  EXPECT_EQ(evaluate_speedup(c, runs_of({timed("many", 1.0, 1.9)})).status, CheckStatus::Passed);
}

TEST(SpeedupCheck, RelativeToTheReferenceSolution) {
  SpeedupCheck c = wall_check(1.0, -0.25);
  c.relative = true;
  RunResults runs = runs_of({timed("one", 2.0, 2.0), timed("many", 1.2, 2.1),
                             as_reference(timed("one", 2.0, 2.0)), as_reference(timed("many", 1.0, 2.0))});
  SpeedupVerdict v = evaluate_speedup(c, runs);
  EXPECT_EQ(v.status, CheckStatus::Passed) << v.message;
  EXPECT_EQ(
      v.message,
      "speedup 1.67x ('one' 2.00 s, 'many' 1.20 s), within at least 1.50x (value 1.00 times the reference "
      "solution's, lower -0.25); the reference solution measured 2.00x ('one' 2.00 s, 'many' 1.00 s) in "
      "this grading");
  runs["many"] = timed("many", 1.9, 2.0);
  EXPECT_EQ(evaluate_speedup(c, runs).status, CheckStatus::Failed);
}

// A loaded machine slows the reference too: when even the solution shows no speedup, the check
// is skipped as unavailable, never failed nor passed.
TEST(SpeedupCheck, UnavailableWhenTheReferenceFallsShortOfMinReference) {
  SpeedupCheck c = wall_check(1.0, -0.25);
  c.relative = true;
  c.min_reference = 1.45;
  RunResults runs = runs_of({timed("one", 2.0, 2.0), timed("many", 2.0, 2.0),
                             as_reference(timed("one", 2.0, 2.0)), as_reference(timed("many", 1.6, 2.0))});
  SpeedupVerdict v = evaluate_speedup(c, runs);
  EXPECT_EQ(v.status, CheckStatus::Skipped);
  EXPECT_TRUE(v.unavailable);
  EXPECT_NE(
      v.message.find("the reference solution reached only 1.25x ('one' 2.00 s, 'many' 1.60 s) here, and "
                     "must reach 1.45"),
      std::string::npos)
      << v.message;
}

TEST(SpeedupCheck, ErrorWhenTheReferenceWasNotRun) {
  SpeedupCheck c = wall_check(1.0, -0.25);
  c.relative = true;
  SpeedupVerdict v = evaluate_speedup(c, runs_of({timed("one", 2.0, 2.0), timed("many", 1.0, 2.0)}));
  EXPECT_EQ(v.status, CheckStatus::Error);
  EXPECT_EQ(v.message,
            "no speedup measured: the reference solution was not run in this grading (run 'one' did not take "
            "place)");
}

TEST(SpeedupCheck, ErrorWhenTheReferenceSolutionItselfFailed) {
  SpeedupCheck c = wall_check(1.0, -0.25);
  c.relative = true;
  RunResult crashed = as_reference(timed("many", 0.1, 0.1));
  crashed.status = RunStatus::NonzeroExit;
  crashed.message = "exited with code 1";
  SpeedupVerdict v = evaluate_speedup(c, runs_of({timed("one", 2.0, 2.0), timed("many", 1.0, 2.0),
                                                  as_reference(timed("one", 2.0, 2.0)), crashed}));
  EXPECT_EQ(v.status, CheckStatus::Error) << "the exercise's fault, not the learner's";
  EXPECT_EQ(v.message,
            "no speedup measured: the reference solution's run 'many' did not complete (exited with "
            "code 1), so its time says nothing");
}

TEST(SpeedupCheck, FailsWhenTheLearnersRunDidNotComplete) {
  RunResult timeout = timed("many", 60, 60);
  timeout.status = RunStatus::Timeout;
  timeout.message = "timed out after 60s";
  SpeedupVerdict v = evaluate_speedup(wall_check(2.0, -0.3), runs_of({timed("one", 2.0, 2.0), timeout}));
  EXPECT_EQ(v.status, CheckStatus::Failed);
  EXPECT_EQ(
      v.message,
      "no speedup measured: run 'many' did not complete (timed out after 60s), so its time says nothing");
}

TEST(SpeedupCheck, UnavailableWhenARunWasSkippedHere) {
  RunResult skipped;
  skipped.id = "one";
  skipped.status = RunStatus::Skipped;
  skipped.message = "needs a cluster";
  SpeedupVerdict v = evaluate_speedup(wall_check(2.0, -0.3), runs_of({skipped, timed("many", 1.0, 2.0)}));
  EXPECT_EQ(v.status, CheckStatus::Skipped);
  EXPECT_TRUE(v.unavailable);
}

// Through evaluate_check: points, the unavailable flag, and a hidden check's message.
TEST(SpeedupCheck, EvaluateCheckGivesPointsAndHidesBounds) {
  CheckSpec spec;
  spec.id = "speedup";
  spec.run = "many";
  spec.points = 3;
  spec.kind = wall_check(2.0, -0.3);
  RunResults runs = runs_of({timed("one", 2.0, 2.0), timed("many", 1.0, 2.0)});
  CheckResult shown = evaluate_check(spec, runs, false);
  EXPECT_EQ(shown.status, CheckStatus::Passed);
  EXPECT_EQ(shown.points, 3);
  CheckResult hidden = evaluate_check(spec, runs, true);
  EXPECT_EQ(hidden.message, "speedup 2.00x ('one' 2.00 s, 'many' 1.00 s), within the expected range");
  EXPECT_NE(hidden.detail.find("at least 1.40x"), std::string::npos);

  SpeedupCheck rel = wall_check(1.0, -0.25);
  rel.relative = true;
  rel.min_reference = 1.5;
  spec.kind = rel;
  runs[reference_run_id("one")] = timed("one", 1.0, 1.0);
  runs[reference_run_id("many")] = timed("many", 1.0, 1.0);
  CheckResult unavailable = evaluate_check(spec, runs, false);
  EXPECT_EQ(unavailable.status, CheckStatus::Skipped);
  EXPECT_TRUE(unavailable.unavailable);
  EXPECT_EQ(unavailable.points, 0);
}

// The course's "serial in disguise" on a loaded machine: the same work took 1.30 s of CPU in the
// 1-worker run and 1.00 s in the other, so the times alone say 1.30x; its one busy core says no.
TEST(SpeedupCheck, CpuBoundCreditsNoMoreThanTheCoresKeptBusy) {
  SpeedupCheck c = wall_check(1.6, -0.25);
  c.cpu_bound = true;
  SpeedupVerdict v = evaluate_speedup(c, runs_of({timed("one", 1.40, 1.30), timed("many", 1.00, 1.01)}));
  EXPECT_EQ(v.status, CheckStatus::Failed) << v.message;
  EXPECT_EQ(
      v.message,
      "speedup 1.01x, credited as far as 'many' kept cores busy (1.01 cores; the times alone give 1.30x "
      "('one' 1.30 s of CPU in 1.40 s, 'many' 1.00 s)), less than the expected at least 1.20x");
  c.cpu_bound = false;
  EXPECT_EQ(evaluate_speedup(c, runs_of({timed("one", 1.40, 1.30), timed("many", 1.00, 1.01)})).status,
            CheckStatus::Passed);
}

TEST(SpeedupCheck, CpuBoundLeavesARealSpeedupAsMeasured) {
  SpeedupCheck c = wall_check(1.6, -0.25);
  c.cpu_bound = true;
  SpeedupVerdict v = evaluate_speedup(c, runs_of({timed("one", 2.0, 2.0), timed("many", 1.1, 2.1)}));
  EXPECT_EQ(v.status, CheckStatus::Passed) << v.message;
  EXPECT_EQ(v.message, "speedup 1.82x ('one' 2.00 s, 'many' 1.10 s), within at least 1.20x");
}

// The course's hard-coded Pool(2): its "1 worker" run is as parallel as the other. On a loaded
// machine its wall time grew while the other's did not, and the times alone showed 1.55x.
TEST(SpeedupCheck, CpuBoundFailsASerialRunThatKeptSeveralCoresBusy) {
  SpeedupCheck c = wall_check(1.6, -0.25);
  c.cpu_bound = true;
  SpeedupVerdict v = evaluate_speedup(c, runs_of({timed("one", 0.70, 0.91), timed("many", 0.45, 0.90)}));
  EXPECT_EQ(v.status, CheckStatus::Failed) << v.message;
  EXPECT_EQ(
      v.message,
      "no speedup: 'one' kept 1.30 cores busy (CPU 0.91 s in 0.70 s): a serial run keeps one, so it did "
      "not run serially, and no speedup can be measured against it");
  EXPECT_EQ(evaluate_speedup(c, runs_of({timed("one", 0.90, 0.95), timed("many", 0.50, 0.98)})).status,
            CheckStatus::Passed)
      << "a parent that starts a pool of one keeps a little more than one core busy";
}

TEST(SpeedupCheck, CpuBoundReferenceWhoseSerialRunWasParallelIsAnError) {
  SpeedupCheck c = wall_check(1.0, -0.2);
  c.cpu_bound = true;
  c.relative = true;
  SpeedupVerdict v = evaluate_speedup(
      c, runs_of({timed("one", 1.0, 1.0), timed("many", 0.55, 1.0), as_reference(timed("one", 0.5, 1.0)),
                  as_reference(timed("many", 0.5, 1.0))}));
  EXPECT_EQ(v.status, CheckStatus::Error) << v.message;
  EXPECT_EQ(v.message.rfind("no speedup measured: the reference solution's 'one' kept 2.00 cores busy", 0),
            0u)
      << v.message;
}
