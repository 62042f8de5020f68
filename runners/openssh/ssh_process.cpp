// A child OpenSSH client with pumped streams; see ssh_process.h.
#include "runners/openssh/ssh_process.h"

#include <signal.h>
#include <sys/wait.h>

#include <cerrno>
#include <system_error>

#include "grader/run/transport.h"
#include "runners/process/child_reaper.h"
#include "runners/process/spawn.h"

namespace grader {

using runio::Clock;
using runio::Fd;

SshProcess::SshProcess(const std::vector<std::string>& argv, CapturedStream& out, CapturedStream& err,
                       std::uint64_t cap, const std::string* input, int stdin_fd) {
  Fd in_read, in_write, out_read, out_write, err_read, err_write;
  if (!runio::make_pipe(out_read, out_write) || !runio::make_pipe(err_read, err_write) ||
      (input && !runio::make_pipe(in_read, in_write))) {
    throw TransportError("cannot create pipes for " + argv.at(0) + ": " + runio::errno_text(errno));
  }
  if (!runio::set_nonblocking(out_read.get()) || !runio::set_nonblocking(err_read.get()) ||
      (in_write.valid() && !runio::set_nonblocking(in_write.get()))) {
    throw TransportError("cannot set up pipes for " + argv.at(0) + ": " + runio::errno_text(errno));
  }
  try {
    pid_ = spawn_program(argv, input ? in_read.get() : stdin_fd, out_write.get(), err_write.get());
  } catch (const std::system_error& e) {
    throw TransportError(std::string(e.what()) + " (is OpenSSH's client installed and on PATH?)");
  }
  pump_.out = runio::Stream{"stdout", std::move(out_read), &out, cap};
  pump_.err = runio::Stream{"stderr", std::move(err_read), &err, cap};
  if (input && !input->empty()) {
    pump_.stdin_fd = std::move(in_write);
    pump_.stdin_data = input;
  }
}

SshProcess::~SshProcess() {
  if (!reaped_ && pid_ > 0) {
    ::kill(pid_, SIGKILL);
    reaper::reap(pid_);
  }
}

runio::Stop SshProcess::wait(Clock::time_point deadline) {
  return pump_.run(pid_, deadline);
}

int SshProcess::finish(double grace_s) {
  if (reaped_) return exit_code_;
  const auto by =
      Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(grace_s));
  const auto settle = pump_.settle_by;
  pump_.settle_by = Clock::time_point::max();
  if (!reaper::has_ended(pid_) && pump_.run(pid_, by) != runio::Stop::Exited) ::kill(pid_, SIGKILL);
  pump_.settle_by = settle;
  std::optional<reaper::Reaped> r = reaper::reap(pid_);
  pump_.drain();
  reaped_ = true;
  exit_code_ = r && WIFEXITED(r->wait_status) ? WEXITSTATUS(r->wait_status) : -1;
  return exit_code_;
}

SshCall call_program(const std::vector<std::string>& argv, double timeout_s, const std::string* input,
                     std::uint64_t cap, int stdin_fd) {
  CapturedStream out, err;
  SshProcess p(argv, out, err, cap, input, stdin_fd);
  const auto deadline =
      Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(timeout_s));
  SshCall c;
  runio::Stop stop = p.wait(deadline);
  c.timed_out = stop == runio::Stop::Timeout;
  c.exit_code = p.finish(0);
  if (c.timed_out) c.exit_code = -1;
  c.out = std::move(out.data);
  c.err = std::move(err.data);
  return c;
}

}  // namespace grader
