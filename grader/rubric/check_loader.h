// Parts of the rubric loader (grader/rubric/loader.h): one [[check]] table into a check with
// its kind (exit_code, stdout/stderr/file matchers, time and memory bounds, jobscript), its
// `needs` still unresolved.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "grader/rubric/check_order.h"
#include "grader/util/toml_reader.h"

namespace grader::rubric_loader {

// The check at `index` of [[check]]; `run_ids` are the rubric's runs, in file order.
PendingCheck load_check(const TomlTable& table, std::size_t index, const std::vector<std::string>& run_ids);

}  // namespace grader::rubric_loader
