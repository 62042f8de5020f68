// The notebook side of check evaluation (evaluate.h): the text a `cell` check's matcher reads,
// found by the cell's tag in the run's notebook results, or why there is none; and the verdict of
// a `notebook.no_errors` check. Pure, like every check.
#pragma once

#include <string>

#include "grader/rubric/model.h"
#include "grader/run/run_result.h"

namespace grader {

// What a cell check grades. Exactly one of: `error` (the check cannot be evaluated), `failure`
// (the check fails with this message: no such tag, the cell did not run), or the text.
struct CellSubject {
  std::string text;  // the cell's stdout and the text/plain of its results, in order
  std::string name;  // "cell 5 (tagged 'answer-mean')"
  bool truncated = false;
  std::string note;  // added to a failed match: "; the cell raised NameError: ..."
  std::string failure;
  std::string error;
};

CellSubject cell_subject(const CellCheck& check, const RunResult& run);

struct NotebookVerdict {
  bool passed = false;
  std::string message;
  std::string error;  // the check cannot be evaluated
};

NotebookVerdict notebook_verdict(const RunResult& run);

// Cell and notebook checks word how the notebook went themselves: the generic "(the run ...)"
// suffix of a failed check would say it twice.
bool reads_notebook(const CheckKind& kind);

}  // namespace grader
