// What a rubric says about notebooks: a [[run]] that executes one (`notebook = "analysis.ipynb"`)
// and the check that the notebook ran without an error (`notebook.no_errors = true`). The check
// of one cell's output (CellCheck) is in model.h, beside the matchers it uses.
#pragma once

#include <string>

namespace grader {

// `notebook = "analysis.ipynb"` or `notebook = { path = ..., kernel = ..., allow_errors = ... }`.
struct NotebookRun {
  std::string path;  // workspace-relative
  // The kernelspec to run it with, whatever the notebook's metadata names (a learner's laptop
  // calls its kernel "myenv"; the runner has its own).
  std::string kernel = "python3";
  // true: every cell runs and each error is kept with its cell (nbgrader's way: later answers
  // still earn their points); false: the run stops at the first error, as `jupyter nbconvert
  // --execute` does, and later cells are not run.
  bool allow_errors = true;
};

// `notebook.no_errors = true`: every cell ran, none raised; the message names the first that did not.
struct NotebookCheck {
  bool no_errors = true;
};

}  // namespace grader
