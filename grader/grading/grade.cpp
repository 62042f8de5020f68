// Grading one submission; see grade.h.
#include "grader/grading/grade.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <random>
#include <set>
#include <sstream>

#include "grader/grading/reference_runs.h"
#include "grader/grading/retime.h"
#include "grader/grading/run_specs.h"
#include "grader/grading/scoring.h"
#include "grader/grading/seed.h"
#include "grader/notebook/notebook_command.h"
#include "grader/util/timestamp.h"
#include "grader/workspace/tree_hash.h"

namespace grader {

namespace fs = std::filesystem;

namespace {

const std::set<std::string> kAllowedEnv = {
    "PATH",       "LANG",        "LANGUAGE", "LC_ALL",   "LC_CTYPE", "LC_NUMERIC", "TZ",
    "MODULEPATH", "MODULESHOME", "LMOD_CMD", "LMOD_DIR", "LMOD_PKG", "BASH_ENV",   "SLURM_CONF",
};

// "{{workdir}}" in a run's environment is the workspace as that run sees it (a remote copy for a
// cluster; the sandbox shows it as /work and rewrites the path on the way in).
std::string expand_workdir(std::string value, const fs::path& workdir) {
  static const std::string kWorkdir = "{{workdir}}";
  for (auto pos = value.find(kWorkdir); pos != std::string::npos; pos = value.find(kWorkdir, pos)) {
    value.replace(pos, kWorkdir.size(), workdir.string());
    pos += workdir.string().size();
  }
  return value;
}

RunRequest make_request(const Rubric& rubric, const RunSpec& run, const Workspace& ws,
                        const fs::path& workdir, const GradeOptions& options, std::string& problem) {
  RunRequest req;
  req.id = run.id;
  req.argv = run.notebook ? notebook_argv(run) : run.command;
  req.jobscript = run.jobscript;
  req.job_limits = run.job_limits;
  req.workdir = workdir;
  req.env = options.base_env;
  req.env["HOME"] = workdir.string();
  req.env["PYTHONDONTWRITEBYTECODE"] = "1";
  for (const auto& [k, v] : run.env) req.env[k] = expand_workdir(v, workdir);
  req.timeout_s = run.timeout_s;
  req.memory_bytes = run.memory_bytes;
  req.output_limit = run.output_limit;
  req.collect = files_to_collect(rubric, run);
  if (run.stdin_text) req.stdin_data = *run.stdin_text;
  if (run.stdin_file) {
    // Read through the workspace, and only a regular file inside it: staging already refused
    // links that leave the submission.
    fs::path p = ws.dir() / *run.stdin_file;
    std::error_code ec;
    if (!fs::is_regular_file(fs::symlink_status(p, ec))) {
      problem = "stdin file '" + *run.stdin_file + "' is not in the submission";
    } else {
      std::ifstream in(p, std::ios::binary);
      std::ostringstream data;
      data << in.rdbuf();
      req.stdin_data = data.str();
    }
  }
  return req;
}

// Regular files inside the workspace only (staging already refused links that leave it), capped
// like run output.
RunResult read_submission_files(const Rubric& rubric, const Workspace& ws) {
  constexpr std::uintmax_t kCap = 1024 * 1024;
  RunResult r;
  r.id = kSubmissionRun;
  r.status = RunStatus::Ok;
  r.exit_code = 0;
  for (const std::string& file : static_files(rubric)) {
    if (r.files.count(file)) continue;
    CollectedFile f;
    fs::path p = ws.dir() / file;
    std::error_code ec;
    if (fs::is_regular_file(fs::symlink_status(p, ec))) {
      f.exists = true;
      f.size = fs::file_size(p, ec);
      std::ifstream in(p, std::ios::binary);
      f.data.resize(static_cast<std::size_t>(std::min(f.size, kCap)));
      in.read(f.data.data(), static_cast<std::streamsize>(f.data.size()));
      f.data.resize(static_cast<std::size_t>(in.gcount()));
      f.truncated = f.size > kCap;
    }
    r.files.emplace(file, std::move(f));
  }
  return r;
}

}  // namespace

bool Report::runner_failed() const {
  if (!runner_error.empty()) return true;
  // A reference solution that could not run is its speedup checks' error, not the submission's.
  for (const auto& r : runs)
    if (r.result.status == RunStatus::RunnerError && r.result.id.rfind(reference_run_id(""), 0) != 0)
      return true;
  return false;
}

std::map<std::string, std::string> base_environment(char** environ_vars) {
  std::map<std::string, std::string> env;
  for (char** e = environ_vars; e && *e; ++e) {
    std::string_view kv(*e);
    auto eq = kv.find('=');
    if (eq == std::string_view::npos) continue;
    std::string key(kv.substr(0, eq));
    if (kAllowedEnv.count(key)) env[key] = std::string(kv.substr(eq + 1));
  }
  if (!env.count("PATH")) env["PATH"] = "/usr/local/bin:/usr/bin:/bin";
  return env;
}

namespace {

// Why the rubric refuses this runner (a control it cannot apply, another --runner), or empty: such
// a rubric is refused rather than graded weaker.
std::string refusal(const Rubric& rubric, const Executor& executor, const RunnerInfo& runner,
                    const GradeOptions& options) {
  for (const auto& control : rubric.require_isolation) {
    if (std::find(runner.isolation.begin(), runner.isolation.end(), control) != runner.isolation.end())
      continue;
    std::string in_force;
    for (const auto& c : runner.isolation) in_force += (in_force.empty() ? "" : ", ") + c;
    return "the rubric requires isolation '" + control + "', which the " + executor.name() +
           " executor cannot apply here (in force: " + (in_force.empty() ? "nothing" : in_force) +
           "); grading refused rather than run weaker";
  }
  if (rubric.require_runner && *rubric.require_runner != options.runner_name)
    return "the rubric must be graded with --runner " + *rubric.require_runner +
           (options.runner_name.empty() ? "" : ", not --runner " + options.runner_name);
  return "";
}

// Each executor gets the workspace where it runs things (a remote copy for a cluster), made on
// first use and released at the end.
class Workdirs {
 public:
  Workdirs(const Workspace& ws, WorkspaceBounds bounds) : ws_(ws), bounds_(bounds) {}
  // Released as before: a failure to release reaches the caller. The destructor only cleans up
  // after an exception, and never throws.
  void release() {
    auto dirs = std::move(dirs_);
    dirs_.clear();
    for (auto& [ex, dir] : dirs) ex->release_workspace(dir);
  }
  ~Workdirs() {
    for (auto& [ex, dir] : dirs_) {
      try {
        ex->release_workspace(dir);
      } catch (...) {
      }
    }
  }
  const fs::path& of(Executor& ex) {
    auto it = dirs_.find(&ex);
    if (it == dirs_.end()) it = dirs_.emplace(&ex, ex.prepare_workspace(ws_.dir(), bounds_)).first;
    return it->second;
  }

