// `grader validate [REPO]`: what an exercise repository's CI runs. Every rubric must load; each
// exercise's solution/ must score full marks; each fixtures/NAME/ must score what its
// expected.toml declares.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <set>
#include <sstream>
#include <variant>

#include "grader/cli/args.h"
#include "grader/cli/interrupt.h"
#include "grader/grading/grade.h"
#include "grader/grading/reference_runs.h"
#include "grader/repo/fixture_verdict.h"
#include "grader/repo/fixtures.h"
#include "grader/repo/repo.h"
#include "grader/report/atomic_write.h"
#include "grader/report/formats.h"
#include "grader/rubric/loader.h"
#include "grader/util/text.h"
#include "grader/util/units.h"
#include "runners/executor_factory.h"
#include "runners/runner_factory.h"

namespace grader::cli {

namespace fs = std::filesystem;

namespace {

constexpr const char* kHelp = R"(usage: grader validate [REPO] [options]

Checks an exercise repository (default: the one around the current directory):
  - every rubrics/ID.toml loads without error;
  - exercises/ID/solution/ scores full marks;
  - every exercises/ID/fixtures/NAME/ scores what its expected.toml declares
    (score = N, and optionally [checks] id = "passed"|"failed"|"skipped"|"error").
Without --runner, Slurm jobs (jobscript runs) are not submitted: their checks are skipped
("not run here"), every other check still validates, and a fixture's declared score must be
reachable with the points of the checks not run.

options:
  --exercise ID    validate only this exercise (repeatable as a comma-separated list)
  --junit FILE     also write the results as JUnit XML
)";
constexpr const char* kHelpTail = R"(  --color WHEN     auto (default), always or never
  -h, --help       this text

exit codes: 0 all valid, 1 a solution or fixture scored other than declared,
            2 a rubric or expected.toml is malformed, 3 the runner failed
)";

// Validation outcomes reuse the report model so that JUnit output has one writer.
struct Validation {
  Report as_report;
  int worst = kFullMarks;
  bool color = false;
  std::size_t partly_checked = 0;  // gradings with checks this runner could not run (no cluster)
  std::size_t unmeasured = 0;      // gradings with timed checks the machine's load left unmeasured

  void item(const std::string& id, bool ok, const std::string& message, int failure_code = kNotFull) {
    CheckResult c;
    c.id = id;
    c.title = id;
    c.status = ok ? CheckStatus::Passed : CheckStatus::Failed;
    c.message = message;
    c.detail = message;
    c.max_points = 1;
    c.points = ok ? 1 : 0;
    as_report.checks.push_back(c);
    if (!ok) worst = std::max(worst, failure_code);
    const char* mark = ok ? (color ? "\033[32m✓\033[0m" : "✓") : (color ? "\033[31m✗\033[0m" : "✗");
    std::cout << "  " << mark << " " << id << ": " << message << "\n";
  }
};

// "solve (no conda on this runner)" when every check that did not pass was skipped for want of
// something this runner lacks; empty otherwise.
std::string only_unavailable(const Report& r) {
  if (!r.runner_error.empty() || !r.submission_error.empty()) return "";
  std::vector<std::string> skipped;
  for (const auto& c : r.checks) {
    if (c.status == CheckStatus::Passed) continue;
    if (!c.unavailable) return "";
    skipped.push_back(c.id + " (" + c.message.substr(c.message.find(':') + 2) + ")");
  }
  return join(skipped);
}

// The first failing check of a report, for a message that says why a solution lost points.
std::string first_failure(const Report& r) {
  if (!r.runner_error.empty()) return r.runner_error;
  if (!r.submission_error.empty()) return r.submission_error;
  for (const auto& c : r.checks)
    if (c.status != CheckStatus::Passed) return c.id + ": " + c.detail;
  return "";
}

// --exercise ID[,ID...]: every id must be one the repository has, or a typo would validate nothing
// and pass.
std::set<std::string> selected_ids(const Args& args, const std::vector<Exercise>& exercises) {
  std::set<std::string> only;
  auto e = args.value("--exercise");
  if (!e) return only;
  std::vector<std::string> known;
  for (const auto& ex : exercises) known.push_back(ex.id);
  std::stringstream ss(*e);
  for (std::string id; std::getline(ss, id, ',');) {
    if (std::find(known.begin(), known.end(), id) == known.end())
      throw UsageError("grader validate: no exercise '" + id + "'" + did_you_mean(id, known) +
                       " (known: " + join(known) + ")");
    only.insert(id);
  }
  return only;
}

// The rubric's speedup checks: whether they can be measured follows the machine's load.
std::set<std::string> timed_check_ids(const Rubric& rubric) {
  std::set<std::string> ids;
  for (const auto& c : rubric.checks)
    if (std::holds_alternative<SpeedupCheck>(c.kind)) ids.insert(c.id);
  return ids;
}

// Counts a grading that left checks unchecked: for want of a cluster, or of a quiet machine.
void count_unchecked(Validation& v, const Report& r, const Rubric& rubric) {
  if (!checks_not_run(r).empty()) {
    v.partly_checked++;
    return;
  }
  std::set<std::string> timed = timed_check_ids(rubric);
  if (std::any_of(r.checks.begin(), r.checks.end(),
                  [&](const auto& c) { return c.unavailable && timed.count(c.id); }))
    v.unmeasured++;
}

// What every exercise's validation shares.
struct Context {
  fs::path repo;
  Executor& executor;
  GradeOptions base;
};

