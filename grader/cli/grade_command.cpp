// `grader grade EXERCISE SUBMISSIONS_DIR --out DIR`: the teacher's command. Every subdirectory
// of SUBMISSIONS_DIR is one learner's submission; they are graded N at a time (threads; Slurm
// runs then wait in one JobTracker together), and each report is written as soon as it is done:
// DIR/NAME.json, then DIR/gradebook.csv and DIR/index.html for the class.
#include <algorithm>
#include <atomic>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <thread>

#include "grader/cli/args.h"
#include "grader/cli/class_files.h"
#include "grader/cli/interrupt.h"
#include "grader/grading/grade.h"
#include "grader/repo/repo.h"
#include "grader/report/atomic_write.h"
#include "grader/report/class_report.h"
#include "grader/report/formats.h"
#include "grader/rubric/loader.h"
#include "grader/util/text.h"
#include "grader/util/units.h"
#include "runners/executor_factory.h"
#include "runners/runner_factory.h"

namespace grader::cli {

namespace fs = std::filesystem;

namespace {

constexpr const char* kHelp = R"(usage: grader grade EXERCISE SUBMISSIONS_DIR --out DIR [options]

Grades every subdirectory of SUBMISSIONS_DIR (one per learner; hidden ones are skipped) against
EXERCISE, and writes into DIR:
  NAME.json       each learner's report (grader-report/1), written as soon as it is graded
  gradebook.csv   submission,score,max_score,passed,status and one column per check's points
  index.html      the class at a glance (a plain table)
Every file is written atomically.

options:
  --out DIR        where the reports go (made if missing)
  --jobs N         grade N submissions at a time (default 1). Sandboxed runs and Slurm jobs run
                   together (one poller waits for every job); --executor process runs
                   one at a time
)";
constexpr const char* kHelpTail =
    R"(  --array          with --runner: command runs go to the cluster's compute nodes too, not the
                   login node: the runs that are due together (one per submission being
                   graded, see --jobs) are submitted as the tasks of one Slurm job array.
                   Slurm's account comes from the login's SBATCH_ACCOUNT, as for sbatch
  --repo DIR       the exercise repository (default: found by walking up from here)
  --teacher        reports show hidden checks' expected values and hidden runs' output
  --lms LIST       also DIR/canvas.csv, DIR/moodle.csv: grades in that system's import layout,
                   the submission's directory name as the login (canvas,moodle; repeatable)
  -h, --help       this text

exit codes: 0 every submission full marks, 1 some not, 2 bad usage or bad rubric,
            3 the runner failed for at least one submission (its report says so)
)";

int parse_jobs(const Args& args) {
  auto j = args.value("--jobs");
  if (!j) return 1;
  try {
    std::size_t used = 0;
    int jobs = std::stoi(*j, &used);
    if (used != j->size() || jobs < 1 || jobs > 1024) throw std::invalid_argument(*j);
    return jobs;
  } catch (const std::exception&) {
    throw UsageError("grader grade: --jobs must be a whole number from 1 to 1024, not '" + *j + "'");
  }
}

std::optional<fs::path> repo_root(const Args& args) {
  auto r = args.value("--repo");
  if (!r) return find_repo_root(fs::current_path());
  auto repo = find_repo_root(*r);
  if (!repo) throw UsageError("grader grade: --repo " + *r + " has no rubrics/ and exercises/ directories");
  return repo;
}

// The submission directories of `subs`, sorted; hidden ones and the report directory (when --out
// lies inside SUBMISSIONS_DIR, a second run must not grade the reports as a learner) are not.
std::vector<std::string> submission_names(const fs::path& subs, const fs::path& out_dir) {
  std::error_code ec;
  if (!fs::is_directory(subs, ec)) throw UsageError("grader grade: " + subs.string() + " is not a directory");
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(subs)) {
    std::string n = e.path().filename().string();
    if (n.empty() || n[0] == '.' || !e.is_directory()) continue;
    if (fs::equivalent(e.path(), out_dir, ec)) {
      std::cerr << "grader grade: skipping " << e.path().string() << ": it is the --out directory\n";
      continue;
    }
    names.push_back(n);
  }
  std::sort(names.begin(), names.end());
  if (names.empty()) throw UsageError("grader grade: " + subs.string() + " has no submission directories");
  return names;
}

void print_graded(const GradedSubmission& g) {
  std::cout << g.name << ": " << format_score(g.report.score) << "/" << format_score(g.report.max_score)
            << (g.report.runner_failed() ? " (runner error)"
                : g.report.passed        ? ""
                                         : " (not full marks)")
            << "\n"
            << std::flush;
}

// What every submission's grading shares.
struct ClassJob {
  const Rubric& rubric;
  fs::path subs;
  fs::path out_dir;
  Executor& commands;
  GradeOptions base;
  Audience audience;
};

