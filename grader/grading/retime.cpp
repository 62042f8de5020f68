// Timing again what a failed speedup check measured; see retime.h.
#include "grader/grading/retime.h"

#include <algorithm>
#include <set>
#include <variant>

namespace grader {

namespace {

bool ran_ok(const RunResults& results, const std::string& id) {
  auto it = results.find(id);
  return it != results.end() && it->second.status == RunStatus::Ok;
}

}  // namespace

std::vector<std::string> runs_to_retime(const Rubric& rubric, const Score& score, const RunResults& results) {
  std::set<std::string> named;
  for (std::size_t i = 0; i < rubric.checks.size() && i < score.checks.size(); ++i) {
    const auto* s = std::get_if<SpeedupCheck>(&rubric.checks[i].kind);
    if (!s || score.checks[i].status != CheckStatus::Failed) continue;
    if (!ran_ok(results, s->parallel) || (!s->serial.empty() && !ran_ok(results, s->serial))) continue;
    named.insert(s->parallel);
    if (!s->serial.empty()) named.insert(s->serial);
  }
  std::vector<std::string> ids;
  for (const RunSpec& run : rubric.runs)
    if (named.count(run.id)) ids.push_back(run.id);
  return ids;
}

void keep_faster(RunResult& kept, RunResult again) {
  const int attempts = kept.attempts + again.attempts;
  const bool better =
      kept.status == RunStatus::Ok && again.status == RunStatus::Ok && again.wall_s < kept.wall_s;
  if (better) kept = std::move(again);
  kept.attempts = attempts;
}

}  // namespace grader
