// Command runs gathered into job arrays; see array_batches.h.
#include "runners/slurm/array_batches.h"

#include <algorithm>

namespace grader::slurm {

namespace {

using Clock = std::chrono::steady_clock;

Clock::duration seconds(double s) {
  return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(s));
}

}  // namespace

ArrayBatches::ArrayBatches(ArrayOptions options) : opt_(options) {
  opt_.expected = std::max<std::size_t>(1, std::min(opt_.expected, opt_.max_tasks));
}

ArrayBatches::Place ArrayBatches::join(const RunRequest& run,
                                       const std::function<void(ArrayBatch&)>& submit) {
  const ArrayShape shape = array_shape(run);
  std::unique_lock<std::mutex> lock(mu_);
  auto& slot = open_[shape];
  const bool leader = !slot;
  if (leader) {
    slot = std::make_shared<ArrayBatch>();
    slot->shape = shape;
    slot->first = Clock::now();
  }
  Place place{slot, slot->runs.size()};
  ArrayBatch& b = *place.batch;
  b.runs.push_back(&run);
  b.last = Clock::now();
  if (b.runs.size() >= opt_.expected) close(b);
  cv_.notify_all();
  if (leader) {
    lead(lock, b, submit);
  } else {
    cv_.wait(lock, [&] { return b.submitted; });
  }
  return place;
}

void ArrayBatches::close(ArrayBatch& b) {
  b.closed = true;
  auto it = open_.find(b.shape);
  if (it != open_.end() && it->second.get() == &b) open_.erase(it);
}

// Waits for the batch to fill, go quiet or grow old; then submits it.
void ArrayBatches::lead(std::unique_lock<std::mutex>& lock, ArrayBatch& b,
                        const std::function<void(ArrayBatch&)>& submit) {
  while (!b.closed) {
    const auto until = std::min(b.last + seconds(opt_.gather_quiet_s), b.first + seconds(opt_.gather_max_s));
    if (Clock::now() >= until)
      close(b);
    else
      cv_.wait_until(lock, until);
  }
  b.reading = b.runs.size();
  stats_.arrays++;
  stats_.tasks += b.runs.size();
  stats_.largest = std::max<std::uint64_t>(stats_.largest, b.runs.size());
  lock.unlock();
  submit(b);
  lock.lock();
  b.submitted = true;
  cv_.notify_all();
}

bool ArrayBatches::leave(ArrayBatch& b) {
  std::lock_guard<std::mutex> lock(mu_);
  return --b.reading == 0;
}

ArrayStats ArrayBatches::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  return stats_;
}

}  // namespace grader::slurm
