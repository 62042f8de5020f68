// Ctrl-C while Slurm jobs are in flight: cancel them all (one scancel), then die of the signal as
// usual. main() makes one InterruptGuard before anything else, so that SIGINT, SIGTERM and SIGHUP
// are blocked in every thread the grader ever starts (the Slurm poller included) and are taken by
// sigwait in the guard's own thread; a command that submits jobs names its executor with
// WatchJobs for as long as it lives.
#pragma once

#include <thread>

namespace grader {
class SlurmExecutor;
}

namespace grader::cli {

class InterruptGuard {
 public:
  InterruptGuard();
  ~InterruptGuard();
  InterruptGuard(const InterruptGuard&) = delete;
  InterruptGuard& operator=(const InterruptGuard&) = delete;

 private:
  std::thread waiter_;
};

// While it lives, an interrupt cancels the jobs of `slurm` (may be null: nothing to cancel).
// Declare it after the Runner that owns the executor, so that it ends first.
class WatchJobs {
 public:
  explicit WatchJobs(SlurmExecutor* slurm);
  ~WatchJobs();
  WatchJobs(const WatchJobs&) = delete;
  WatchJobs& operator=(const WatchJobs&) = delete;
};

}  // namespace grader::cli
