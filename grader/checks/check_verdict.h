// A check's verdict before it becomes a CheckResult: the status, the share of the points earned,
// and two messages (the full one for the teacher and a visible check; the safe one for a hidden
// check, which names no expected value and shows no output). Every check kind's evaluation
// returns one; evaluate_check() turns it into the CheckResult.
#pragma once

#include <string>
#include <utility>

#include "grader/checks/check_result.h"

namespace grader {

struct Verdict {
  CheckStatus status = CheckStatus::Error;
  double fraction = 0;  // of the check's points earned
  std::string message;  // full: expected and actual
  std::string safe;     // for hidden checks: no expected values, no output
};

// A pass names what was looked for ("stdout matches /.../"): for a hidden check that is the
// expected value itself, so a hidden check's learner reads only that it passed.
inline Verdict pass(std::string message) {
  return {CheckStatus::Passed, 1.0, std::move(message), "passed"};
}
inline Verdict fail(std::string message, std::string safe) {
  return {CheckStatus::Failed, 0.0, std::move(message), std::move(safe)};
}
inline Verdict error(std::string message) {
  std::string safe = message;
  return {CheckStatus::Error, 0.0, std::move(message), std::move(safe)};
}

}  // namespace grader
