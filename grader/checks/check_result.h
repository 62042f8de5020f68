// CheckResult: the verdict of one rubric check.
#pragma once

#include <optional>
#include <string>

namespace grader {

enum class CheckStatus { Passed, Failed, Skipped, Error };

std::string to_string(CheckStatus s);

struct CheckResult {
  std::string id;
  std::string title;
  CheckStatus status = CheckStatus::Error;
  double points = 0;
  double max_points = 0;
  std::string message;  // learner-safe: for hidden checks, no expected values
  std::string detail;   // full explanation with expected and actual; teacher-facing only
  std::optional<std::string> hint;
  bool hidden = false;
  // Skipped because this runner lacks what the check needs (no conda, no GPU): not the learner's
  // doing; `grader validate` accepts a solution that lost only such points.
  bool unavailable = false;
};

}  // namespace grader
