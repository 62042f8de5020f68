// Re-scoring from run records; see rescore.h.
#include "grader/grading/rescore.h"

#include "grader/checks/evaluate.h"
#include "grader/grading/grade.h"
#include "grader/grading/resume.h"
#include "grader/grading/run_specs.h"
#include "grader/util/timestamp.h"

namespace grader {

std::vector<std::string> rescore_refusal(const Rubric& rubric, const std::string& provided_hash,
                                         const RunRecord& record) {
  std::vector<std::string> why = run_spec_changes(record.run_specs, run_specs(rubric));
  if (provided_hash != record.report.provenance.provided_hash)
    why.push_back("the exercise's provided/ files changed");
  return why;
}

RunRecord rescore(const Rubric& rubric, const RunRecord& record, const Provenance& now) {
  RunRecord out = record;
  Report& r = out.report;
  std::string problem;
  // Only hints and titles take the runner's values here: the runs are as they were recorded.
  Rubric resolved = with_runner_values(rubric, record.runner_values, "", problem);
  // Graded as unrunnable then (a refused submission, a runner that could not start): so again.
  std::string unrunnable = r.runner_error;
  if (unrunnable.empty() && !r.submission_error.empty())
    unrunnable = "submission refused: " + r.submission_error;
  if (!unrunnable.empty()) {
    apply_score(r, score_unrunnable(resolved, unrunnable));
  } else {
    RunResults results;
    results.emplace(kSubmissionRun, r.submission_files);
    for (const auto& run : r.runs) results.emplace(run.result.id, run.result);
    apply_score(r, score_checks(resolved, results));
  }
  r.title = rubric.title;
  const Provenance was = r.provenance;
  r.provenance = now;
  r.provenance.submission_hash = was.submission_hash;
  r.provenance.provided_hash = was.provided_hash;
  r.provenance.started = was.started;
  r.provenance.ended = was.ended;
  r.provenance.regraded = iso_utc_now();
  out.run_specs = run_specs(rubric);
  out.key = grading_key(r.provenance, r.runner);
  return out;
}

}  // namespace grader
