// JobTracker: waits for many Slurm jobs at once with one scheduler query per poll round.
//
// Grading threads call wait(job_id, deadline) and block; one poller thread asks
// `squeue -t all -j id1,id2,...` for every job still in the queue (one query per round, whatever
// the number of jobs), then `sacct -j ...` once per round for the jobs squeue saw finish (their
// exit code, MaxRSS and CPU time live in sacct's batch-step rows, which slurmdbd gets a moment
// after the job ends), and wakes each waiter when its job is settled.
//
// Polling backs off like ReFrame's: the interval starts at min_interval_s, grows by `growth`
// each round in which nothing changed, up to max_interval_s, and drops back to the minimum when a
// job is added or changes state. A job past its deadline is cancelled (one scancel for all of
// them): if it never started, its waiter learns it was stuck pending and why; if it ran, the
// tracker waits for the cancel to land so that its output is complete. A scheduler that does not
// answer max_query_failures times in a row fails every job in flight with its error message.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "grader/run/batch_executor.h"
#include "runners/slurm/slurm_parse.h"

namespace grader::slurm {

struct CommandOutput {
  bool ran = false;  // false: the command could not be run or timed out; `error` says why
  int exit_code = 0;
  std::string out, err, error;
};
// Runs one scheduler command (squeue, sacct, scancel) there, bounded by timeout_s.
using CommandRunner = std::function<CommandOutput(const std::vector<std::string>& argv, double timeout_s)>;

struct TrackerOptions {
  double min_interval_s = 0.2;
  double max_interval_s = 5.0;
  double growth = 1.2;
  double query_timeout_s = 30;
  int max_query_failures = 3;
  // After squeue says a job ended, how long to wait for its sacct rows (batch step).
  double settle_timeout_s = 10;
  // After the grader cancelled a running job, how long to wait for it to end.
  double cancel_grace_s = 30;
};

struct JobOutcome {
  enum class Kind {
    Finished,        // Slurm ended it; state and exit_code say how
    DeadlinePassed,  // the grader cancelled it at its deadline
    SchedulerError,  // the scheduler stopped answering; `error` says what it said
  };
  Kind kind = Kind::Finished;
  std::string state;              // final state as printed ("COMPLETED", "CANCELLED by 0")
  std::string exit_code;          // "code:signal"; empty when unknown
  std::string reason;             // the last pending reason seen (Priority, BeginTime, ...)
  bool started = false;           // it got a node (a start time was seen)
  std::optional<QueueRow> queue;  // squeue's last row for it
  std::vector<AcctRow> acct;      // sacct's rows (allocation and steps); empty if none came
  std::string error;
  std::string note;  // what was missing when it settled without full accounting
};

class JobTracker {
 public:
  JobTracker(CommandRunner run, TrackerOptions options = {});
  ~JobTracker();
  JobTracker(const JobTracker&) = delete;
  JobTracker& operator=(const JobTracker&) = delete;

  // Blocks until the job is settled, cancelled at `deadline`, or the scheduler failed.
  // Thread-safe; any number of threads may wait at once.
  JobOutcome wait(const std::string& job_id, std::chrono::steady_clock::time_point deadline);

  // Cancels every job in flight (Ctrl-C); their waiters get DeadlinePassed-like outcomes with
  // `error` set. Returns how many were cancelled.
  std::size_t cancel_all(const std::string& why);

  // The traffic so far: rounds, queries, scancels (grader/run/batch_executor.h).
  BatchStats stats() const;

 private:
  struct Job;
  void poll_loop();
  void poll_round(std::unique_lock<std::mutex>& lock);
  // poll_round's steps, in order; each takes the lock off while a command runs.
  void cancel_overdue(std::unique_lock<std::mutex>& lock);
  void query_queue(std::unique_lock<std::mutex>& lock);
  void give_up_on_cancelled();
  void settle_with_sacct(std::unique_lock<std::mutex>& lock);
  // What squeue said of one job; a job that ended, or that squeue no longer knows, leaves the
  // queue to settle with sacct.
  void take_queue_row(Job& job, const QueueRow& row);
  void leave_queue(Job& job);
  void queue_query_failed(std::unique_lock<std::mutex>& lock, const std::vector<std::string>& queued,
                          const CommandOutput& r);
  void settle(Job& job, const std::vector<AcctRow>& rows, const CommandOutput& sacct);
  CommandOutput scancel(std::unique_lock<std::mutex>& lock, const std::vector<std::string>& ids);
  // The ids of the jobs not yet done for which pred holds; the job, when it is still not done.
  std::vector<std::string> ids_where(const std::function<bool(const Job&)>& pred) const;
  Job* unfinished(const std::string& id);
  void finish(Job& job, JobOutcome::Kind kind);

  CommandRunner run_;
  TrackerOptions opt_;
  mutable std::mutex mu_;
  std::condition_variable wake_poller_;
  std::condition_variable job_done_;
  std::map<std::string, std::shared_ptr<Job>> jobs_;
  BatchStats stats_;
  double interval_s_;
  int consecutive_failures_ = 0;
  bool changed_ = false;          // a job changed state in this round
  std::uint64_t generation_ = 0;  // bumped when a job is added
  bool stop_ = false;
  std::thread poller_;
};

}  // namespace grader::slurm
