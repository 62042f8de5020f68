// Timing again what a failed speedup check measured. A timing on a shared machine is only ever
// too slow, never too fast: so when a speedup check fails, the runs it compares are run once more
// and each keeps its faster attempt. A serial program gains nothing by it (with `cpu_bound` its
// credit is capped by the cores it kept busy), while a parallel one that lost to a burst of
// other work gets a fair second measurement.
#pragma once

#include <string>
#include <vector>

#include "grader/grading/scoring.h"
#include "grader/rubric/model.h"
#include "grader/run/run_result.h"

namespace grader {

// How many attempts a run that a failed speedup check compares gets in all.
inline constexpr int kSpeedupAttempts = 2;

// The runs that the rubric's failed speedup checks compare, in the rubric's order: only of checks
// that failed on the measure, with every run they read ok (a run that crashed is not timed
// again, and its other checks keep what it did).
std::vector<std::string> runs_to_retime(const Rubric& rubric, const Score& score, const RunResults& results);

// Keeps in `kept` the faster of it and `again`, another attempt of the same run, when both
// completed (ok) and `again` in less wall time; counts the attempt either way.
void keep_faster(RunResult& kept, RunResult again);

}  // namespace grader
