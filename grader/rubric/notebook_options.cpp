// Notebook runs and the checks of their cells; see notebook_options.h.
#include "grader/rubric/notebook_options.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "grader/rubric/value_rules.h"

namespace grader::rubric_loader {

namespace {

const std::vector<std::string> kNotebookRunKeys = {"path", "kernel", "allow_errors"};
const std::vector<std::string> kCellKeys = {"tag", "contains", "regex", "exact", "lines", "number"};
const std::vector<std::string> kNotebookCheckKeys = {"no_errors"};

// Keys of a [[run]] that a notebook run has no use for, and why.
const std::vector<std::pair<std::string, std::string>> kNotForNotebooks = {
    {"command", "the grader builds the command that runs the notebook in a kernel"},
    {"jobscript", "a notebook runs in a Jupyter kernel, not as a Slurm job"},
    {"stdin", "a notebook's kernel has no standard input (input() raises an error)"},
    {"stdin_file", "a notebook's kernel has no standard input (input() raises an error)"},
    {"unavailable",
     "a notebook run says by itself when this runner has no Jupyter, and its checks are then skipped"},
};

constexpr const char* kUnavailableReason =
    "this runner cannot run notebooks: it has no Jupyter kernel (Debian's python3-nbclient and "
    "python3-ipykernel)";

// Kernelspec names as Jupyter allows them: letters, digits, '.', '_' and '-'.
bool valid_kernel_name(const std::string& name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-';
  });
}

std::string notebook_path(const TomlTable& t, std::string_view key, const std::string& path,
                          const SourcePos& at) {
  std::string checked = checked_path(t, key, path, at);
  if (checked.size() < 7 || checked.compare(checked.size() - 6, 6, ".ipynb") != 0)
    fail(at, t.key_name(key) + " names '" + path + "', which is not a notebook (a .ipynb file)");
  return checked;
}

NotebookRun notebook_table(const TomlTable& s, const TomlTable& t) {
  t.reject_unknown(kNotebookRunKeys);
  NotebookRun nb;
  std::optional<std::string> path = t.get_string("path");
  if (!path) fail(t.pos(), "key 'notebook' " + s.where() + " has no 'path'; add path = \"analysis.ipynb\"");
  nb.path = notebook_path(t, "path", *path, t.value_pos("path"));
  if (std::optional<std::string> kernel = get_line(t, "kernel")) {
    if (!valid_kernel_name(*kernel)) {
      fail(t.value_pos("kernel"), "kernel '" + *kernel + "' " + s.where() +
                                      " is not a kernelspec name (letters, digits, '.', '_', '-'; "
                                      "`jupyter kernelspec list` shows them)");
    }
    nb.kernel = *kernel;
  }
  nb.allow_errors = t.get_bool("allow_errors").value_or(true);
  return nb;
}

}  // namespace

void load_notebook_run(const TomlTable& s, const std::string& label, RunSpec& run) {
  TomlValue value = *s.get("notebook");
  NotebookRun nb;
  if (const std::string* path = value.as_string()) {
    nb.path = notebook_path(s, "notebook", *path, value.pos());
  } else if (std::optional<TomlTable> t = value.as_table("in key 'notebook' " + s.where())) {
    nb = notebook_table(s, *t);
  } else {
    s.wrong_type("notebook", value,
                 "a path like \"analysis.ipynb\" or a table like { path = \"analysis.ipynb\", kernel = "
                 "\"python3\" }");
  }
  for (const auto& [key, why] : kNotForNotebooks) {
    if (s.has(key)) fail(s.key_pos(key), label + " runs a notebook, so it takes no '" + key + "': " + why);
  }
  run.notebook = std::move(nb);
  run.unavailable_exit = kNotebookUnavailableExit;
  run.unavailable_reason = kUnavailableReason;
}

CellCheck load_cell_check(const TomlTable& check, const TomlValue& value, const MatcherLoader& load_matcher) {
  std::optional<TomlTable> t = value.as_table(check.where());
  if (!t) check.wrong_type("cell", value, "a table like { tag = \"answer-mean\", contains = \"...\" }");
  t->reject_unknown(kCellKeys);
  std::optional<std::string> tag = get_line(*t, "tag");
  if (!tag || tag->empty()) {
    fail(t->pos(), "key 'cell' " + check.where() +
                       " has no 'tag'; add e.g. tag = \"answer-mean\", the tag of the cell (in its "
                       "metadata.tags) whose output it grades");
  }
  CellCheck cell;
  cell.tag = *tag;
  cell.match = load_matcher("cell");
  return cell;
}

NotebookCheck load_notebook_check(const TomlTable& check, const TomlValue& value) {
  std::optional<TomlTable> t = value.as_table(check.where());
  if (!t) check.wrong_type("notebook", value, "a table like { no_errors = true }");
  t->reject_unknown(kNotebookCheckKeys);
  std::optional<bool> no_errors = t->get_bool("no_errors");
  if (!no_errors) fail(t->pos(), "key 'notebook' " + check.where() + " needs no_errors = true");
  if (!*no_errors) {
    fail(t->value_pos("no_errors"), "'no_errors = false' " + check.where() +
                                        " is not supported; a notebook check asks that every cell "
                                        "runs without an error (no_errors = true)");
  }
  return NotebookCheck{};
}

void check_notebook_checks(const Rubric& rubric) {
  for (const CheckSpec& check : rubric.checks) {
    const bool cell = std::holds_alternative<CellCheck>(check.kind);
    if (!cell && !std::holds_alternative<NotebookCheck>(check.kind)) continue;
    const RunSpec* run = rubric.find_run(check.run);
    if (run && run->notebook) continue;
    const std::string what = run && run->jobscript ? "is a Slurm job" : "runs a command";
    fail(check.pos, "check '" + check.id + "' reads " + (cell ? "a notebook cell" : "a notebook's cells") +
                        ", but run '" + check.run + "' " + what +
                        "; name a run with notebook = \"analysis.ipynb\"");
  }
}

}  // namespace grader::rubric_loader
