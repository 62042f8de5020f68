// Names of run and check statuses as they appear in reports.
#include "grader/run/run_result.h"

#include "grader/checks/check_result.h"
#include "grader/run/executor.h"

namespace grader {

std::string to_string(RunStatus s) {
  switch (s) {
    case RunStatus::Ok: return "ok";
    case RunStatus::NonzeroExit: return "nonzero_exit";
    case RunStatus::Signaled: return "signaled";
    case RunStatus::Timeout: return "timeout";
    case RunStatus::MemoryLimit: return "memory_limit";
    case RunStatus::OutputLimit: return "output_limit";
    case RunStatus::RunnerError: return "runner_error";
  }
  return "runner_error";
}

RunResult runner_error(const RunRequest& request, std::string message) {
  RunResult r;
  r.id = request.id;
  r.status = RunStatus::RunnerError;
  r.message = std::move(message);
  return r;
}

std::string to_string(CheckStatus s) {
  switch (s) {
    case CheckStatus::Passed: return "passed";
    case CheckStatus::Failed: return "failed";
    case CheckStatus::Skipped: return "skipped";
    case CheckStatus::Error: return "error";
  }
  return "error";
}

}  // namespace grader
