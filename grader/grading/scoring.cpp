// Scoring; see scoring.h.
#include "grader/grading/scoring.h"

#include <cmath>
#include <map>

namespace grader {

bool Score::full_marks() const {
  return std::fabs(score - max_score) < 1e-9;
}

namespace {

bool is_hidden(const Rubric& rubric, const CheckSpec& check) {
  const RunSpec* run = rubric.find_run(check.run);
  return check.hidden || (run && run->hidden);
}

bool ran_with(const RunResults& runs, const std::string& id, int code) {
  auto it = runs.find(id);
  return it != runs.end() && it->second.exit_code && *it->second.exit_code == code;
}

}  // namespace

Score score_checks(const Rubric& rubric, const RunResults& runs) {
  Score score;
  std::map<std::string, CheckStatus> status_of;
  for (const auto& check : rubric.checks) {
    bool hidden = is_hidden(rubric, check);
    std::vector<std::string> unmet;
    for (const auto& need : check.needs) {
      auto it = status_of.find(need);
      if (it == status_of.end() || it->second != CheckStatus::Passed) unmet.push_back(need);
    }
    CheckResult result;
    if (!unmet.empty()) {
      result = blank_result(check, hidden);
      result.status = CheckStatus::Skipped;
      std::string list;
      for (const auto& u : unmet) list += (list.empty() ? "'" : ", '") + u + "'";
      result.message = "skipped: needs " + list + ", which did not pass";
      result.detail = result.message;
    } else if (const RunSpec* run = rubric.find_run(check.run);
               run && run->unavailable_exit && ran_with(runs, run->id, *run->unavailable_exit)) {
      result = blank_result(check, hidden);
      result.status = CheckStatus::Skipped;
      result.unavailable = true;
      result.message = "skipped: " + run->unavailable_reason;
      result.detail = result.message;
    } else {
      result = evaluate_check(check, runs, hidden);
    }
    status_of[check.id] = result.status;
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
