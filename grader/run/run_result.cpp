// Names of run and check statuses as they appear in reports.
#include "grader/run/run_result.h"

#include <csignal>
#include <cstring>

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
    case RunStatus::Skipped: return "skipped";
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

std::string how_it_ended(const RunResult& r) {
  if (r.exit_code) return "exited with code " + std::to_string(*r.exit_code);
  if (r.signal) {
    const char* abbrev = sigabbrev_np(*r.signal);
    return "killed by signal " + std::to_string(*r.signal) + " (" +
           (abbrev ? std::string("SIG") + abbrev : "unknown signal") + ")";
  }
  return "ended";
}

bool shows_memory_exhaustion(const RunRequest& request, const RunResult& result) {
  if (!request.memory_bytes) return false;
  const std::string& err = result.err.data;
  for (const char* text : {"MemoryError", "Cannot allocate memory", "std::bad_alloc"})
    if (err.find(text) != std::string::npos) return true;
  return result.signal == SIGKILL || result.signal == SIGSEGV || result.signal == SIGABRT;
}

}  // namespace grader
