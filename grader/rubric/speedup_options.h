// Parts of the rubric loader (grader/rubric/loader.h): the options of a speedup check,
//   speedup = { serial = "one", parallel = "all-cores", value = 1.0, lower = -0.4,
//               reference = "solution", min_reference = 1.3 }
// with every rule broken a RubricError at the value (docs/rubrics.md, "speedup").
#pragma once

#include <string>
#include <vector>

#include "grader/rubric/speedup_spec.h"
#include "grader/util/toml_reader.h"

namespace grader::rubric_loader {

// `value` is the `speedup` key of the check table `check`; `run_ids` the rubric's runs.
SpeedupCheck load_speedup_check(const TomlTable& check, const TomlValue& value,
                                const std::vector<std::string>& run_ids);

}  // namespace grader::rubric_loader
