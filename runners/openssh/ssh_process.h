// One run of an OpenSSH client program (ssh, and tar beside it for uploads) as a child of the
// grader: its streams pumped through the project's capped pumps (runners/process/run_io.h), its
// stdin fed from memory or from another process, its end waited for on a pidfd. The transport
// decides what to run; this only runs it.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "runners/process/run_io.h"

namespace grader {

class SshProcess {
 public:
  // Starts argv (looked up in PATH). stdin: `input` when given, else `stdin_fd` (-1: /dev/null).
  // Throws TransportError when the program cannot be started.
  SshProcess(const std::vector<std::string>& argv, CapturedStream& out, CapturedStream& err,
             std::uint64_t cap, const std::string* input = nullptr, int stdin_fd = -1);
  ~SshProcess();
  SshProcess(const SshProcess&) = delete;
  SshProcess& operator=(const SshProcess&) = delete;

  runio::Pump& pump() { return pump_; }
  // Pumps until it exits, the deadline (or pump().settle_by) passes, or a stream goes over its cap.
  runio::Stop wait(runio::Clock::time_point deadline);
  // Gives it `grace_s` to exit by itself, then SIGKILL; drains the pipes and reaps it. Its exit
  // code, or -1 when a signal ended it.
  int finish(double grace_s);

 private:
  pid_t pid_ = -1;
  runio::Pump pump_;
  bool reaped_ = false;
  int exit_code_ = -1;
};

// A small command to completion (no learner output involved): exit code (-1: signal, or killed
// at the deadline), stdout and stderr, each capped at `cap`.
struct SshCall {
  int exit_code = -1;
  bool timed_out = false;
  std::string out, err;
};
SshCall call_program(const std::vector<std::string>& argv, double timeout_s,
                     const std::string* input = nullptr, std::uint64_t cap = 1024 * 1024, int stdin_fd = -1);

}  // namespace grader
