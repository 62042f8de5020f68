// Cancel Slurm jobs on Ctrl-C; see interrupt.h.
#include "grader/cli/interrupt.h"

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <cstring>
#include <iostream>
#include <mutex>

#include "runners/slurm/slurm_executor.h"

namespace grader::cli {

namespace {

// The executor whose jobs an interrupt cancels. The mutex keeps WatchJobs from ending (and the
// executor from being destroyed) while a cancel is under way.
std::mutex watched_mu;
SlurmExecutor* watched = nullptr;

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

InterruptGuard::InterruptGuard() {
  sigset_t set = guarded_signals(true);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  waiter_ = std::thread([set] {
    int sig = 0;
    if (sigwait(&set, &sig) != 0 || sig == SIGUSR2) return;
    {
      std::lock_guard<std::mutex> lock(watched_mu);
      if (watched) {
        std::size_t n = watched->cancel_all(std::string("the grader was interrupted (") + strsignal(sig) + ")");
        if (n) std::cerr << "grader: interrupted; cancelled " << n << " Slurm job" << (n == 1 ? "" : "s") << "\n";
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
  pthread_kill(waiter_.native_handle(), SIGUSR2);
  waiter_.join();
  sigset_t set = guarded_signals(false);
  pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
}

WatchJobs::WatchJobs(SlurmExecutor* slurm) {
  std::lock_guard<std::mutex> lock(watched_mu);
  watched = slurm;
}

WatchJobs::~WatchJobs() {
  std::lock_guard<std::mutex> lock(watched_mu);
  watched = nullptr;
}

}  // namespace grader::cli
