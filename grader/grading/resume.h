// What a grading depends on, as one key: the grader's version, the rubric's and the provided
// files' content, the submission's content and the runner (transport, host, cluster, executor and
// the isolation in force). `grade` skips a submission whose run record has the same key: grading
// it again could only give the same report. docs/grading.md ("Resuming").
#pragma once

#include <string>

#include "grader/report/report.h"

namespace grader {

// "sha256:..." over those fields (the submission's from provenance.submission_hash).
std::string grading_key(const Provenance& provenance, const RunnerInfo& runner);

}  // namespace grader
