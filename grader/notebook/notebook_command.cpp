// The command of a notebook run; see notebook_command.h.
#include "grader/notebook/notebook_command.h"

#include <algorithm>

#include "grader/notebook/notebook_driver.h"
#include "grader/notebook/notebook_results.h"
#include "grader/util/sha256.h"

namespace grader {

namespace {

constexpr const char* kShownDriver = "<the grader's notebook driver>";

// What the driver may write: the run's cap on a collected file, less room for its last lines, so
// that the results are never cut short by the cap.
std::uint64_t results_budget(const RunSpec& run) {
  std::uint64_t margin = std::min<std::uint64_t>(run.output_limit / 8, 16 * 1024);
  return run.output_limit - margin;
}

}  // namespace

std::vector<std::string> notebook_argv(const RunSpec& run) {
  const NotebookRun& nb = *run.notebook;
  return {"python3",
          "-c",
          kNotebookDriver,
          nb.path,
          notebook_results_path(run.id),
          std::to_string(results_budget(run)),
          nb.kernel,
          nb.allow_errors ? "1" : "0"};
}

std::vector<std::string> notebook_shown_command(const RunSpec& run) {
  std::vector<std::string> argv = notebook_argv(run);
  argv[2] = kShownDriver;
  return argv;
}

nlohmann::json notebook_spec_json(const NotebookRun& notebook) {
  static const std::string driver = sha256_hex(kNotebookDriver);
  return {{"path", notebook.path},
          {"kernel", notebook.kernel},
          {"allow_errors", notebook.allow_errors},
          {"driver_sha256", driver}};
}

void explain_notebook_run(RunResult& result) {
  std::optional<NotebookResult> nb = notebook_result(result);
  if (!nb || result.status == RunStatus::RunnerError || result.status == RunStatus::Skipped) return;
  result.message = describe_notebook_run(*nb, result);
}

}  // namespace grader
