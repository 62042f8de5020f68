// Parts of the rubric loader (grader/rubric/loader.h): the options of a jobscript check,
//   jobscript = { file = "job.sh", profile = "rackham", require = ["account"], max_time = true }
// each key one requirement; `true` takes the value from the cluster profile.
#pragma once

#include "grader/rubric/model.h"
#include "grader/util/toml_reader.h"

namespace grader::rubric_loader {

// `value` is the `jobscript` key of the check table `check`.
JobscriptCheck load_jobscript_check(const TomlTable& check, const TomlValue& value);

}  // namespace grader::rubric_loader
