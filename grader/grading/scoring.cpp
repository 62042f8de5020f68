// Scoring; see scoring.h.
#include "grader/grading/scoring.h"

#include <cmath>
#include <map>
#include <optional>

namespace grader {

bool Score::full_marks() const {
  return std::fabs(score - max_score) < 1e-9;
}

namespace {

bool is_hidden(const Rubric& rubric, const CheckSpec& check) {
  const RunSpec* run = rubric.find_run(check.run);
  // A pytest suite's run is hidden for the tests' sake, not its verdicts' (pytest_check.h).
  if (std::holds_alternative<PytestCheck>(check.kind)) return check.hidden;
  return check.hidden || (run && run->hidden);
}

bool ran_with(const RunResults& runs, const std::string& id, int code) {
  auto it = runs.find(id);
  return it != runs.end() && it->second.exit_code && *it->second.exit_code == code;
}

// Why this runner cannot grade the check, or empty: its run exited with the rubric's
// `unavailable` code (no conda here), or was never started for want of a cluster (Skipped).
std::string unavailable_reason(const Rubric& rubric, const RunResults& runs, const CheckSpec& check) {
  const RunSpec* run = rubric.find_run(check.run);
  if (!run) return "";
  if (run->unavailable_exit && ran_with(runs, run->id, *run->unavailable_exit))
    return run->unavailable_reason;
  auto it = runs.find(run->id);
  if (it != runs.end() && it->second.status == RunStatus::Skipped) return it->second.message;
  return "";
}

CheckResult skipped(const CheckSpec& check, bool hidden, std::string message, bool unavailable) {
  CheckResult result = blank_result(check, hidden);
  result.status = CheckStatus::Skipped;
  result.unavailable = unavailable;
  result.message = std::move(message);
  result.detail = result.message;
  return result;
}

// What scoring knows of the checks before this one.
struct Earlier {
  std::map<std::string, CheckStatus> status;
  std::map<std::string, std::string> unavailable;  // check id -> why this runner could not grade it
};

// The check skipped for its unmet `needs`, or nullopt when they are met. When every unmet need is
// one this runner could not grade, the check is unavailable too, for the first one's reason
// (`why`): none of it is the learner's doing.
std::optional<CheckResult> unmet_needs(const CheckSpec& check, bool hidden, const Earlier& earlier,
                                       std::string& why) {
  std::vector<std::string> unmet;
  bool all_unavailable = true;
  for (const auto& need : check.needs) {
    auto it = earlier.status.find(need);
    if (it != earlier.status.end() && it->second == CheckStatus::Passed) continue;
    unmet.push_back(need);
    auto u = earlier.unavailable.find(need);
    if (u == earlier.unavailable.end())
      all_unavailable = false;
    else if (why.empty())
      why = u->second;
  }
  if (unmet.empty()) return std::nullopt;
  if (!all_unavailable) why.clear();
  std::string list;
  for (const auto& u : unmet) list += (list.empty() ? "'" : ", '") + u + "'";
  if (!why.empty())
    return skipped(check, hidden, "skipped: needs " + list + ", which this runner could not check: " + why,
                   true);
  return skipped(check, hidden, "skipped: needs " + list + ", which did not pass", false);
}

}  // namespace

Score score_checks(const Rubric& rubric, const RunResults& runs) {
  Score score;
  Earlier earlier;
  for (const auto& check : rubric.checks) {
    bool hidden = is_hidden(rubric, check);
    CheckResult result;
    std::string why;
    if (auto s = unmet_needs(check, hidden, earlier, why)) {
      result = std::move(*s);
    } else if (why = unavailable_reason(rubric, runs, check); !why.empty()) {
      result = skipped(check, hidden, "skipped: " + why, true);
    } else {
      result = evaluate_check(check, runs, hidden);
    }
    earlier.status[check.id] = result.status;
    // A check can find itself that this runner cannot grade it now (a speedup): its message says why.
    if (result.unavailable) earlier.unavailable[check.id] = why.empty() ? result.message : why;
    score.score += result.points;
    score.max_score += result.max_points;
    score.checks.push_back(std::move(result));
  }
  return score;
}

Score score_unrunnable(const Rubric& rubric, const std::string& reason) {
  Score score;
  for (const auto& check : rubric.checks) {
    CheckResult result = blank_result(check, is_hidden(rubric, check));
    result.status = CheckStatus::Error;
    result.message = reason;
    result.detail = reason;
    score.max_score += result.max_points;
    score.checks.push_back(std::move(result));
  }
  return score;
}

}  // namespace grader
