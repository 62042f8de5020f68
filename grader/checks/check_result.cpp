// Check verdicts' names, as reports and the gradebook write them; see check_result.h.
#include "grader/checks/check_result.h"

namespace grader {

std::string to_string(CheckStatus s) {
  switch (s) {
    case CheckStatus::Passed: return "passed";
    case CheckStatus::Failed: return "failed";
    case CheckStatus::Skipped: return "skipped";
    case CheckStatus::Error: return "error";
  }
  return "error";
}

}  // namespace grader