// Grades every named submission, `jobs` at a time, writing each report as soon as it is done.
std::vector<GradedSubmission> grade_all(const ClassJob& job, const std::vector<std::string>& names,
                                        int jobs) {
  std::vector<GradedSubmission> all(names.size());
  std::vector<std::string> files = report_file_names(names);
  std::atomic<std::size_t> next{0};
  std::mutex print_mu;
  std::string write_error;
  auto worker = [&] {
    for (std::size_t i = next++; i < names.size(); i = next++) {
      GradedSubmission& g = all[i];
      g.name = names[i];
      g.file = files[i];
      GradeOptions o = job.base;
      o.submission_name = names[i];
      g.report = grade_submission(job.rubric, job.subs / names[i], job.commands, o);
      std::string err;
      try {
        atomic_write(job.out_dir / g.file, render_json(g.report, job.audience));
      } catch (const std::exception& e) {
        err = e.what();
      }
      std::lock_guard<std::mutex> lock(print_mu);
      if (!err.empty() && write_error.empty()) write_error = err;
      print_graded(g);
    }
  };
  std::vector<std::thread> threads;
  int n_threads = std::min<int>(jobs, static_cast<int>(names.size()));
  for (int t = 0; t < n_threads; ++t) threads.emplace_back(worker);
  for (auto& t : threads) t.join();
  if (!write_error.empty()) throw std::runtime_error("cannot write a report: " + write_error);
  return all;
}

// The class's summary line and exit code.
int summarise(const std::vector<GradedSubmission>& all, const std::string& out_dir) {
  std::size_t full = 0, failed = 0;
  for (const auto& g : all) {
    if (g.report.runner_failed())
      failed++;
    else if (g.report.passed)
      full++;
  }
  std::cout << all.size() << " graded: " << full << " full marks, " << (all.size() - full - failed)
            << " not, " << failed << " runner errors; reports in " << out_dir << "\n";
  if (failed) return kRunnerFailed;
  return full < all.size() ? kNotFull : kFullMarks;
}

void print_batch_stats(const Runner& runner, bool arrays) {
  if (!runner.batch) return;
  auto st = runner.batch->stats();
  std::cout << "slurm: " << st.rounds << " poll rounds, " << st.squeue_queries << " squeue, "
            << st.sacct_queries << " sacct, " << st.scancel_commands << " scancel; at most "
            << st.max_jobs_per_query << " jobs in one query\n";
  if (!arrays) return;
  auto as = runner.batch->array_stats();
  std::cout << "slurm: " << as.tasks << " command runs in " << as.arrays << " job arrays (at most "
            << as.largest << " tasks in one)\n";
}

}  // namespace

int grade_command(const std::vector<std::string>& argv) {
  Args args = parse_args("grader grade", argv,
                         {{"--out", "--jobs", "--runner", "--executor", "--repo", "--lms"},
                          {"--teacher", "--array", "-h", "--help"}});
  if (args.flag("-h") || args.flag("--help")) {
    std::cout << kHelp << kWhereItRunsHelp << kHelpTail;
    return kFullMarks;
  }
  if (args.positional.size() != 2)
    throw UsageError("grader grade: expected EXERCISE SUBMISSIONS_DIR (see grader grade --help)");
  auto out_dir = args.value("--out");
  if (!out_dir) throw UsageError("grader grade: --out DIR is required (see grader grade --help)");
  int jobs = parse_jobs(args);
  ClassFileOptions class_files{parse_lms_list(args.all_values("--lms"), "grader grade")};
  Exercise exercise = resolve_exercise(args.positional[0], repo_root(args));
  Rubric rubric = load_rubric(exercise.rubric);
  fs::path subs = args.positional[1];
  fs::create_directories(*out_dir);
  std::vector<std::string> names = submission_names(subs, *out_dir);

  if (args.flag("--array") && !args.value("--runner"))
    throw UsageError(
        "grader grade: --array needs --runner: the cluster whose compute nodes run the commands");
  if (args.value("--runner")) block_interrupts();
  Runner runner =
      make_runner(args.value("--runner"), args.value("--executor").value_or(default_executor_name()));
  InterruptGuard interrupt(runner.batch.get());
  Executor* commands = runner.executor.get();
  if (args.flag("--array")) {
    ArrayOptions arrays;
    arrays.expected = static_cast<std::size_t>(std::min<int>(jobs, static_cast<int>(names.size())));
    runner.batch->run_commands_as_arrays(arrays);
    commands = runner.batch.get();
  }
  GradeOptions base = grade_options(runner, args.value("--runner").value_or(""));
  base.stage.provided = provided_dir(exercise);
  Audience audience = args.flag("--teacher") ? Audience::Teacher : Audience::Learner;

  ClassJob job{rubric, subs, *out_dir, *commands, base, audience};
  std::vector<GradedSubmission> all = grade_all(job, names, jobs);
  write_class_files(*out_dir, rubric, all, class_files);
  int code = summarise(all, *out_dir);
  print_batch_stats(runner, args.flag("--array"));
  return code;
}

}  // namespace grader::cli
