// `grader grade EXERCISE SUBMISSIONS_DIR --out DIR`: the teacher's command. Every subdirectory
// of SUBMISSIONS_DIR is one learner's submission; they are graded N at a time (threads; Slurm
// runs then wait in one JobTracker together), and each report is written as soon as it is done:
// DIR/NAME.json, then DIR/gradebook.csv and DIR/index.html for the class.
#include <algorithm>
#include <atomic>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <sstream>
#include <thread>

#include "grader/cli/args.h"
#include "grader/cli/interrupt.h"
#include "grader/grading/grade.h"
#include "grader/repo/repo.h"
#include "grader/report/atomic_write.h"
#include "grader/report/formats.h"
#include "grader/rubric/loader.h"
#include "grader/util/text.h"
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
  -h, --help       this text

exit codes: 0 every submission full marks, 1 some not, 2 bad usage or bad rubric,
            3 the runner failed for at least one submission (its report says so)
)";

std::string fmt(double v) {
  std::ostringstream o;
  o << v;
  return o.str();
}

// A submission's name as a file name: what is not [A-Za-z0-9._-] becomes '_'; never hidden.
std::string file_name(const std::string& name) {
  std::string s;
  for (char c : name)
    s += (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_') ? c : '_';
  if (s.empty() || s[0] == '.') s = "_" + s;
  return s;
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string html_escape(const std::string& raw) {
  std::string s = sanitize_utf8(raw), out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string status_of(const Report& r) {
  if (r.runner_failed()) return "runner_error";
  if (!r.submission_error.empty()) return "submission_error";
  return "graded";
}

struct Graded {
  std::string name;  // the directory name
  std::string file;  // its report's file name
  Report report;
};

std::string gradebook_csv(const Rubric& rubric, const std::vector<Graded>& all) {
  std::string out = "submission,score,max_score,passed,status";
  for (const auto& c : rubric.checks) out += "," + csv_field(c.id);
  out += "\n";
  for (const auto& g : all) {
    const Report& r = g.report;
    out += csv_field(g.name) + "," + fmt(r.score) + "," + fmt(r.max_score) + "," +
           (r.passed ? "true" : "false") + "," + status_of(r);
    for (const auto& c : rubric.checks) {
      auto it = std::find_if(r.checks.begin(), r.checks.end(), [&](const auto& x) { return x.id == c.id; });
      out += "," + (it == r.checks.end() ? std::string() : fmt(it->points));
    }
    out += "\n";
  }
  return out;
}

std::string index_html(const Rubric& rubric, const std::vector<Graded>& all) {
  std::string t = rubric.exercise;
  std::ostringstream o;
  o << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" << html_escape(t)
    << " — class overview</title>\n<style>body{font-family:sans-serif}table{border-collapse:collapse}"
       "td,th{border:1px solid #999;padding:2px 6px}.ok{background:#dfd}.no{background:#fdd}"
       ".err{background:#fe9}</style></head>\n<body>\n<h1>"
    << html_escape(t) << ": " << html_escape(rubric.title) << "</h1>\n<p>" << all.size()
    << " submissions.</p>\n<table>\n<tr><th>submission</th><th>score</th><th>status</th>";
  for (const auto& c : rubric.checks) o << "<th>" << html_escape(c.id) << "</th>";
  o << "</tr>\n";
  for (const auto& g : all) {
    const Report& r = g.report;
    std::string status = status_of(r);
    std::string cls = status == "runner_error" ? "err" : r.passed ? "ok" : "no";
    o << "<tr class=\"" << cls << "\"><td><a href=\"" << html_escape(g.file) << "\">" << html_escape(g.name)
      << "</a></td><td>" << fmt(r.score) << " / " << fmt(r.max_score) << "</td><td>" << status << "</td>";
    for (const auto& c : rubric.checks) {
      auto it = std::find_if(r.checks.begin(), r.checks.end(), [&](const auto& x) { return x.id == c.id; });
      o << "<td>" << (it == r.checks.end() ? "" : fmt(it->points) + " " + to_string(it->status)) << "</td>";
    }
    o << "</tr>\n";
  }
  o << "</table>\n</body></html>\n";
  return o.str();
}

}  // namespace

int grade_command(const std::vector<std::string>& argv) {
  Args args = parse_args(
      "grader grade", argv,
      {{"--out", "--jobs", "--runner", "--executor", "--repo"}, {"--teacher", "--array", "-h", "--help"}});
  if (args.flag("-h") || args.flag("--help")) {
    std::cout << kHelp << kWhereItRunsHelp << kHelpTail;
    return kFullMarks;
  }
  if (args.positional.size() != 2)
    throw UsageError("grader grade: expected EXERCISE SUBMISSIONS_DIR (see grader grade --help)");
  auto out_dir = args.value("--out");
  if (!out_dir) throw UsageError("grader grade: --out DIR is required (see grader grade --help)");
  int jobs = 1;
  if (auto j = args.value("--jobs")) {
    try {
      std::size_t used = 0;
      jobs = std::stoi(*j, &used);
      if (used != j->size() || jobs < 1 || jobs > 1024) throw std::invalid_argument(*j);
    } catch (const std::exception&) {
      throw UsageError("grader grade: --jobs must be a whole number from 1 to 1024, not '" + *j + "'");
    }
  }
  std::optional<fs::path> repo;
  if (auto r = args.value("--repo")) {
    repo = find_repo_root(*r);
    if (!repo) throw UsageError("grader grade: --repo " + *r + " has no rubrics/ and exercises/ directories");
  } else {
    repo = find_repo_root(fs::current_path());
  }
  Exercise exercise = resolve_exercise(args.positional[0], repo);
  Rubric rubric = load_rubric(exercise.rubric);

  fs::path subs = args.positional[1];
  std::error_code ec;
  if (!fs::is_directory(subs, ec)) throw UsageError("grader grade: " + subs.string() + " is not a directory");
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(subs)) {
    std::string n = e.path().filename().string();
    if (n.empty() || n[0] == '.' || !e.is_directory()) continue;
    names.push_back(n);
  }
  std::sort(names.begin(), names.end());
  if (names.empty()) throw UsageError("grader grade: " + subs.string() + " has no submission directories");
  fs::create_directories(*out_dir);

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
  GradeOptions base;
  base.base_env = runner.base_env;
  base.runner_name = args.value("--runner").value_or("");
  base.batch_executor = runner.batch.get();
  base.stage.provided = provided_dir(exercise);
  Audience audience = args.flag("--teacher") ? Audience::Teacher : Audience::Learner;

  std::vector<Graded> all(names.size());
  std::atomic<std::size_t> next{0};
  std::mutex print_mu;
  std::string write_error;
  auto worker = [&] {
    for (std::size_t i = next++; i < names.size(); i = next++) {
      Graded& g = all[i];
      g.name = names[i];
      g.file = file_name(names[i]) + ".json";
      GradeOptions o = base;
      o.submission_name = names[i];
      g.report = grade_submission(rubric, subs / names[i], *commands, o);
      std::string err;
      try {
        atomic_write(fs::path(*out_dir) / g.file, render_json(g.report, audience));
      } catch (const std::exception& e) {
        err = e.what();
      }
      std::lock_guard<std::mutex> lock(print_mu);
      if (!err.empty() && write_error.empty()) write_error = err;
      std::cout << names[i] << ": " << fmt(g.report.score) << "/" << fmt(g.report.max_score)
                << (g.report.runner_failed() ? " (runner error)"
                    : g.report.passed        ? ""
                                             : " (not full marks)")
                << "\n"
                << std::flush;
    }
  };
  std::vector<std::thread> threads;
  int n_threads = std::min<int>(jobs, static_cast<int>(names.size()));
  for (int t = 0; t < n_threads; ++t) threads.emplace_back(worker);
  for (auto& t : threads) t.join();
  if (!write_error.empty()) throw std::runtime_error("cannot write a report: " + write_error);

  atomic_write(fs::path(*out_dir) / "gradebook.csv", gradebook_csv(rubric, all));
  atomic_write(fs::path(*out_dir) / "index.html", index_html(rubric, all));

  int code = kFullMarks;
  std::size_t full = 0, failed = 0;
  for (const auto& g : all) {
    if (g.report.runner_failed())
      failed++;
    else if (g.report.passed)
      full++;
  }
  if (failed)
    code = kRunnerFailed;
  else if (full < all.size())
    code = kNotFull;
  std::cout << all.size() << " graded: " << full << " full marks, " << (all.size() - full - failed)
            << " not, " << failed << " runner errors; reports in " << *out_dir << "\n";
  if (runner.batch) {
    auto st = runner.batch->stats();
    std::cout << "slurm: " << st.rounds << " poll rounds, " << st.squeue_queries << " squeue, "
              << st.sacct_queries << " sacct, " << st.scancel_commands << " scancel; at most "
              << st.max_jobs_per_query << " jobs in one query\n";
    if (args.flag("--array")) {
      auto as = runner.batch->array_stats();
      std::cout << "slurm: " << as.tasks << " command runs in " << as.arrays << " job arrays (at most "
                << as.largest << " tasks in one)\n";
    }
  }
  return code;
}

}  // namespace grader::cli
