// ssh_bench: N small commands over one SshTransport connection; prints one wall time in
// seconds per command, one per line. Driven by tests/bench/ssh_commands.sh, which compares it
// with fresh `ssh` processes and an OpenSSH ControlMaster.
//   ssh_bench ALIAS SSH_CONFIG N
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "runners/ssh/ssh_transport.h"

int main(int argc, char** argv) {
  if (argc != 4) {
    std::cerr << "usage: ssh_bench ALIAS SSH_CONFIG N\n";
    return 2;
  }
  using Clock = std::chrono::steady_clock;
  grader::SshTransport ssh(grader::SshTarget::parse(argv[1], std::filesystem::path(argv[2])));
  ssh.connect();  // the connection is set up once, outside the timed commands
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
  if (ssh.connects() != 1) {
    std::cerr << "expected one connection, made " << ssh.connects() << "\n";
    return 1;
  }
  return 0;
}
