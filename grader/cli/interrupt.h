// Ctrl-C while batch jobs are in flight: cancel them all (BatchExecutor::cancel_all: one scancel),
// run the caller's last words (`grade` writes its class files from the reports done so far), then
// die of the signal as usual. With neither a batch executor nor last words it does nothing and
// signals keep their default behaviour. Construct it before any thread starts: it blocks SIGINT, SIGTERM and
// SIGHUP in this thread (and so in every thread started later) and takes them with sigwait in a
// thread of its own.
#pragma once

#include <functional>
#include <thread>

namespace grader {
class BatchExecutor;  // grader/run/batch_executor.h
}

namespace grader::cli {

// Blocks SIGINT, SIGTERM and SIGHUP in the calling thread, so in every thread it starts later.
// Call it before making a runner whose batch executor starts its poller thread: otherwise that
// thread takes Ctrl-C and the process dies without cancelling its jobs. Only then: a grader with
// no batch executor keeps one thread and the signals' default behaviour.
void block_interrupts();

class InterruptGuard {
 public:
  explicit InterruptGuard(BatchExecutor* batch, std::function<void()> last_words = {});
  ~InterruptGuard();
  InterruptGuard(const InterruptGuard&) = delete;
  InterruptGuard& operator=(const InterruptGuard&) = delete;

 private:
  BatchExecutor* batch_;
  std::function<void()> last_words_;
  bool active_ = false;
  std::thread waiter_;
};

}  // namespace grader::cli
