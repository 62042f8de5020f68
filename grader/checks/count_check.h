// `count` matchers: how many lines of a run's output match a pattern. Pure.
#pragma once

#include <string>
#include <string_view>

#include "grader/checks/check_verdict.h"
#include "grader/rubric/model.h"

namespace grader {

// `text` is what was printed (stdout, stderr or a file), `name` how messages call it ("stdout").
// More matches than expected, all the same line, is said as what it usually is: the program ran
// as that many copies, each printing its own result (MPI ranks that all print, or N serial
// copies started without MPI).
Verdict eval_count(const CountMatch& m, std::string_view text, const std::string& name);

}  // namespace grader
