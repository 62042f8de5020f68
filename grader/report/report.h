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

  bool runner_failed() const;
};

// Who reads the output: a learner never sees hidden expected values or hidden runs' output.
enum class Audience { Learner, Teacher };

}  // namespace grader
