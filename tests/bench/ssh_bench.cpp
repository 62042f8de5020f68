// ssh_bench: N small commands over one SshTransport connection, or (with a ControlPath) through
// OpenSshTransport over that master; prints one wall time in seconds per command, one per line.
// Driven by tests/bench/ssh_commands.sh, which compares them with fresh `ssh` processes and a
// bare OpenSSH ControlMaster.
//   ssh_bench ALIAS SSH_CONFIG N [CONTROL_PATH]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "runners/openssh/openssh_transport.h"
#include "runners/ssh/ssh_transport.h"

int main(int argc, char** argv) {
  if (argc != 4 && argc != 5) {
    std::cerr << "usage: ssh_bench ALIAS SSH_CONFIG N [CONTROL_PATH]\n";
    return 2;
  }
  using Clock = std::chrono::steady_clock;
  const grader::SshTarget target = grader::SshTarget::parse(argv[1], std::filesystem::path(argv[2]));
  grader::SshTransport libssh(target);
  grader::OpenSshOptions o;
  if (argc == 5) o.control_path = argv[4];
  grader::OpenSshTransport openssh(target, o);
  grader::Transport& ssh = argc == 5 ? static_cast<grader::Transport&>(openssh) : libssh;
  // The connection (or the master check) is made once, outside the timed commands.
  if (argc == 5) {
    openssh.connect();
  } else {
    libssh.connect();
  }
  grader::RunRequest r;
  r.id = "bench";
  r.argv = {"true"};
  r.workdir = "/tmp";
  r.env = {{"PATH", "/usr/bin:/bin"}};
  const int n = std::atoi(argv[3]);
  for (int i = 0; i < n; ++i) {
    auto t0 = Clock::now();
    grader::RunResult res = ssh.run(r);
    double s = std::chrono::duration<double>(Clock::now() - t0).count();
    if (res.status != grader::RunStatus::Ok) {
      std::cerr << "run failed: " << res.message << "\n";
      return 1;
    }
    std::printf("%.6f\n", s);
  }
  if (argc == 4 && libssh.connects() != 1) {
    std::cerr << "expected one connection, made " << libssh.connects() << "\n";
    return 1;
  }
  return 0;
}
