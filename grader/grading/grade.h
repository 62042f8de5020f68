// Grading one submission: stage the workspace, run every [[run]] through an Executor, score the
// checks, and return a Report. The only place where the core meets an Executor.
#pragma once

#include <filesystem>
#include <map>
#include <string>

#include "grader/grading/runner_values.h"
#include "grader/grading/scoring.h"
#include "grader/report/report.h"
#include "grader/rubric/model.h"
#include "grader/run/executor.h"
#include "grader/workspace/workspace.h"

namespace grader {

class ReferenceRuns;

struct GradeOptions {
  std::string submission_name;  // how the report names the submission; default: its directory name
  StageOptions stage;
  // The environment runs start from, before the rubric's `env`; see base_environment().
  std::map<std::string, std::string> base_env;
  // Runs with a `jobscript` go here (the Slurm executor of the chosen cluster); without one they
  // end as runner errors that say how to name a cluster.
  Executor* batch_executor = nullptr;
  // Without a batch_executor, jobscript runs are `skipped` for want of a cluster instead (their
  // checks unavailable, the static checks still graded): `grader validate` without --runner.
  bool skip_jobs_without_cluster = false;
  std::string runner_name;     // the --runner given, "" for none; checked against require_runner
  RunnerValues runner_values;  // what {{python_modules}} and {{project_dir}} stand for there
  std::string runner_host;     // the report's runner.host and runner.cluster
  std::string runner_cluster;
  // What every report of this grading shares (version, rubric, provided files, repository
  // commit); grade_submission adds the times, and the submission's hash unless the caller has
  // already computed it (`grade`, for its resume key) and set it here.
  Provenance provenance;
  // The reference solution's runs for relative speedup checks (grader/grading/reference_runs.h),
  // added to the results and the report after the submission's own runs; null: none measured.
  ReferenceRuns* reference = nullptr;
};

// The allow-listed part of the grader's own environment (PATH, locale, TZ, and the module and
// Slurm variables that cluster exercises need), plus HOME set to the workspace later.
std::map<std::string, std::string> base_environment(char** environ_vars);

// The report's runner: what `executor` applies, where (options' host and cluster).
RunnerInfo runner_info(const Executor& executor, const GradeOptions& options);

// Puts `score` into `report`: checks, points, and `passed` (full marks, and neither a refused
// submission nor a runner error).
void apply_score(Report& report, const Score& score);

Report grade_submission(const Rubric& rubric, const std::filesystem::path& submission, Executor& executor,
                        const GradeOptions& options);

}  // namespace grader
