// What a notebook run did, cell by cell, read back from the JSON lines the notebook driver
// (notebook_driver.h) wrote into the run's workspace and the run collected. Pure: parsing and
// wording only. The lines come from inside the sandbox, so every field is checked for its type and
// a line that does not parse (the last one, cut by a kill or the output cap) is dropped.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "grader/run/run_result.h"

namespace grader {

enum class CellStatus {
  Ok,
  Error,       // raised (and was not tagged raises-exception)
  KernelDied,  // the kernel ended while it ran
  Running,     // it was running when the run was stopped (time or memory limit)
  NotRun,      // a cell before it stopped the notebook, or the run ended first
  Empty,       // no source: nothing to run
  Skipped,     // tagged skip-execution, which Jupyter's executors honour
};

std::string to_string(CellStatus s);

struct CellOutput {
  std::string type;  // stream, execute_result, display_data, error
  std::string name;  // a stream's: stdout, stderr
  std::string text;  // a stream's text, a result's text/plain, an error's "EName: value"
  std::uint64_t bytes = 0;
  bool truncated = false;
  std::vector<std::string> mime;  // a result's or display's MIME types (image/png, text/html, ...)
};

struct CellError {
  std::string ename;
  std::string evalue;
  std::string traceback;  // colours removed
};

struct CellResult {
  int index = 0;  // 1-based, counting every cell of the notebook (markdown too), as a reader counts
  std::string id;
  std::vector<std::string> tags;
  std::string source;  // its first non-blank line, to name it in messages
  CellStatus status = CellStatus::NotRun;
  std::optional<int> execution_count;
  double time_s = 0;
  std::vector<CellOutput> outputs;
  std::optional<CellError> error;
  bool expected_error = false;  // raised, but tagged raises-exception
  std::optional<int> kernel_exit;
  std::optional<int> kernel_signal;
};

enum class NotebookStatus {
  Ok,            // every cell ran without an error
  CellError,     // a cell raised
  KernelDied,    // the kernel died in a cell
  KernelFailed,  // the kernel did not start
  Invalid,       // not a notebook the grader can run (not JSON, nbformat 3, schema)
  Unavailable,   // this runner has no Jupyter
  Interrupted,   // the run was stopped before the driver finished (time or memory limit)
  Missing,       // no results at all: the driver never started
};

std::string to_string(NotebookStatus s);

struct NotebookResult {
  NotebookStatus status = NotebookStatus::Missing;
  std::string reason;  // Invalid, KernelFailed, Unavailable: the driver's words
  std::string path;
  std::string kernel;
  std::string nbformat;                    // "4.5"
  std::uint64_t dropped_output_bytes = 0;  // outputs saved in the file, dropped before running
  std::optional<double> kernel_start_s;
  std::optional<double> time_s;   // the whole notebook, kernel start and shutdown included
  bool truncated = false;         // the results were cut at the run's output_limit
  std::vector<CellResult> cells;  // code cells only, in notebook order
};

// Where the driver writes the results of run `run_id`, relative to the workspace.
std::string notebook_results_path(const std::string& run_id);

NotebookResult parse_notebook_results(std::string_view jsonl, bool truncated);

// The results of a notebook run, read from its collected file; nullopt for any other run.
std::optional<NotebookResult> notebook_result(const RunResult& run);

// The first cell that did not run as it should (raised, killed its kernel, was still running at a
// limit), or nullptr.
const CellResult* first_failure(const NotebookResult& nb);

// "cell 5 (`df.Height.mean()`)": how messages name a cell.
std::string cell_name(const CellResult& cell);

// "raised KeyError: 'Height'", "killed the kernel (exit code 3)", ...: what went wrong in `cell`.
std::string cell_problem(const CellResult& cell);

// How a notebook run went, in a phrase that follows "the run " like RunResult::message does:
// "raised KeyError in cell 4 (`df['Height']`): 'Height'", "timed out after 10 s; cell 6 (`while
// True:`) was running". Empty when every cell ran without error.
std::string describe_notebook_run(const NotebookResult& nb, const RunResult& run);

}  // namespace grader
