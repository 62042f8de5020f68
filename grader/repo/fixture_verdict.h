// How a fixture's grading compares with what its expected.toml declares: `grader validate`'s
// verdict on one fixture. Pure, so that every wording and every bound is unit-tested.
//
// Usually the comparison is exact: the score and every declared check status. When some runs
// could not take place on this runner (a Slurm job, and no --runner), the checks of those runs
// are "not run here": their declared statuses are not compared, and the declared score must be
// reachable from what was checked, with the points the checks not run here could still add.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "grader/repo/fixtures.h"
#include "grader/report/report.h"

namespace grader {

struct FixtureVerdict {
  bool ok = false;
  std::string message;      // "scores 3/8 as declared", or what differs
  std::size_t not_run = 0;  // checks not run on this runner (0 with a complete grading)
};

// The checks of `report` that this runner could not run because a run of theirs never started
// (RunStatus::Skipped): every check marked unavailable, once any run was skipped; none otherwise,
// so that a grading with every run started is compared exactly as before.
std::vector<std::string> checks_not_run(const Report& report);

// `timed`: the ids of the rubric's timed (speedup) checks. Whether one of those can be measured
// depends on the machine's load at that moment, not on the runner, so when one is unavailable it
// counts as not run here whether or not the fixture declares its status; other unavailable checks
// (no conda on this runner) are the runner's steady state, and a fixture declares its score with
// them unavailable.
FixtureVerdict compare_fixture(const Report& report, const Fixture& fixture,
                               const std::set<std::string>& timed = {});

// "job-completes, product (needs a cluster: ...)": the unavailable checks grouped by the reason
// they give, for the line that says what was not checked.
std::string describe_not_run(const Report& report, const std::vector<std::string>& ids);

}  // namespace grader
