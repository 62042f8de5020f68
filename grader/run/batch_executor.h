// The BatchExecutor seam: an Executor whose runs are a batch system's jobs, as the CLI holds a
// runner's batch side (runners/runner_factory.h) and cancels it on Ctrl-C (cli/interrupt.h).
// A jobscript request is submitted as a job and waited for; once run_commands_as_arrays() is
// called, command requests that arrive together are gathered into job arrays and run as their
// tasks. Slurm's (runners/slurm/slurm_executor.h) is the one there is; nothing in grader/ names it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "grader/run/executor.h"

namespace grader {

// How command runs are gathered into job arrays.
struct ArrayOptions {
  // Submit as soon as this many runs wait (grade sets it to its number of threads)...
  std::size_t expected = 1;
  // ... otherwise once no run arrived for gather_quiet_s, and never later than gather_max_s after
  // the first one.
  double gather_quiet_s = 0.5;
  double gather_max_s = 5;
  std::size_t max_tasks = 1000;  // Slurm's default MaxArraySize is 1001: indices 0..1000
  // How long a task may wait in the queue on top of its own timeout before it is given up as
  // stuck: a class's array shares the cluster's nodes, so tasks start one after another.
  double queue_timeout_s = 1800;
  double kill_grace_s = 2;  // timeout -k: SIGKILL this long after SIGTERM at the time limit
};

struct ArrayStats {
  std::uint64_t arrays = 0;   // array submissions (sbatch --array)
  std::uint64_t tasks = 0;    // command runs submitted as array tasks
  std::uint64_t largest = 0;  // tasks in the largest array
};

// What the scheduler was asked during a grading (grade prints it): one queue query per poll
// round whatever the number of jobs, at most one accounting query per round.
struct BatchStats {
  std::uint64_t rounds = 0;          // poll rounds that queried the queue
  std::uint64_t squeue_queries = 0;  // queue queries; equals rounds
  std::uint64_t sacct_queries = 0;   // accounting queries, for the jobs that just ended
  std::uint64_t scancel_commands = 0;
  std::uint64_t max_jobs_per_query = 0;
  std::uint64_t query_failures = 0;
};

class BatchExecutor : public Executor {
 public:
  // From now on command runs are array tasks (otherwise they are refused: a command belongs on
  // the login node's executor). Call before the first run.
  virtual void run_commands_as_arrays(ArrayOptions options) = 0;

  // Ctrl-C: cancel every job in flight, those being submitted at that moment included, and
  // submit no more. Returns how many were cancelled. Safe from any thread but a signal handler.
  virtual std::size_t cancel_all(const std::string& why) = 0;

  virtual BatchStats stats() const = 0;
  virtual ArrayStats array_stats() const = 0;
};

}  // namespace grader
