// Cell and notebook checks; see notebook_cells.h.
#include "grader/checks/notebook_cells.h"

#include <set>
#include <vector>

#include "grader/notebook/notebook_results.h"
#include "grader/util/text.h"
#include "grader/util/units.h"

namespace grader {

namespace {

// Why the notebook has no cells to grade, or "" when it ran (however far).
std::string not_run_reason(const NotebookResult& nb, const RunResult& run) {
  switch (nb.status) {
    case NotebookStatus::Invalid:
    case NotebookStatus::KernelFailed:
    case NotebookStatus::Unavailable: return "the notebook did not run: " + nb.reason;
    case NotebookStatus::Missing:
      return "the notebook did not run" + (run.message.empty() ? std::string() : ": the run " + run.message);
    default: return "";
  }
}

std::vector<const CellResult*> tagged(const NotebookResult& nb, const std::string& tag) {
  std::vector<const CellResult*> out;
  for (const auto& c : nb.cells)
    for (const auto& t : c.tags)
      if (t == tag) {
        out.push_back(&c);
        break;
      }
  return out;
}

std::string no_such_tag(const NotebookResult& nb, const std::string& tag) {
  std::set<std::string> seen;
  for (const auto& c : nb.cells) seen.insert(c.tags.begin(), c.tags.end());
  std::vector<std::string> tags(seen.begin(), seen.end());
  std::string msg = "no cell of " + nb.path + " is tagged '" + tag + "'" + did_you_mean(tag, tags);
  return msg + " (a cell's tags are in its metadata: in JupyterLab, the property inspector; in " +
         "Notebook 7, the cell toolbar's tags)";
}

// Why a tagged cell has no output to grade: it never ran, or did not finish.
std::string cell_not_graded(const CellResult& cell, const std::string& name, const NotebookResult& nb,
                            const RunResult& run) {
  switch (cell.status) {
    case CellStatus::Empty: return name + " is empty: the answer goes in that cell";
    case CellStatus::Skipped: return name + " was not run: it is tagged skip-execution";
    case CellStatus::Running: return name + " did not finish: the run " + run.message;
    case CellStatus::KernelDied: return name + " " + cell_problem(cell);
    default: break;
  }
  const CellResult* failed = first_failure(nb);
  if (failed && failed != &cell)
    return name + " did not run: " + cell_name(*failed) + " " + cell_problem(*failed) + " before it";
  return name + " did not run" + (run.message.empty() ? std::string() : ": the run " + run.message);
}

// What a reader sees below the cell, warnings on stderr aside.
void read_outputs(const CellResult& cell, CellSubject& s) {
  for (const auto& o : cell.outputs) {
    const bool result = o.type == "execute_result" || o.type == "display_data";
    if (!result && !(o.type == "stream" && o.name == "stdout")) continue;
    s.text += o.text;
    if (result && !o.text.empty() && o.text.back() != '\n') s.text += '\n';
    s.truncated = s.truncated || o.truncated;
  }
}

}  // namespace

CellSubject cell_subject(const CellCheck& check, const RunResult& run) {
  CellSubject s;
  std::optional<NotebookResult> nb = notebook_result(run);
  if (!nb) {
    s.error = "run '" + run.id + "' kept no notebook results";
    return s;
  }
  if (std::string why = not_run_reason(*nb, run); !why.empty()) {
    s.failure = why;
    return s;
  }
  std::vector<const CellResult*> cells = tagged(*nb, check.tag);
  if (cells.empty()) {
    s.failure = no_such_tag(*nb, check.tag);
    return s;
  }
  const CellResult& cell = *cells.front();
  s.name = "cell " + std::to_string(cell.index) + " (tagged '" + check.tag + "')";
  if (cell.status != CellStatus::Ok && cell.status != CellStatus::Error) {
    s.failure = cell_not_graded(cell, s.name, *nb, run);
    return s;
  }
  read_outputs(cell, s);
  if (cell.status == CellStatus::Error) s.note = "; the cell " + cell_problem(cell);
  if (cells.size() > 1)
    s.note +=
        "; " + std::to_string(cells.size()) + " cells carry the tag '" + check.tag + "', the first is graded";
  return s;
}

NotebookVerdict notebook_verdict(const RunResult& run) {
  NotebookVerdict v;
  std::optional<NotebookResult> nb = notebook_result(run);
  if (!nb) {
    v.error = "run '" + run.id + "' kept no notebook results";
    return v;
  }
  if (std::string why = not_run_reason(*nb, run); !why.empty()) {
    v.message = why;
    return v;
  }
  const CellResult* failed = first_failure(*nb);
  if (failed && failed->status != CellStatus::Running) {
    v.message = cell_name(*failed) + " " + cell_problem(*failed);
    return v;
  }
  if (failed || nb->status != NotebookStatus::Ok) {
    v.message = "the notebook did not finish: the run " + run.message;
    return v;
  }
  int ran = 0;
  for (const auto& c : nb->cells) ran += c.status == CellStatus::Ok ? 1 : 0;
  v.passed = true;
  v.message = "all " + std::to_string(ran) + " code cells ran without an error" +
              (nb->time_s ? " (" + format_duration(*nb->time_s) + ")" : std::string());
  return v;
}

bool reads_notebook(const CheckKind& kind) {
  return std::holds_alternative<CellCheck>(kind) || std::holds_alternative<NotebookCheck>(kind);
}

}  // namespace grader
