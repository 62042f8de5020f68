// Executor selection; see executor_factory.h.
#include "runners/executor_factory.h"

#include "grader/util/usage_error.h"
#include "runners/process/process_executor.h"
#include "runners/sandbox/sandbox_executor.h"

namespace grader {

std::vector<std::string> executor_names() {
  return {"sandbox", "process"};
}

// The sandbox wherever the host allows one; where it allows less, the sandbox runs in its
// fallback mode and the report's runner.isolation says what was in force (never `process`
// silently).
std::string default_executor_name() {
  return "sandbox";
}

std::unique_ptr<Executor> make_executor(const std::string& name) {
  if (name == "process") return std::make_unique<ProcessExecutor>();
  if (name == "sandbox") return std::make_unique<SandboxExecutor>();
  std::string known;
  for (const auto& n : executor_names()) known += (known.empty() ? "" : ", ") + n;
  throw UsageError("unknown executor '" + name + "'; known: " + known);
}

}  // namespace grader
