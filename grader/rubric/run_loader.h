// Parts of the rubric loader (grader/rubric/loader.h): one [[run]] table into a RunSpec.
#pragma once

#include <cstddef>
#include <map>
#include <string>

#include "grader/rubric/model.h"
#include "grader/util/toml_reader.h"

namespace grader::rubric_loader {

// "run 'main'" when the table has a string id, else "run #N" (N = index + 1): how messages name
// a [[run]] or, with `noun` = "check", a [[check]].
std::string table_label(const TomlTable& table, std::size_t index, const std::string& noun);

// The run at `index` of [[run]]; `earlier` maps the ids of the runs before it to their lines
// (a repeated id is an error).
RunSpec load_run(const TomlTable& table, std::size_t index, const std::map<std::string, int>& earlier);

}  // namespace grader::rubric_loader
