// The reference solution's runs that relative speedup checks compare a submission with
// (`speedup = { ..., reference = "solution" }`): the exercise's solution/ graded through the same
// executor, its runs kept among the submission's results and in its report as hidden runs
// "@reference:ID", so the report says what the reference measured and a regrade re-scores them.
//
// Measured where it is needed and shared, not paid per submission: one ReferenceRuns serves
// every submission a grading thread grades, and measures again when its last measurement is
// older than `max_age_s` (a class graded with --jobs N keeps one per thread: each measured under
// the same N-fold concurrency as the submissions it is compared with). A reused measurement
// never fails anyone: when a relative speedup check does not pass against one, the reference is
// measured again at once and the submission scored against that (add_reference_runs).
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "grader/grading/grade.h"
#include "grader/grading/scoring.h"

namespace grader {

inline constexpr double kReferenceMaxAge = 60.0;  // seconds

class ReferenceRuns {
 public:
  // `rubric` as loaded (grading fills in its runner values); `solution` the exercise's solution
  // directory; `executor` and `base` those the submissions are graded with.
  ReferenceRuns(const Rubric& rubric, std::filesystem::path solution, Executor& executor, GradeOptions base,
                double max_age_s = kReferenceMaxAge);

  // The reference's runs as hidden "@reference:ID" summaries: reused while fresh (or measured
  // now with `now`). A reference that cannot run (no solution/, a refused grading) gives runner
  // errors.
  std::vector<RunSummary> runs(bool now = false);

  // Whether the last runs() reused an earlier measurement.
  bool reused() const { return reused_; }

  // How many times it has measured (for tests and the class summary).
  int measurements() const { return measurements_; }

 private:
  std::vector<RunSummary> measure();

  Rubric rubric_;  // the reference runs only, no checks
  std::filesystem::path solution_;
  Executor& executor_;
  GradeOptions base_;
  double max_age_s_;
  std::vector<RunSummary> cached_;
  std::optional<std::chrono::steady_clock::time_point> measured_at_;
  int measurements_ = 0;
  bool reused_ = false;
};

// Puts the reference's runs into a submission's `results` and `report` (replacing any there) and
// scores it. `rubric` is the resolved one.
Score score_against(const Rubric& rubric, const std::vector<RunSummary>& reference, RunResults& results,
                    Report& report);

// Whether a relative speedup check did not pass: against a reused measurement, the reference is
// then measured again and the submission scored against that (grade.cpp).
bool relative_speedup_short(const Rubric& rubric, const Score& score);

// The runs that the rubric's speedup checks compare, of those checks (by index) for which
// `which` holds, in the rubric's order.
std::vector<std::string> speedup_run_ids(const Rubric& rubric,
                                         const std::function<bool(std::size_t, const SpeedupCheck&)>& which);

// The runs that the rubric's relative speedup checks name, in the rubric's order.
std::vector<std::string> reference_run_ids(const Rubric& rubric);

// A ReferenceRuns for the exercise in `exercise_dir` (its solution/), or null when no check of
// the rubric is relative to the solution.
std::unique_ptr<ReferenceRuns> make_reference_runs(const Rubric& rubric,
                                                   const std::filesystem::path& exercise_dir,
                                                   Executor& executor, const GradeOptions& base);

}  // namespace grader
