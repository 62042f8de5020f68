// Re-scoring a recorded grading with the rubric of today (`grader regrade`): checks are pure
// functions of run results, so after a change to checks only (points, patterns, tolerances,
// hints, new checks on the runs there were) the recorded runs give the report the learner's code
// would give again, without running it. A change to the runs themselves cannot be re-scored:
// rescore_refusal says what changed.
#pragma once

#include <string>
#include <vector>

#include "grader/report/run_record.h"
#include "grader/rubric/model.h"

namespace grader {

// Why `record` cannot be re-scored with `rubric` (its runs, or the provided files, changed since
// it was graded), one sentence each; empty when it can. `provided_hash`: provided/'s tree hash now.
std::vector<std::string> rescore_refusal(const Rubric& rubric, const std::string& provided_hash,
                                         const RunRecord& record);

// The record's report scored again with `rubric`; its provenance becomes `now`'s (version,
// rubric, commit), with `regraded` set, and its key follows, so that `grade` resumes from it.
RunRecord rescore(const Rubric& rubric, const RunRecord& record, const Provenance& now);

}  // namespace grader
