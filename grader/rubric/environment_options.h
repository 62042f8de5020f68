// Parts of the rubric loader (grader/rubric/loader.h): the environment check kinds,
//   environment  = { path = "$PROJECT_DIR/Example", packages = { hpcdemo = "1.1.0" }, ... }
//   requirements = { file = "requirements.txt", pinned = true, contains = ["hpcdemo==1.1.0"] }
//   conda_env    = { file = "environment.yml", profile = "bianca", python = "3.12", ... }
// and the hidden probe runs that `environment` checks are graded from.
#pragma once

#include "grader/rubric/model.h"
#include "grader/util/toml_reader.h"

namespace grader::rubric_loader {

// `value` is the kind's key of the check table `check`.
EnvironmentCheck load_environment_check(const TomlTable& check, const TomlValue& value);
RequirementsCheck load_requirements_check(const TomlTable& check, const TomlValue& value);
CondaEnvCheck load_conda_env_check(const TomlTable& check, const TomlValue& value);

// After every check is read: one probe run per environment path (and one base probe per
// base_setup), appended after the rubric's own runs with the env of the run that built it; each
// environment check learns the ids of its probes.
void add_environment_probes(Rubric& rubric);

}  // namespace grader::rubric_loader
