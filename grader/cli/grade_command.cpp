// `grader grade EXERCISE SUBMISSIONS_DIR --out DIR`: the teacher's command. Every subdirectory
// of SUBMISSIONS_DIR is one learner's submission; they are graded N at a time
// (grader/cli/class_grading.h), each report and its run record written as soon as it is done, a
// submission graded before with the same key taken from its record; then DIR/gradebook.csv and
// DIR/index.html from every record in DIR, also when interrupted.
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <thread>

#include "grader/cli/args.h"
#include "grader/cli/class_files.h"
#include "grader/cli/class_grading.h"
#include "grader/cli/class_records.h"
#include "grader/cli/interrupt.h"
#include "grader/cli/progress.h"
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
  .grader/NAME.json  its run record (grader-record/1; teacher only): what `grader regrade`
                  re-scores, and how a second `grade` knows what it has graded
  gradebook.csv   submission,score,max_score,passed,status and one column per check's points
  index.html      the class at a glance
Every file is written atomically. gradebook.csv and index.html list every record in DIR, and are
written at the end and after Ctrl-C too. Run again, `grade` grades only what is new or changed:
a submission whose record has the same key (its files, the rubric and provided files, the grader
version and the runner) keeps its report; --force grades everything again.

options:
  --out DIR        where the reports go (made if missing)
  --force          grade every submission, even one whose record says it is graded already
  --quiet          no progress, only the summary
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

// The class's summary line and exit code.
int summarise(const ClassOutcome& outcome, const std::string& out_dir, bool listing) {
  const auto& all = outcome.graded;
  std::size_t full = 0, failed = 0;
  for (const auto& g : all) {
    if (listing) std::cout << graded_line(g) << "\n";
    if (g.report.runner_failed())
      failed++;
    else if (g.report.passed)
      full++;
  }
  std::cout << all.size() << " graded (" << outcome.resumed
            << " unchanged since their last grading): " << full << " full marks, "
            << (all.size() - full - failed) << " not, " << failed << " runner errors; reports in " << out_dir
            << "\n";
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

namespace {

ProgressMode progress_mode(const Args& args) {
  if (args.flag("--quiet")) return ProgressMode::Quiet;
  return ::isatty(STDOUT_FILENO) ? ProgressMode::Live : ProgressMode::Plain;
}

// The class files from every record in DIR: what was graded before this run too.
void write_class_from_records(const fs::path& out_dir, const Rubric& rubric,
                              const ClassFileOptions& options) {
  write_class_files(out_dir, rubric, class_of(read_records(out_dir, std::cerr)), options);
}

}  // namespace

int grade_command(const std::vector<std::string>& argv) {
  Args args = parse_args("grader grade", argv,
                         {{"--out", "--jobs", "--runner", "--executor", "--repo", "--lms"},
                          {"--teacher", "--array", "--force", "--quiet", "-h", "--help"}});
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
  Exercise exercise = resolve_exercise(args.positional[0], repo_option(args, "grader grade"));
  Rubric rubric = load_rubric(exercise.rubric);
  fs::path subs = args.positional[1];
  fs::create_directories(*out_dir);
  std::vector<std::string> names = submission_names(subs, *out_dir);

  if (args.flag("--array") && !args.value("--runner"))
    throw UsageError(
        "grader grade: --array needs --runner: the cluster whose compute nodes run the commands");
  block_interrupts();
  Runner runner =
      make_runner(args.value("--runner"), args.value("--executor").value_or(default_executor_name()));
  // Ctrl-C: the reports done so far are in DIR; the class files are written from them.
  InterruptGuard interrupt(runner.batch.get(),
                           [&] { write_class_from_records(*out_dir, rubric, class_files); });
  Executor* commands = runner.executor.get();
  if (args.flag("--array")) {
    ArrayOptions arrays;
    arrays.expected = static_cast<std::size_t>(std::min<int>(jobs, static_cast<int>(names.size())));
    runner.batch->run_commands_as_arrays(arrays);
    commands = runner.batch.get();
  }
  ClassGrading job{rubric, subs, *out_dir, *commands,
                   grade_options(runner, args.value("--runner").value_or(""))};
  job.base.stage.provided = provided_dir(exercise);
  job.base.provenance = exercise_provenance(exercise);
  job.audience = args.flag("--teacher") ? Audience::Teacher : Audience::Learner;
  job.force = args.flag("--force");
  job.exercise_dir = exercise.dir;

  ProgressMode mode = progress_mode(args);
  Progress progress(mode, std::cout, names.size(), jobs);
  ClassOutcome outcome = grade_class(job, names, jobs, progress);
  progress.done();
  write_class_from_records(*out_dir, rubric, class_files);
  int code = summarise(outcome, *out_dir, mode == ProgressMode::Live);
  print_batch_stats(runner, args.flag("--array"));
  return code;
}

}  // namespace grader::cli
