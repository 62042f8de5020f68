// Evaluating a speedup check (grader/rubric/speedup_spec.h) from the runs' measured times: the
// submission's runs, and for a relative check the reference solution's runs of the same ids
// ("@reference:ID"). Pure: RunResults in, a verdict out.
#pragma once

#include <map>
#include <string>

#include "grader/checks/check_result.h"
#include "grader/rubric/speedup_spec.h"
#include "grader/run/run_result.h"

namespace grader {

struct SpeedupVerdict {
  CheckStatus status = CheckStatus::Error;
  std::string message;       // measured, expected, and what the reference measured
  std::string safe;          // for hidden checks: measured only, no bounds
  bool unavailable = false;  // skipped: this runner cannot show the effect now (not the learner's doing)
};

SpeedupVerdict evaluate_speedup(const SpeedupCheck& check, const std::map<std::string, RunResult>& runs);

}  // namespace grader
