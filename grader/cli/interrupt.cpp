// Cancel the batch jobs on Ctrl-C; see interrupt.h.
#include "grader/cli/interrupt.h"

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <cstring>
#include <iostream>

#include "grader/run/batch_executor.h"

namespace grader::cli {

namespace {

// SIGUSR2 only ever comes from the destructor: it ends the waiting thread.
sigset_t guarded_signals(bool with_stop) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGHUP);
  if (with_stop) sigaddset(&set, SIGUSR2);
  return set;
}

}  // namespace

void block_interrupts() {
  sigset_t set = guarded_signals(true);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

InterruptGuard::InterruptGuard(BatchExecutor* batch, std::function<void()> last_words)
    : batch_(batch), last_words_(std::move(last_words)), active_(batch_ || last_words_) {
  if (!active_) {
    // block_interrupts() may have run for a runner that turned out to have no batch executor.
    sigset_t set = guarded_signals(true);
    pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
    return;
  }
  sigset_t set = guarded_signals(true);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  waiter_ = std::thread([this, set] {
    int sig = 0;
    if (sigwait(&set, &sig) != 0 || sig == SIGUSR2) return;
    if (batch_) {
      std::size_t n = batch_->cancel_all(std::string("the grader was interrupted (") + strsignal(sig) + ")");
      if (n)
        std::cerr << "grader: interrupted; cancelled " << n << " Slurm job" << (n == 1 ? "" : "s") << "\n";
    }
    if (last_words_) {
      try {
        last_words_();
      } catch (const std::exception& e) {
        std::cerr << "grader: interrupted, and then: " << e.what() << "\n";
      }
    }
    // Die of the signal, as without the guard.
    signal(sig, SIG_DFL);
    sigset_t one;
    sigemptyset(&one);
    sigaddset(&one, sig);
    pthread_sigmask(SIG_UNBLOCK, &one, nullptr);
    raise(sig);
    _exit(128 + sig);
  });
}

InterruptGuard::~InterruptGuard() {
  if (!active_) return;
  pthread_kill(waiter_.native_handle(), SIGUSR2);
  waiter_.join();
  sigset_t set = guarded_signals(false);
  pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
}

}  // namespace grader::cli
