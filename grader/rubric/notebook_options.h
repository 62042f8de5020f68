// Parts of the rubric loader (grader/rubric/loader.h): notebooks. A [[run]]'s `notebook` key,
// the `cell` and `notebook` check kinds, and the rule that ties them: a check of cells grades a
// notebook run.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <variant>

#include "grader/rubric/model.h"
#include "grader/util/toml_reader.h"

namespace grader::rubric_loader {

// The exit code by which the notebook driver says that this runner has no Jupyter to run
// notebooks with: the run's checks are then skipped as unavailable, never failed.
inline constexpr int kNotebookUnavailableExit = 4;

// `notebook = "analysis.ipynb"` or `notebook = { path = ..., kernel = ..., allow_errors = ... }`
// in run `s` (named `label`), which must then have no command, jobscript, stdin or unavailable.
// Sets run.notebook and the run's unavailable code.
void load_notebook_run(const TomlTable& s, const std::string& label, RunSpec& run);

// The matcher (contains, regex, exact, lines, number) of the table under `key` of the check.
using MatcherLoader = std::function<OutputMatch(std::string_view key)>;

// cell = { tag = "answer-mean", MATCHER = ... } in check `check`.
CellCheck load_cell_check(const TomlTable& check, const TomlValue& value, const MatcherLoader& load_matcher);

// notebook = { no_errors = true } in check `check`.
NotebookCheck load_notebook_check(const TomlTable& check, const TomlValue& value);

// After loading: every cell and notebook check grades a notebook run.
void check_notebook_checks(const Rubric& rubric);

}  // namespace grader::rubric_loader
