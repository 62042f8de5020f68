// Evaluating one rubric check against what the runs did. Pure: no processes, no files; file
// contents come in through RunResult::files. Every check kind is unit-testable from data.
#pragma once

#include <map>
#include <string>

#include "grader/checks/check_result.h"
#include "grader/rubric/model.h"
#include "grader/run/run_result.h"

namespace grader {

using RunResults = std::map<std::string, RunResult>;

// The submission's own files as handed in, before any run: an entry of RunResults under this id
// (no run id can be spelled like it), whose `files` hold what static checks (`jobscript`) read.
// grade_submission() fills it.
inline constexpr const char* kSubmissionRun = "@submission";

// A CheckResult carrying the check's identity (id, title, points available, hint) and nothing
// earned yet; every verdict starts from it.
CheckResult blank_result(const CheckSpec& check, bool hidden);

// `hidden` is true when either the check or its run is hidden: then `message` carries no
// expected value and no output of the run. Ignores `needs` (scoring decides those).
CheckResult evaluate_check(const CheckSpec& check, const RunResults& runs, bool hidden);

// Replaces each "{{stdout:RUN}}" in `pattern` with that run's trimmed stdout, regex-quoted when
// `for_regex`. Returns false, with `missing` naming the run, when a referenced run did not
// complete successfully.
bool substitute_placeholders(std::string& pattern, const RunResults& runs, bool for_regex,
                             std::string& missing);

}  // namespace grader
