// The environment check kinds: a venv judged from what its own interpreter reported (the probe
// runs the loader adds, grader/checks/environment_probe.h), and a pip requirements file. Pure:
// the probes' output and the file's text come in as data. evaluate_check() calls them.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "grader/checks/requirement.h"
#include "grader/rubric/environment_spec.h"
#include "grader/run/run_result.h"

namespace grader {

using RunResults = std::map<std::string, RunResult>;

struct EnvironmentEvaluation {
  std::vector<Requirement> requirements;  // one per key the check sets
  std::string error;                      // set when the probe's answer could not be read
};

// `build` is the run that made the env (its pip errors are quoted when the env is missing);
// `runs` holds the probes and the runs `home` refers to.
EnvironmentEvaluation evaluate_environment(const EnvironmentCheck& check, const RunResult& build,
                                           const RunResults& runs);

// `text` is the file as the run left it; `file` names it in messages.
std::vector<Requirement> evaluate_requirements(const RequirementsCheck& check, std::string_view text);

// PEP 503's normal form of a distribution name: lower case, runs of -_. as one '-'.
std::string normalize_distribution_name(std::string_view name);

}  // namespace grader
