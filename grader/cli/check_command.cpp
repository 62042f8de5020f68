// `grader check EXERCISE [SUBMISSION]`: grade one submission and report it.
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <iostream>

#include "grader/cli/args.h"
#include "grader/cli/interrupt.h"
#include "grader/grading/grade.h"
#include "grader/grading/reference_runs.h"
#include "grader/repo/repo.h"
#include "grader/report/atomic_write.h"
#include "grader/report/formats.h"
#include "grader/rubric/loader.h"
#include "grader/util/text.h"
#include "runners/executor_factory.h"
#include "runners/runner_factory.h"

namespace grader::cli {

namespace {

constexpr const char* kHelp = R"(usage: grader check EXERCISE [SUBMISSION] [options]

Grades SUBMISSION (a directory; default: the current directory) against EXERCISE, which is
an exercise id (looked up in the repository's rubrics/ and exercises/), an exercise directory,
or a rubric file.

options:
  --format FMT     text (default), json, gradescope, junit or prairielearn (PrairieLearn's
                   external grader results.json)
  --out FILE       write the report there (atomically) instead of to stdout; with a
                   non-text format, the text summary still goes to stdout
  --repo DIR       the exercise repository (default: found by walking up from here)
)";
constexpr const char* kHelpTail =
    R"(  --teacher        show hidden checks' expected values and hidden runs' output
  --name NAME      the submission's name in the report (default: its directory name)
  --color WHEN     auto (default), always or never; NO_COLOR is honoured
  -h, --help       this text

exit codes: 0 full marks, 1 not full marks, 2 bad usage or bad rubric, 3 the runner failed
)";

std::string render(const Report& report, const std::string& format, Audience audience, bool color) {
  if (format == "json") return render_json(report, audience);
  if (format == "gradescope") return render_gradescope(report);
  if (format == "junit") return render_junit({report}, report.exercise);
  if (format == "prairielearn") return render_prairielearn(report);
  return render_text(report, audience, color);
}

// A path that is not there, or a plain file, is a typo on the command line, not a learner's work to
// grade 0/N. A symbolic link is left to staging, which refuses one that leads out as a graded
// refusal.
void require_submission_dir(const std::filesystem::path& submission) {
  std::error_code ec;
  auto st = std::filesystem::symlink_status(submission, ec);
  if (!std::filesystem::exists(st))
    throw UsageError("grader check: submission " + submission.string() + " does not exist");
  if (!std::filesystem::is_directory(st) && !std::filesystem::is_symlink(st))
    throw UsageError("grader check: submission " + submission.string() +
                     " is not a directory (give the directory that holds the files)");
}

}  // namespace

int check_command(const std::vector<std::string>& argv) {
  Args args = parse_args("grader check", argv,
                         {{"--format", "--out", "--repo", "--executor", "--runner", "--name", "--color"},
                          {"--teacher", "-h", "--help"}});
  if (args.flag("-h") || args.flag("--help")) {
    std::cout << kHelp << kWhereItRunsHelp << kHelpTail;
    return kFullMarks;
  }
  if (args.positional.empty() || args.positional.size() > 2)
    throw UsageError("grader check: expected EXERCISE [SUBMISSION] (see grader check --help)");
  std::string format = args.value("--format").value_or("text");
  const std::vector<std::string> formats = {"text", "json", "gradescope", "junit", "prairielearn"};
  if (std::find(formats.begin(), formats.end(), format) == formats.end())
    throw UsageError("grader check: --format must be text, json, gradescope, junit or prairielearn, not '" +
                     format + "'" + did_you_mean(format, formats));
  bool color = use_color(args.value("--color"));

  Exercise exercise = resolve_exercise(args.positional[0], repo_option(args, "grader check"));
  Rubric rubric = load_rubric(exercise.rubric);
  if (args.value("--runner")) block_interrupts();
  std::filesystem::path submission = args.positional.size() > 1 ? args.positional[1] : ".";
  require_submission_dir(submission);
  Runner runner =
      make_runner(args.value("--runner"), args.value("--executor").value_or(default_executor_name()));
  InterruptGuard interrupt(runner.batch.get());

  GradeOptions options = grade_options(runner, args.value("--runner").value_or(""));
  options.stage.provided = provided_dir(exercise);
  options.provenance = exercise_provenance(exercise);
  options.submission_name = args.value("--name").value_or("");
  Audience audience = args.flag("--teacher") ? Audience::Teacher : Audience::Learner;
  std::unique_ptr<ReferenceRuns> reference =
      make_reference_runs(rubric, exercise.dir, *runner.executor, options);
  options.reference = reference.get();
  Report report = grade_submission(rubric, submission, *runner.executor, options);

  if (auto out = args.value("--out")) {
    atomic_write(*out, render(report, format, audience, false));
    if (format != "text") std::cout << render_text(report, audience, color);
  } else {
    std::cout << render(report, format, audience, color);
  }
  if (report.runner_failed()) return kRunnerFailed;
  return report.passed ? kFullMarks : kNotFull;
}

}  // namespace grader::cli
