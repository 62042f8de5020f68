// The reference solution's runs; see reference_runs.h.
#include "grader/grading/reference_runs.h"

#include <algorithm>
#include <set>

namespace grader {

namespace fs = std::filesystem;

std::vector<std::string> speedup_run_ids(const Rubric& rubric,
                                         const std::function<bool(std::size_t, const SpeedupCheck&)>& which) {
  std::set<std::string> named;
  for (std::size_t i = 0; i < rubric.checks.size(); ++i) {
    const auto* s = std::get_if<SpeedupCheck>(&rubric.checks[i].kind);
    if (!s || !which(i, *s)) continue;
    named.insert(s->parallel);
    if (!s->serial.empty()) named.insert(s->serial);
  }
  std::vector<std::string> ids;
  for (const RunSpec& run : rubric.runs)
    if (named.count(run.id)) ids.push_back(run.id);
  return ids;
}

std::vector<std::string> reference_run_ids(const Rubric& rubric) {
  return speedup_run_ids(rubric, [](std::size_t, const SpeedupCheck& s) { return s.relative; });
}

namespace {

// The rubric's reference runs alone: the solution needs no grading, only its times.
Rubric reference_rubric(const Rubric& rubric) {
  Rubric out = rubric;
  std::vector<std::string> ids = reference_run_ids(rubric);
  out.runs.clear();
  for (const RunSpec& run : rubric.runs)
    if (std::find(ids.begin(), ids.end(), run.id) != ids.end()) out.runs.push_back(run);
  out.checks.clear();
  return out;
}

RunSummary lost(const RunSpec& run, const std::string& why) {
  RunSummary s;
  s.result.id = reference_run_id(run.id);
  s.result.status = RunStatus::RunnerError;
  s.result.message = why;
  s.command = run.command;
  s.hidden = true;
  return s;
}

}  // namespace

ReferenceRuns::ReferenceRuns(const Rubric& rubric, fs::path solution, Executor& executor, GradeOptions base,
                             double max_age_s)
    : rubric_(reference_rubric(rubric)),
      solution_(std::move(solution)),
      executor_(executor),
      base_(std::move(base)),
      max_age_s_(max_age_s) {
  base_.reference = nullptr;
  base_.submission_name = "@reference";
}

std::vector<RunSummary> ReferenceRuns::runs(bool now) {
  auto t = std::chrono::steady_clock::now();
  reused_ = !now && measured_at_ && std::chrono::duration<double>(t - *measured_at_).count() <= max_age_s_;
  if (!reused_) {
    cached_ = measure();
    measured_at_ = std::chrono::steady_clock::now();
    ++measurements_;
  }
  return cached_;
}

Score score_against(const Rubric& rubric, const std::vector<RunSummary>& runs, RunResults& results,
                    Report& report) {
  const std::string prefix = reference_run_id("");
  auto& all = report.runs;
  all.erase(std::remove_if(all.begin(), all.end(),
                           [&](const RunSummary& s) { return s.result.id.rfind(prefix, 0) == 0; }),
            all.end());
  for (const RunSummary& s : runs) {
    results[s.result.id] = s.result;
    all.push_back(s);
  }
  return score_checks(rubric, results);
}

bool relative_speedup_short(const Rubric& rubric, const Score& score) {
  for (std::size_t i = 0; i < rubric.checks.size() && i < score.checks.size(); ++i) {
    const auto* s = std::get_if<SpeedupCheck>(&rubric.checks[i].kind);
    if (s && s->relative && score.checks[i].status != CheckStatus::Passed) return true;
  }
  return false;
}

std::vector<RunSummary> ReferenceRuns::measure() {
  std::vector<RunSummary> out;
  std::error_code ec;
  if (!fs::is_directory(solution_, ec)) {
    for (const RunSpec& run : rubric_.runs)
      out.push_back(
          lost(run, "the exercise has no reference solution at " + solution_.string() + " to measure"));
    return out;
  }
  Report r = grade_submission(rubric_, solution_, executor_, base_);
  std::string refused = !r.runner_error.empty() ? r.runner_error : r.submission_error;
  for (const RunSpec& run : rubric_.runs) {
    auto it = std::find_if(r.runs.begin(), r.runs.end(),
                           [&](const RunSummary& s) { return s.result.id == run.id; });
    if (!refused.empty() || it == r.runs.end()) {
      out.push_back(lost(run, "the reference solution could not be graded: " +
                                  (refused.empty() ? "run '" + run.id + "' did not take place" : refused)));
      continue;
    }
    RunSummary s = *it;
    s.result.id = reference_run_id(run.id);
    s.hidden = true;
    out.push_back(std::move(s));
  }
  return out;
}

std::unique_ptr<ReferenceRuns> make_reference_runs(const Rubric& rubric, const fs::path& exercise_dir,
                                                   Executor& executor, const GradeOptions& base) {
  if (reference_run_ids(rubric).empty()) return nullptr;
  return std::make_unique<ReferenceRuns>(rubric, exercise_dir / "solution", executor, base);
}

}  // namespace grader