 private:
  const Workspace& ws_;
  WorkspaceBounds bounds_;
  std::map<Executor*, fs::path> dirs_;
};

// One run of the rubric; a run lost to the runner is a RunnerError result, never an exception.
RunResult run_one(const Rubric& rubric, const RunSpec& run, const Workspace& ws, Executor& executor,
                  const GradeOptions& options, Workdirs& workdirs) {
  Executor* ex = run.jobscript ? options.batch_executor : &executor;
  RunResult result;
  if (!ex && options.skip_jobs_without_cluster) {
    result.status = RunStatus::Skipped;
    result.message = "needs a cluster: run '" + run.id + "' is a Slurm job and no --runner was given";
  } else if (!ex) {
    result.status = RunStatus::RunnerError;
    result.message = "run '" + run.id +
                     "' is a Slurm job and no cluster was given to submit it to; use --runner " +
                     "(e.g. --runner local for the test cluster, or a cluster profile)";
  } else {
    try {
      std::string problem;
      RunRequest req = make_request(rubric, run, ws, workdirs.of(*ex), options, problem);
      if (!problem.empty()) {
        // A missing input file is the learner's: a graded failure of this run.
        result.status = RunStatus::NonzeroExit;
        result.message = problem;
      } else {
        result = ex->run(req);
      }
    } catch (const std::exception& e) {
      // A dropped connection or a scheduler that stopped answering: this run is lost to the
      // runner, not to the learner, and the report is still written.
      result = RunResult{};
      result.status = RunStatus::RunnerError;
      result.message = e.what();
    }
  }
  result.id = run.id;
  if (run.notebook) explain_notebook_run(result);
  return result;
}

// A name for this submission's directory in project storage: readable, and never shared with
// another grading, even of a submission of the same name.
std::string storage_token(const std::string& submission) {
  std::string name;
  for (char c : submission.substr(0, 40))
    name += (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.') ? c : '_';
  std::random_device rd;
  std::ostringstream hex;
  hex << std::hex << rd() << rd();
  return (name.empty() ? "submission" : name) + "-" + hex.str();
}

// The submission's directory in project storage goes when its runs are done: a hidden run in the
// report says how that went, so that a leftover is visible to the teacher, never silent.
RunSummary remove_project_dir(const std::string& dir, Executor& executor, const GradeOptions& options,
                              Workdirs& workdirs) {
  RunRequest req;
  req.id = "@cleanup";
  req.argv = {"rm", "-rf", "--", dir};
  req.env = options.base_env;
  req.timeout_s = 120;
  RunResult result;
  try {
    req.workdir = workdirs.of(executor);
    result = executor.run(req);
  } catch (const std::exception& e) {
    result.status = RunStatus::RunnerError;
    result.message = std::string("could not remove ") + dir + ": " + e.what();
  }
  result.id = req.id;
  return {result, req.argv, true};
}

// Runs `ids` once more, each keeping its faster attempt (retime.h), in `results` and the report.
void retime(const Rubric& rubric, const std::vector<std::string>& ids, const Workspace& ws,
            Executor& executor, const GradeOptions& options, Workdirs& workdirs, RunResults& results,
            Report& report) {
  for (const RunSpec& run : rubric.runs) {
    if (std::find(ids.begin(), ids.end(), run.id) == ids.end()) continue;
    RunResult& kept = results.at(run.id);
    keep_faster(kept, run_one(rubric, run, ws, executor, options, workdirs));
    for (RunSummary& s : report.runs)
      if (s.result.id == run.id) s.result = kept;
  }
}

// The checks scored; a speedup check that failed on its measure has its runs timed again first.
// Against the reference solution, when the rubric compares with it: a reused measurement never
// fails anyone (the load may have changed since), and runs timed again are compared with a
// reference measured again with them, so each submission pays for at most one more. That one is
// measured between the submission's attempts, not after both: a burst of other work that slowed
// both attempts and was over by the time the reference ran failed a correct solution in CI
// (1.35x against a reference's 1.83x); a burst is one stretch of time, so it now slows the
// reference too, or spares the second attempt.
Score score_runs(const Rubric& rubric, const Workspace& ws, Executor& executor, const GradeOptions& options,
                 Workdirs& workdirs, RunResults& results, Report& report) {
  ReferenceRuns* reference = options.reference;
  Score score =
      reference ? score_against(rubric, reference->runs(), results, report) : score_checks(rubric, results);
  std::vector<std::string> again = runs_to_retime(rubric, score, results);
  if (!again.empty()) {
    std::vector<RunSummary> fresh;
    if (reference) fresh = reference->runs(true);
    for (int attempt = 1; attempt < kSpeedupAttempts; ++attempt)
      retime(rubric, again, ws, executor, options, workdirs, results, report);
    return reference ? score_against(rubric, fresh, results, report) : score_checks(rubric, results);
  }
  if (reference && reference->reused() && relative_speedup_short(rubric, score))
    return score_against(rubric, reference->runs(true), results, report);
  return score;
}

}  // namespace

RunnerInfo runner_info(const Executor& executor, const GradeOptions& options) {
  return {executor.transport(), executor.name(), executor.isolation(), options.runner_host,
          options.runner_cluster};
}

void apply_score(Report& report, const Score& score) {
  report.checks = score.checks;
  report.score = score.score;
  report.max_score = score.max_score;
  report.passed = score.full_marks() && report.runner_error.empty() && report.submission_error.empty();
}

Report grade_submission(const Rubric& rubric, const fs::path& submission, Executor& executor,
                        const GradeOptions& options) {
  Report report;
  report.exercise = rubric.exercise;
  report.title = rubric.title;
  report.submission = options.submission_name.empty()
                          ? fs::absolute(submission).lexically_normal().filename().string()
                          : options.submission_name;
  if (report.submission.empty())
    report.submission = fs::absolute(submission).parent_path().filename().string();
  report.runner = runner_info(executor, options);
  report.provenance = options.provenance;
  report.provenance.started = iso_utc_now();
  if (report.provenance.submission_hash.empty()) {
    try {
      report.provenance.submission_hash = tree_hash(submission);
    } catch (const std::exception&) {
      // An unreadable submission is refused by staging below, with the reason; no hash is kept.
    }
  }

  auto finish = [&](const Score& score) {
    report.provenance.ended = iso_utc_now();
    apply_score(report, score);
    return report;
  };

  report.runner_error = refusal(rubric, executor, report.runner, options);
  if (!report.runner_error.empty()) return finish(score_unrunnable(rubric, report.runner_error));
  const bool in_storage = options.runner_values.project_storage && uses_project_dir(rubric);
  const std::string project_dir =
      project_dir_for(options.runner_values, in_storage ? storage_token(report.submission) : "");
  const Rubric resolved = with_seed(
      with_runner_values(rubric, options.runner_values, project_dir, report.runner_error), draw_seed());
  if (!report.runner_error.empty()) return finish(score_unrunnable(rubric, report.runner_error));

  std::optional<Workspace> ws;
  try {
    ws.emplace(Workspace::stage(submission, options.stage));
  } catch (const SubmissionError& e) {
    report.submission_error = e.what();
    return finish(score_unrunnable(rubric, "submission refused: " + std::string(e.what())));
  } catch (const std::exception& e) {
    report.runner_error = std::string("could not stage the submission: ") + e.what();
    return finish(score_unrunnable(rubric, report.runner_error));
  }

  RunResults results;
  report.submission_files = read_submission_files(resolved, *ws);
  results.emplace(kSubmissionRun, report.submission_files);
  Workdirs workdirs(*ws, resolved.workspace);
  for (const auto& run : resolved.runs) {
    RunResult result = run_one(resolved, run, *ws, executor, options, workdirs);
    report.runs.push_back({result,
                           run.jobscript  ? std::vector<std::string>{"sbatch", *run.jobscript}
                           : run.notebook ? notebook_shown_command(run)
                                          : run.command,
                           run.hidden});
    results.emplace(run.id, std::move(result));
  }
  // After the submission's runs, so that a reference measured now saw the same load.
  Score score = score_runs(resolved, *ws, executor, options, workdirs, results, report);
  if (in_storage) report.runs.push_back(remove_project_dir(project_dir, executor, options, workdirs));
  workdirs.release();
  return finish(score);
}

}  // namespace grader
