// ProcessExecutor: runs learner work as a plain child process of the grader, with rlimits, a
// wall-clock timeout, capped output pipes and a kill of everything it started. The weakest
// executor (no namespaces, no cgroups, same user as the grader), and the one that works on any
// Linux host, HPC login nodes included.
//
// Per run, in the child before exec: a new session and process group (setsid: no controlling
// terminal, so no TIOCSTI into the teacher's shell, and no way back into the grader's session),
// PR_SET_PDEATHSIG SIGKILL, RLIMIT_CORE 0, RLIMIT_FSIZE (file_size_limit, 64 MiB by default),
// RLIMIT_AS (request.memory_bytes, when set), signal dispositions and mask reset, and every
// inherited descriptor above stderr closed. The grader process becomes the child subreaper, so
// that double-forked and setsid'd descendants come back to it and are killed and reaped when the
// main process ends; nothing the learner started outlives run().
//
// Threads: runs are serialised process-wide (a second run() waits for the first, whichever
// ProcessExecutor it is called on). While a run is in flight, other code in the grader process
// must not start children that call setsid(): after the learner's main process ends, run() kills
// every child of the grader that sits in a session other than the grader's and did not exist
// when the run began. Call run() from a thread that lives until it returns (PR_SET_PDEATHSIG
// fires when the forking *thread* exits).
//
// Memory: max_rss_kb is the main process's ru_maxrss (Linux carries the forked grader's RSS into
// it, so it is never below the grader's own footprint at fork time) and cpu_s includes the CPU
// of the leftovers it killed. RLIMIT_AS limits address space, not RSS: interpreters see a failed
// allocation (Python's MemoryError), which is classified as MemoryLimit.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "grader/run/executor.h"

namespace grader {

class ProcessExecutor final : public Executor {
 public:
  // RLIMIT_FSIZE for every run: the largest file a learner may write. Big enough for any
  // exercise's output files, small enough that a runaway loop cannot fill the disk.
  static constexpr std::uint64_t kDefaultFileSizeLimit = 64ull * 1024 * 1024;

  explicit ProcessExecutor(std::uint64_t file_size_limit = kDefaultFileSizeLimit);

  RunResult run(const RunRequest& request) override;
  std::string name() const override { return "process"; }
  std::vector<std::string> isolation() const override;

  std::uint64_t file_size_limit() const { return file_size_limit_; }

 private:
  std::uint64_t file_size_limit_;
  bool subreaper_ = false;
};

}  // namespace grader
