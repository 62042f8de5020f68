// The conda_env check kind: an environment.yml read with yaml-cpp (line numbers kept for the
// messages) against a cluster's conda rules, and the script that creates the environment read
// with the jobscript parser's shell reader. Pure: both texts come in as strings.
#pragma once

#include <string_view>
#include <vector>

#include "grader/checks/requirement.h"
#include "grader/rubric/environment_spec.h"

namespace grader {

// Requirements in a fixed order: yaml, name, channels, dependencies; mirrored (with `mirrored`),
// python, packages... and pins (with `python` or `packages`), no_pip (with `no_pip`); the script's
// conda_module and project_storage come from evaluate_conda_script. A file that is not YAML gives
// one unmet "yaml" requirement naming file:line.
std::vector<Requirement> evaluate_conda_yaml(const CondaEnvCheck& check, std::string_view text);
std::vector<Requirement> evaluate_conda_script(const CondaEnvCheck& check, std::string_view text);

}  // namespace grader
