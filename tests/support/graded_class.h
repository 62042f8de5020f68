// A class of graded submissions made in memory, for the unit tests of the class files (gradebook,
// overview, feedback pages). Test-only; header-only.
#pragma once

#include <string>
#include <vector>

#include "grader/report/class_report.h"
#include "grader/rubric/model.h"

namespace grader::testing {

// A rubric "hello" with one check of 2 points per id.
inline Rubric class_rubric(std::vector<std::string> check_ids) {
  Rubric r;
  r.exercise = "hello";
  r.title = "Run a Python script";
  for (auto& id : check_ids) {
    CheckSpec c;
    c.id = std::move(id);
    c.points = 2;
    r.checks.push_back(std::move(c));
  }
  return r;
}

inline CheckResult check_result(std::string id, CheckStatus status, double points, std::string message = "") {
  CheckResult c;
  c.id = std::move(id);
  c.title = c.id;
  c.status = status;
  c.points = points;
  c.max_points = 2;
  c.message = std::move(message);
  return c;
}

// A submission "NAME" with report file NAME.json, out of 4 points; full marks at 4.
inline GradedSubmission graded(std::string name, double score, std::vector<CheckResult> checks) {
  GradedSubmission g;
  g.file = name + ".json";
  g.name = std::move(name);
  g.report.exercise = "hello";
  g.report.submission = g.name;
  g.report.score = score;
  g.report.max_score = 4;
  g.report.passed = score == 4;
  g.report.checks = std::move(checks);
  return g;
}

inline bool contains(const std::string& text, const std::string& needle) {
  return text.find(needle) != std::string::npos;
}

inline std::size_t occurrences(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + needle.size())) ++n;
  return n;
}

}  // namespace grader::testing
