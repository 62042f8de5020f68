// How the grader runs a notebook: the command it builds for a notebook run (the driver of
// notebook_driver.h, under `python3 -c`), how reports show that command, what of it a run record
// keeps, and the sentence a notebook run's result ends with once its cells are read back.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "grader/rubric/model.h"
#include "grader/run/run_result.h"

namespace grader {

// The argv that runs `run` (which has a notebook): python3 -c DRIVER NOTEBOOK RESULTS BUDGET
// KERNEL ALLOW_ERRORS.
std::vector<std::string> notebook_argv(const RunSpec& run);

// The same, as reports show it: the driver's text replaced by "<the grader's notebook driver>".
std::vector<std::string> notebook_shown_command(const RunSpec& run);

// What a run record keeps of the notebook (path, kernel, allow_errors, and the driver's SHA-256,
// so that a grader with another driver runs the notebook again rather than re-score old results).
nlohmann::json notebook_spec_json(const NotebookRun& notebook);

// After the run: its message says how the notebook went ("failed: cell 4 (`df['Height']`) raised
// KeyError: 'Height'", "timed out after 10 s; cell 6 (`while True:`) was running").
void explain_notebook_run(RunResult& result);

}  // namespace grader
