// Per-run cost of the sandbox: runs a command bare (posix_spawn + waitpid), through
// SandboxExecutor::run, and under `bwrap --unshare-all --die-with-parent --ro-bind / /`,
// interleaved round by round so that drift hits all three alike, and prints the medians, the
// milliseconds the sandbox adds and the ratios. Wall time of the whole call in each case (the
// sandbox's set-up, cgroup and teardown included). Usage: sandbox_bench [ROUNDS] [CMD ARGS...]
// (default: 200 rounds of `python3 -c pass`).
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "runners/sandbox/sandbox_executor.h"

extern char** environ;

namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point t) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

// posix_spawnp with stdout/stderr to /dev/null, then waitpid. Returns wall ms, or -1.
double spawn_and_wait(const std::vector<std::string>& argv) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  auto t = Clock::now();
  pid_t pid = 0;
  int rc = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) return -1;
  int status = 0;
  waitpid(pid, &status, 0);
  double ms = ms_since(t);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? ms : -1;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  int rounds = argc > 1 ? std::atoi(argv[1]) : 200;
  std::vector<std::string> cmd;
  for (int i = 2; i < argc; ++i) cmd.emplace_back(argv[i]);
  if (cmd.empty()) cmd = {"python3", "-c", "pass"};

  char tmpl[] = "/tmp/sandbox-bench-XXXXXX";
  if (mkdtemp(tmpl) == nullptr) return 1;
  // What a one-shot `grader check` pays on top of the per-run cost: the executor's probes when it
  // is made (a real sandbox start among them) and its first run (the cgroup pool's warm-up).
  const Clock::time_point made = Clock::now();
  grader::SandboxExecutor sandbox;
  const double make_ms = ms_since(made);
  grader::RunRequest req;
  req.id = "bench";
  req.argv = cmd;
  req.workdir = tmpl;
  req.env = {{"PATH", "/usr/local/bin:/usr/bin:/bin"}, {"LC_ALL", "C"}};
  req.timeout_s = 30;

  std::vector<std::string> bwrap = {
      "bwrap",  "--unshare-all", "--die-with-parent", "--ro-bind", "/", "/", "--dev", "/dev",
      "--proc", "/proc"};
  bwrap.insert(bwrap.end(), cmd.begin(), cmd.end());
  const bool have_bwrap = spawn_and_wait({"bwrap", "--ro-bind", "/", "/", "true"}) >= 0;
  const Clock::time_point first = Clock::now();
  sandbox.run(req);
  std::printf("SandboxExecutor made (probes) in %.1f ms; its first run took %.1f ms\n", make_ms,
              ms_since(first));

  std::vector<double> bare, boxed, bw;
  int failures = 0;
  for (int i = 0; i < rounds + 5; ++i) {  // the first 5 rounds warm the caches and are dropped
    double b = spawn_and_wait(cmd);
    auto t = Clock::now();
    grader::RunResult r = sandbox.run(req);
    double s = ms_since(t);
    double w = have_bwrap ? spawn_and_wait(bwrap) : 0;
    if (r.status != grader::RunStatus::Ok || b < 0 || w < 0) {
      if (++failures == 1) std::fprintf(stderr, "a run failed: %s\n", r.message.c_str());
      continue;
    }
    if (i < 5) continue;
    bare.push_back(b);
    boxed.push_back(s);
    bw.push_back(w);
  }
  std::filesystem::remove_all(tmpl);

  std::string isolation;
  for (const auto& c : sandbox.isolation()) isolation += (isolation.empty() ? "" : ",") + c;
  std::string shown;
  for (const auto& a : cmd) shown += (shown.empty() ? "" : " ") + a;
  const double mb = median(bare), ms = median(boxed), mw = median(bw);
  std::printf("command: %s  rounds: %zu  failures: %d\n", shown.c_str(), bare.size(), failures);
  std::printf("sandbox isolation: %s\n", isolation.c_str());
  std::printf("%-10s %10s %10s %8s\n", "runner", "median_ms", "added_ms", "ratio");
  std::printf("%-10s %10.2f %10s %8s\n", "bare", mb, "-", "1.00");
  std::printf("%-10s %10.2f %10.2f %8.2f\n", "sandbox", ms, ms - mb, mb > 0 ? ms / mb : 0);
  if (have_bwrap) std::printf("%-10s %10.2f %10.2f %8.2f\n", "bwrap", mw, mw - mb, mb > 0 ? mw / mb : 0);
  return failures > rounds / 10 ? 1 : 0;
}
