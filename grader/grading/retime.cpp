// Timing again what a failed speedup check measured; see retime.h.
#include "grader/grading/retime.h"

#include <utility>

#include "grader/grading/reference_runs.h"

namespace grader {

namespace {

bool ran_ok(const RunResults& results, const std::string& id) {
  auto it = results.find(id);
  return it != results.end() && it->second.status == RunStatus::Ok;
}

}  // namespace

std::vector<std::string> runs_to_retime(const Rubric& rubric, const Score& score, const RunResults& results) {
  return speedup_run_ids(rubric, [&](std::size_t i, const SpeedupCheck& s) {
    return i < score.checks.size() && score.checks[i].status == CheckStatus::Failed &&
           ran_ok(results, s.parallel) && (s.serial.empty() || ran_ok(results, s.serial));
  });
}

void keep_faster(RunResult& kept, RunResult again) {
  const int attempts = kept.attempts + again.attempts;
  const bool better =
      kept.status == RunStatus::Ok && again.status == RunStatus::Ok && again.wall_s < kept.wall_s;
  if (better) kept = std::move(again);
  kept.attempts = attempts;
}

}  // namespace grader
