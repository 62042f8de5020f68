// Evaluating `pytest` checks (grader/rubric/pytest_spec.h) from the JUnit XML their run left.
// Pure. A test's check passes only when the XML says every case of that test passed; a test the
// XML does not mention is an error, never a pass. The learner reads a failure's assertion
// message; the traceback (with the tests' source lines) and the seed go to the teacher's
// `detail` only.
#pragma once

#include "grader/checks/check_result.h"
#include "grader/checks/evaluate.h"
#include "grader/rubric/model.h"

namespace grader {

// `check.kind` holds a PytestCheck. `hidden`: the check's own `hidden` (its run is hidden for the
// tests' sake, which says nothing of its verdicts); then the learner reads only the status.
CheckResult evaluate_pytest(const CheckSpec& check, const RunResults& runs, bool hidden);

}  // namespace grader
