// `grader regrade EXERCISE REPORTS_DIR`: re-scores a graded class from its run records
// (DIR/.grader/*.json) with the rubric as it is now, without running any learner code: after a
// fix to checks (points, patterns, tolerances, new checks on the same runs, hints). Where the
// runs themselves changed it refuses, all or nothing, naming what changed and which submissions
// must run again. Rewrites each report and record, then the class files.
#include <chrono>
#include <cmath>
#include <iostream>
#include <map>

#include "grader/cli/args.h"
#include "grader/cli/class_files.h"
#include "grader/cli/class_records.h"
#include "grader/grading/rescore.h"
#include "grader/repo/repo.h"
#include "grader/rubric/loader.h"
#include "grader/util/text.h"
#include "grader/util/units.h"

namespace grader::cli {

namespace fs = std::filesystem;

namespace {

constexpr const char* kHelp = R"(usage: grader regrade EXERCISE REPORTS_DIR [options]

Re-scores every report in REPORTS_DIR (the --out DIR of `grader grade`) from the runs recorded
in REPORTS_DIR/.grader/, with the rubric of EXERCISE as it is now. No learner code runs: checks
are scored again from what each run printed and wrote. For a change to checks only: points,
patterns, tolerances, hints, titles, new checks on the runs there were.

When the rubric's runs changed (command, environment, limits, input, the files a run collects,
a new run) or the exercise's provided/ files did, nothing is re-scored: the message names what
changed and which submissions must run again (grader grade EXERCISE SUBMISSIONS_DIR --out DIR).

options:
  --teacher        the rewritten reports show hidden checks' expected values and hidden runs
  --repo DIR       the exercise repository (default: found by walking up from here)
  -h, --help       this text

exit codes: 0 every report full marks, 1 some not, 2 bad usage, a bad rubric, or runs that
            changed (nothing rewritten), 3 a report could not be written
)";

// "run 'main' changed: command (alice, bob)": every reason, with the submissions it holds for.
std::string refusal_text(const Rubric& rubric, const std::string& provided,
                         const std::vector<RunRecord>& records) {
  std::map<std::string, std::vector<std::string>> who;
  std::vector<std::string> order;
  for (const auto& r : records)
    for (const auto& why : rescore_refusal(rubric, provided, r)) {
      if (!who.count(why)) order.push_back(why);
      who[why].push_back(r.report.submission);
    }
  std::string text;
  for (const auto& why : order) {
    std::vector<std::string>& names = who[why];
    // A class of 200 is not listed in full: the first few, and how many more.
    std::string more = names.size() > 8 ? " and " + std::to_string(names.size() - 8) + " more" : "";
    if (names.size() > 8) names.resize(8);
    text += "\n  " + why + " (" + join(names) + more + ")";
  }
  return text;
}

}  // namespace

int regrade_command(const std::vector<std::string>& argv) {
  Args args = parse_args("grader regrade", argv, {{"--repo"}, {"--teacher", "-h", "--help"}});
  if (args.flag("-h") || args.flag("--help")) {
    std::cout << kHelp;
    return kFullMarks;
  }
  if (args.positional.size() != 2)
    throw UsageError("grader regrade: expected EXERCISE REPORTS_DIR (see grader regrade --help)");
  auto t0 = std::chrono::steady_clock::now();
  Exercise exercise = resolve_exercise(args.positional[0], repo_option(args, "grader regrade"));
  Rubric rubric = load_rubric(exercise.rubric);
  const fs::path dir = args.positional[1];
  std::vector<RunRecord> records = read_records(dir, std::cerr);
  if (records.empty())
    throw UsageError("grader regrade: " + (dir / ".grader").string() +
                     " holds no run records; grade the class first: grader grade " + args.positional[0] +
                     " SUBMISSIONS_DIR --out " + dir.string());
  const Provenance now = exercise_provenance(exercise);
  if (std::string why = refusal_text(rubric, now.provided_hash, records); !why.empty())
    throw UsageError(
        "grader regrade: the rubric's runs changed since these reports were graded, so their "
        "recorded runs cannot be re-scored; nothing was rewritten:" +
        why + "\nrun them again: grader grade " + args.positional[0] + " SUBMISSIONS_DIR --out " +
        dir.string());
  Audience audience = args.flag("--teacher") ? Audience::Teacher : Audience::Learner;
  std::size_t changed = 0, full = 0;
  AtomicBatch batch;  // the whole class in place at once, or none of it
  for (auto& record : records) {
    RunRecord out = rescore(rubric, record, now);
    changed += out.report.score != record.report.score;
    full += out.report.passed;
    add_graded(batch, dir, out, audience);
    record = std::move(out);
  }
  batch.commit();
  write_class_files(dir, rubric, class_of(records));
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::cout << records.size() << " reports re-scored in " << format_score(std::round(s * 100) / 100) << " s ("
            << changed << " scores changed): " << full << " full marks, " << (records.size() - full)
            << " not; no learner code ran\n";
  return full < records.size() ? kNotFull : kFullMarks;
}

}  // namespace grader::cli
