// ArrayBatches: the command runs that arrive together, gathered into batches that become one
// Slurm job array each (SlurmExecutor submits and waits; array_script.h writes the script). A run
// joins the open batch of its shape (the runs of one array share sbatch's --mem). The first run's
// thread leads the batch: it waits until the batch is full (ArrayOptions::expected runs), quiet
// (no run for gather_quiet_s) or old (gather_max_s since its first run), closes it and submits
// it; the other members wait for that. Each member then waits for its own task, and the last one
// done with the batch cleans up after it. Threads only, no processes.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "grader/run/batch_executor.h"
#include "runners/slurm/array_script.h"

namespace grader::slurm {

// The runs gathered into one array. Every member's thread blocks in join() until the leader has
// submitted it, so the RunRequests it points to stay alive until then.
struct ArrayBatch {
  ArrayShape shape;
  std::vector<const RunRequest*> runs;
  std::chrono::steady_clock::time_point first, last;  // arrivals
  bool closed = false;                                // takes no more runs
  bool submitted = false;                             // the leader is done: job_id, or `failure`
  // Set by the submitter:
  std::string job_id, dir;
  std::optional<RunResult> failure;
  std::chrono::steady_clock::time_point submit_time;
  std::size_t reading = 0;  // members not done with the batch; see ArrayBatches::leave
};

class ArrayBatches {
 public:
  // `options.expected` is clamped to 1..max_tasks.
  explicit ArrayBatches(ArrayOptions options);
  const ArrayOptions& options() const { return opt_; }

  // Adds `run` to the open batch of its shape and returns once that batch is submitted: the
  // batch and the run's task index in it. The leader's thread runs submit(batch) (without the
  // lock), which sets job_id and dir, or failure.
  struct Place {
    std::shared_ptr<ArrayBatch> batch;
    std::size_t index = 0;
  };
  Place join(const RunRequest& run, const std::function<void(ArrayBatch&)>& submit);

  // A member is done with its batch: true for the last one, which cleans up after it.
  bool leave(ArrayBatch& batch);

  ArrayStats stats() const;

 private:
  void close(ArrayBatch& batch);  // under mu_
  void lead(std::unique_lock<std::mutex>& lock, ArrayBatch& batch,
            const std::function<void(ArrayBatch&)>& submit);

  ArrayOptions opt_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::map<ArrayShape, std::shared_ptr<ArrayBatch>> open_;  // still taking runs
  ArrayStats stats_;
};

}  // namespace grader::slurm
