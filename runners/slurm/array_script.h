// Command runs as the tasks of one Slurm job array: the batch script that runs task i's command,
// the sbatch options the tasks share, and reading back what each task left. Pure text in and
// out; SlurmExecutor does the submitting and waiting.
//
// Task i runs, under bash on a compute node:
//   cd WORKDIR; ulimit -v MEM; timeout -k GRACE T env K=V... -- ARGV <STDIN
// and then writes DIR/i.status: "RC START END" (bash's $? and $EPOCHREALTIME around the
// command), so that the wall time is the command's to the microsecond, not sacct's whole seconds,
// and a timeout is told from an exit code by the time it took. The environment is the job's
// (what sbatch exported from the grader's side) with the run's laid over it, as on the login node.
//
// Known limit: like any shell, bash reports a command killed by signal N as status 128+N, so an
// exit(137) reads as SIGKILL. A task that Slurm itself ended (time limit, memory, cancel, node
// failure) writes no status: then sacct's state says what happened.
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "grader/run/executor.h"

namespace grader::slurm {

struct ArrayTask {
  const RunRequest* request = nullptr;
  std::string stdin_path;  // a file in the batch directory; empty: /dev/null
};

// What runs must agree on to share an array: sbatch's --mem is one for all its tasks. (Time
// limits need not agree: the array gets the longest, and each task's own `timeout` is exact.)
struct ArrayShape {
  std::optional<std::uint64_t> mem_mb;  // the run's memory limit and room for bash
  auto operator<=>(const ArrayShape&) const = default;
};
ArrayShape array_shape(const RunRequest& request);

// sbatch's options for an array of these tasks (one shape): --time is the longest timeout and
// the kill grace, rounded up to minutes, with a minute to spare.
std::vector<std::string> array_sbatch_flags(const std::vector<ArrayTask>& tasks, double kill_grace_s);

// The whole array's batch script; task i runs tasks[i]. `dir` is the batch directory, where the
// status files go.
std::string array_script(const std::vector<ArrayTask>& tasks, const std::string& dir, double kill_grace_s);

// DIR/i.status, read.
struct TaskStatus {
  int rc = 0;
  double wall_s = 0;
  bool workdir_missing = false;  // the workspace was not there on the compute node
};
std::optional<TaskStatus> parse_task_status(const std::string& text);

// A task's verdict from its status file: exit code, signal, timeout and memory, as the other
// executors classify them. `err` is the task's stderr.
struct TaskVerdict {
  RunStatus status = RunStatus::Ok;
  std::optional<int> exit_code;
  std::optional<int> signal;
  std::string message;
};
TaskVerdict task_verdict(const RunRequest& request, const TaskStatus& status, const std::string& err);

}  // namespace grader::slurm
