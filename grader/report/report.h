// Report: everything one grading produced, before it is written out in any format.
// The JSON form (schema grader-report/1) is the contract other tools read; docs/report.md.
#pragma once

#include <string>
#include <vector>

#include "grader/checks/check_result.h"
#include "grader/run/run_result.h"

namespace grader {

inline constexpr const char* kReportSchema = "grader-report/1";

struct RunnerInfo {
  std::string transport = "local";
  std::string executor;
  std::vector<std::string> isolation;
  std::string host;     // this machine's name, or the remote runner ("ssh://user@host:port")
  std::string cluster;  // the cluster profile graded on ("local", "rackham"), "" for none
};

// Where a report came from: enough to know the grading again (`grade` resumes by it) and to trust
// it later. docs/report.md, "Provenance".
struct Provenance {
  std::string grader_version;
  std::string rubric_path;      // as the grader loaded it
  std::string rubric_sha256;    // of the rubric file's bytes
  std::string provided_hash;    // tree hash of the exercise's provided/ files, "" when none
  std::string submission_hash;  // tree hash of the submission as handed in (workspace/tree_hash.h)
  std::string repo_commit;      // the exercise repository's git HEAD, "" when not a checkout
  std::string started;          // UTC, ISO 8601
  std::string ended;
  std::string regraded;  // when `grader regrade` last re-scored it from its recorded runs, "" never
};

struct RunSummary {
  RunResult result;
  std::vector<std::string> command;
  bool hidden = false;
};

struct Report {
  std::string exercise;
  std::string title;
  std::string submission;
  double score = 0;
  double max_score = 0;
  bool passed = false;  // full marks
  RunnerInfo runner;
  std::vector<CheckResult> checks;
  std::vector<RunSummary> runs;
  // Why grading could not happen as planned. A refused submission is the learner's doing (a
  // graded failure); a runner error is ours or the machine's (exit 3).
  std::string submission_error;
  std::string runner_error;
  Provenance provenance;
  // The submission's files that static checks read (jobscript, conda_env), as read before any
  // run: not in the JSON report, but in the run record, so that `regrade` can score them again.
  RunResult submission_files;

  bool runner_failed() const;
};

// Who reads the output: a learner never sees hidden expected values or hidden runs' output.
enum class Audience { Learner, Teacher };

}  // namespace grader
