// The Executor seam: how learner work runs on a machine. `process` (rlimits, timeout, process
// group) is the first; `sandbox` and `slurm` implement the same interface. Everything the core
// knows about running things is this header and run_result.h.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "grader/run/job_limits.h"
#include "grader/run/run_result.h"

namespace grader {

// A rubric's `workspace_size` and `workspace_files`; unset: the executor's defaults.
struct WorkspaceBounds {
  std::optional<std::uint64_t> bytes;
  std::optional<std::uint64_t> files;
};

struct RunRequest {
  std::string id;
  std::vector<std::string> argv;
  std::optional<std::string> jobscript;    // workspace-relative; set for Slurm runs (argv empty)
  JobLimits job_limits;                    // what the jobscript may ask for (jobscript/vetting.h)
  std::filesystem::path workdir;           // the staged workspace; the run's cwd
  std::map<std::string, std::string> env;  // the complete environment, already scrubbed
  std::optional<std::string> stdin_data;   // nullopt: stdin is /dev/null
  double timeout_s = 10;
  std::optional<std::uint64_t> memory_bytes;
  std::uint64_t output_limit = 1024 * 1024;  // per stream
  std::vector<std::string> collect;          // workspace-relative files to read back
};

// The RunResult of a run that could not start at all (empty command, missing workdir, a failed
// set-up): RunnerError with the reason, for every executor and transport alike.
RunResult runner_error(const RunRequest& request, std::string message);

class Executor {
 public:
  virtual ~Executor() = default;
  // Never throws for anything the learner did; a failure to run at all is RunStatus::RunnerError.
  virtual RunResult run(const RunRequest& request) = 0;
  virtual std::string name() const = 0;
  // The controls really in force for runs, as the report lists them ("rlimits", "pgroup", ...).
  virtual std::vector<std::string> isolation() const = 0;
  // Where it runs things: "local", or the Transport's name.
  virtual std::string transport() const { return "local"; }

  // Before the first run of a grading: make the staged workspace available where runs happen
  // and return the workdir they use there (a remote copy, a sandbox's view). The default runs
  // in place. Throws TransportError when that fails.
  virtual std::filesystem::path prepare_workspace(const std::filesystem::path& local_dir) {
    return local_dir;
  }
  // The same, with the rubric's bounds on the workspace as a whole (its size and file count),
  // for an executor that can apply them (the root sandbox's disk_quota); others ignore them.
  virtual std::filesystem::path prepare_workspace(const std::filesystem::path& local_dir,
                                                  const WorkspaceBounds& /*bounds*/) {
    return prepare_workspace(local_dir);
  }
  // After the last run: remove what prepare_workspace made. Never throws.
  virtual void release_workspace(const std::filesystem::path& /*workdir*/) {}
};

}  // namespace grader
