// The numbers of a class that the overview page shows: the score summary and histogram, and per
// rubric check how many passed and the messages of those that did not. Pure.
//
// A runner error says nothing about the learner (the machine failed, not their code), so those
// reports are counted apart: they are left out of the mean, the median, the score bins and the
// check tallies, and shown as their own bar beside the histogram.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "grader/report/class_report.h"
#include "grader/rubric/model.h"

namespace grader {

// Scores from lo up to (not including) hi; the last bin also holds hi, full marks.
struct ScoreBin {
  double lo = 0;
  double hi = 0;
  std::string label;  // "3" (points) or "90–100%"
  std::size_t count = 0;
};

struct ClassSummary {
  std::size_t submissions = 0;
  std::size_t scored = 0;  // submissions but runner errors
  std::size_t full_marks = 0;
  std::size_t runner_errors = 0;
  std::size_t refused = 0;  // submission errors: graded failures, so scored too
  double max_score = 0;     // the rubric's
  std::optional<double> mean;
  std::optional<double> median;
  std::vector<ScoreBin> histogram;  // the scored submissions
};

// The bins for scores out of `max_score`: one per point when it is a whole number up to 20
// ("0" .. "5"; 2.5 points falls in "2"), else ten of 10% each. One bin "0" when it is 0.
std::vector<ScoreBin> score_bins(double max_score);

ClassSummary summarise_class(const Rubric& rubric, const std::vector<GradedSubmission>& all);

struct FailureMessage {
  std::string message;  // on one line (whitespace runs as one space), shortened
  std::size_t count = 0;
};

// One rubric check across the scored submissions that have it.
struct CheckTally {
  std::string id;
  std::string title;
  bool hidden = false;
  std::size_t passed = 0;
  std::size_t failed = 0;
  std::size_t skipped = 0;
  std::size_t errors = 0;
  // The learner-safe messages (never `detail`) of those that did not pass, most frequent first.
  std::vector<FailureMessage> common_failures;

  std::size_t total() const { return passed + failed + skipped + errors; }
};

// In rubric order; at most `top` messages per check.
std::vector<CheckTally> tally_checks(const Rubric& rubric, const std::vector<GradedSubmission>& all,
                                     std::size_t top = 3);

}  // namespace grader