void validate_solution(Validation& v, const Context& cx, const Exercise& ex, const Rubric& rubric) {
  fs::path solution = ex.dir / "solution";
  if (!fs::is_directory(solution)) {
    v.item("solution", false, "no reference solution at " + fs::relative(solution, cx.repo).string());
    return;
  }
  GradeOptions o = cx.base;
  o.submission_name = "solution";
  Report r = grade_submission(rubric, solution, cx.executor, o);
  std::vector<std::string> not_run = checks_not_run(r);
  count_unchecked(v, r, rubric);
  if (r.runner_failed())
    v.item("solution", false, "runner failed: " + first_failure(r), kRunnerFailed);
  else if (r.passed)
    v.item("solution", true,
           "scores full marks (" + format_score(r.score) + "/" + format_score(r.max_score) + ")");
  else if (std::string why = not_run.empty() ? only_unavailable(r) : describe_not_run(r, not_run);
           !why.empty())
    v.item("solution", true,
           "scores " + format_score(r.score) + "/" + format_score(r.max_score) +
               ": full marks on what this runner can check; not checked here: " + why);
  else
    v.item("solution", false,
           "scores " + format_score(r.score) + "/" + format_score(r.max_score) + ", not full marks; " +
               first_failure(r));
}

void validate_fixture(Validation& v, const Context& cx, const Rubric& rubric, const Fixture& f) {
  GradeOptions o = cx.base;
  o.submission_name = f.name;
  o.stage.exclude.insert(kFixtureExpectFile);
  Report r = grade_submission(rubric, f.dir, cx.executor, o);
  std::string id = "fixture " + f.name;
  if (r.runner_failed()) {
    v.item(id, false, "runner failed: " + first_failure(r), kRunnerFailed);
    return;
  }
  FixtureVerdict verdict = compare_fixture(r, f, timed_check_ids(rubric));
  count_unchecked(v, r, rubric);
  v.item(id, verdict.ok, verdict.message);
}

Validation validate_exercise(Context& cx, const Exercise& ex, bool color) {
  Validation v;
  v.color = color;
  v.as_report.exercise = "validate";
  v.as_report.submission = ex.id;
  cx.base.stage.provided = provided_dir(ex);
  std::optional<Rubric> rubric;
  try {
    rubric = load_rubric(ex.rubric);
    v.item("rubric", true,
           fs::relative(ex.rubric, cx.repo).string() + " loads (" + format_score(rubric->max_score()) +
               " points)");
  } catch (const RubricError& e) {
    v.item("rubric", false, e.what(), kUsage);
  }
  if (!rubric) return v;
  // The solution and the fixtures share one reference, measured again when it grows stale.
  Context ecx = cx;
  std::unique_ptr<ReferenceRuns> reference = make_reference_runs(*rubric, ex.dir, cx.executor, cx.base);
  ecx.base.reference = reference.get();
  validate_solution(v, ecx, ex, *rubric);
  try {
    for (const auto& f : load_fixtures(ex.dir)) validate_fixture(v, ecx, *rubric, f);
  } catch (const RubricError& e) {
    v.item("fixtures", false, e.what(), kUsage);
  }
  return v;
}

}  // namespace

int validate_command(const std::vector<std::string>& argv) {
  Args args = parse_args("grader validate", argv,
                         {{"--exercise", "--junit", "--executor", "--runner", "--color"}, {"-h", "--help"}});
  if (args.flag("-h") || args.flag("--help")) {
    std::cout << kHelp << kWhereItRunsHelp << kHelpTail;
    return kFullMarks;
  }
  if (args.positional.size() > 1)
    throw UsageError("grader validate: expected at most one REPO (see grader validate --help)");
  std::string start = args.positional.empty() ? fs::current_path().string() : args.positional[0];
  auto repo = find_repo_root(start);
  if (!repo)
    throw UsageError(
        "grader validate: no exercise repository (a directory with rubrics/ and exercises/) at or above " +
        start);
  auto exercises = list_exercises(*repo);
  if (exercises.empty())
    throw UsageError("grader validate: " + (*repo / "rubrics").string() + " holds no rubric");
  std::set<std::string> only = selected_ids(args, exercises);

  if (args.value("--runner")) block_interrupts();
  Runner runner =
      make_runner(args.value("--runner"), args.value("--executor").value_or(default_executor_name()));
  InterruptGuard interrupt(runner.batch.get());
  Context cx{*repo, *runner.executor, {}};
  cx.base = grade_options(runner, args.value("--runner").value_or(""));
  // CI without a cluster still validates the static checks; the verdict says what it left out.
  cx.base.skip_jobs_without_cluster = true;

  bool color = use_color(args.value("--color"));
  std::vector<Report> junit;
  int worst = kFullMarks;
  std::size_t partly_checked = 0;
  std::size_t unmeasured = 0;
  for (const auto& ex : exercises) {
    if (!only.empty() && !only.count(ex.id)) continue;
    std::cout << ex.id << "\n";
    Validation v = validate_exercise(cx, ex, color);
    worst = std::max(worst, v.worst);
    partly_checked += v.partly_checked;
    unmeasured += v.unmeasured;
    junit.push_back(std::move(v.as_report));
  }
  if (auto path = args.value("--junit")) atomic_write(*path, render_junit(junit, "grader validate"));
  std::cout << (worst == kFullMarks ? "all valid" : "invalid");
  if (partly_checked)
    std::cout << " on what this runner can check: " << partly_checked
              << (partly_checked == 1 ? " grading has" : " gradings have")
              << " checks not run here, which need a cluster (--runner local for the test cluster, or a"
                 " cluster profile)";
  if (unmeasured)
    std::cout << (partly_checked ? "; " : " on what this runner can check: ") << unmeasured
              << (unmeasured == 1 ? " grading has" : " gradings have")
              << " timed checks this machine was too busy to measure (the reference solution showed too"
                 " little speedup)";
  std::cout << "\n";
  return worst;
}

}  // namespace grader::cli
