// Grading a class; see class_grading.h.
#include "grader/cli/class_grading.h"

#include <atomic>
#include <chrono>
#include <iostream>
#include <mutex>
#include <thread>

#include "grader/cli/class_records.h"
#include "grader/grading/reference_runs.h"
#include "grader/grading/resume.h"
#include "grader/grading/run_specs.h"
#include "grader/util/units.h"
#include "grader/workspace/tree_hash.h"

namespace grader::cli {

namespace fs = std::filesystem;

std::string graded_line(const GradedSubmission& g) {
  return g.name + ": " + format_score(g.report.score) + "/" + format_score(g.report.max_score) +
         (g.report.runner_failed() ? " (runner error)"
          : g.report.passed        ? ""
                                   : " (not full marks)");
}

namespace {

// The submission's record when it holds this very grading: same key, so the same report.
std::optional<RunRecord> unchanged_record(const ClassGrading& job, const std::string& file,
                                          const std::string& key) {
  if (job.force || key.empty()) return std::nullopt;
  auto record = read_record(job.out_dir, file, std::cerr);
  if (!record || record->key != key) return std::nullopt;
  return record;
}

// The submission's grading key, with its tree hash put into `p` (hashed once: grading takes it
// from there); "" for a submission that cannot be read.
std::string key_of(const ClassGrading& job, const std::string& name, Provenance& p) {
  try {
    p.submission_hash = tree_hash(job.subs / name);
  } catch (const std::exception&) {
    return "";  // unreadable: graded, and refused there with the reason
  }
  return grading_key(p, runner_info(job.commands, job.base));
}

RunRecord graded_record(const ClassGrading& job, const std::string& name, const std::string& file,
                        const Provenance& p, const std::string& key, ReferenceRuns* reference) {
  GradeOptions o = job.base;
  o.reference = reference;
  o.submission_name = name;
  o.provenance = p;
  RunRecord r;
  r.report = grade_submission(job.rubric, job.subs / name, job.commands, o);
  r.key = key;
  r.report_file = file;
  r.run_specs = run_specs(job.rubric);
  r.runner_values = job.base.runner_values;
  return r;
}

}  // namespace

ClassOutcome grade_class(const ClassGrading& job, const std::vector<std::string>& names, int jobs,
                         Progress& progress) {
  ClassOutcome outcome;
  outcome.graded.resize(names.size());
  const std::vector<std::string> files = report_file_names(names);
  std::atomic<std::size_t> next{0}, resumed{0};
  std::mutex mu;
  std::string write_error;
  auto worker = [&] {
    // One reference per thread: measured under the concurrency its submissions are graded with.
    std::unique_ptr<ReferenceRuns> reference =
        make_reference_runs(job.rubric, job.exercise_dir, job.commands, job.base);
    for (std::size_t i = next++; i < names.size(); i = next++) {
      progress.started();
      auto t0 = std::chrono::steady_clock::now();
      Provenance p = job.base.provenance;
      const std::string key = key_of(job, names[i], p);
      std::optional<RunRecord> record = unchanged_record(job, files[i], key);
      const bool reused = record.has_value();
      if (!reused) record = graded_record(job, names[i], files[i], p, key, reference.get());
      try {
        write_graded(job.out_dir, *record, job.audience);
      } catch (const std::exception& e) {
        std::lock_guard<std::mutex> lock(mu);
        if (write_error.empty()) write_error = e.what();
      }
      if (reused) ++resumed;
      GradedSubmission& g = outcome.graded[i];
      g = {names[i], files[i], std::move(record->report)};
      double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      progress.finished(graded_line(g), reused, g.report.runner_failed(), s);
    }
  };
  std::vector<std::thread> threads;
  int n_threads = std::min<int>(jobs, static_cast<int>(names.size()));
  for (int t = 0; t < n_threads; ++t) threads.emplace_back(worker);
  for (auto& t : threads) t.join();
  if (!write_error.empty()) throw std::runtime_error("cannot write a report: " + write_error);
  outcome.resumed = resumed;
  return outcome;
}

}  // namespace grader::cli
