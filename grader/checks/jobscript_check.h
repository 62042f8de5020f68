// The jobscript check kind: a submitted Slurm jobscript, parsed (grader/jobscript/parser.h), held
// against the requirements of a JobscriptCheck and, through it, of a cluster profile. Pure: the
// script's text comes in as a string. evaluate_check() calls it for `jobscript` checks.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "grader/checks/requirement.h"
#include "grader/rubric/model.h"

namespace grader {

struct JobscriptEvaluation {
  std::vector<Requirement> requirements;  // in the order they are documented
  std::vector<std::string> notes;         // warnings that no requirement reported
  int met() const;
  int total() const { return static_cast<int>(requirements.size()); }
};

// `file` names the script in messages ("job.sh").
JobscriptEvaluation evaluate_jobscript(const JobscriptCheck& check, std::string_view text);

}  // namespace grader
