// Scoring: evaluates every check in dependency order, turns unmet `needs` into `skipped` with the
// reason, and totals the points. Pure.
#pragma once

#include <vector>

#include "grader/checks/evaluate.h"
#include "grader/rubric/model.h"

namespace grader {

struct Score {
  std::vector<CheckResult> checks;  // in rubric order
  double score = 0;
  double max_score = 0;
  bool full_marks() const;
};

Score score_checks(const Rubric& rubric, const RunResults& runs);

// The same, for a grading that could not start (refused submission, failed set-up): every check
// is `error` with `reason`, scoring 0 of its points.
Score score_unrunnable(const Rubric& rubric, const std::string& reason);

}  // namespace grader
