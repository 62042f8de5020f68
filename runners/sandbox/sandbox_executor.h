// SandboxExecutor: runs learner work in a fresh Linux sandbox per run, with the controls of
// DESIGN.md "The sandbox" as far as the host allows them, and says exactly which were in force
// (isolation()). The controls live one per file beside this one; supervisor.cpp owns their order.
//
// Modes, found once when the executor is made (probing for real; GRADER_SANDBOX_DISABLE takes
// controls away to simulate weaker hosts, e.g. "cgroup", "user", "namespaces", "seccomp"; and
// four that only cost time: "cgroup_pool" (a fresh v1 group per run), "netns_pool" (a fresh
// network namespace per run), "probe_cache" (probe every time), "favordynmods" (cgroup_dynmods.h)):
//  - root: pid, mount, net, ipc, uts namespaces; a uid/gid of its own per concurrent run (60000
//    and up, leased through lock files), no capabilities, no supplementary groups; cgroup v2 or
//    v1 (memory with swap off, pids, CPU accounting); rlimits; no_new_privs; seccomp.
//  - an unprivileged grader with user namespaces: the same inside a user namespace that maps the
//    grader's own uid, cgroups only where a v2 group is delegated to it.
//  - fallback, no user namespaces (HPC login nodes): setsid, the grader as subreaper, rlimits
//    (RLIMIT_AS for memory), no_new_privs, seccomp, and Landlock as far as the kernel's ABI goes
//    (landlock.h: files only below the system trees, the workdir and a private TMPDIR; no TCP;
//    signals and abstract sockets scoped to the run). The grader is made non-dumpable.
//
// What a run reports: wall_s from the learner's exec; cpu_s from the cgroup (every process the
// run ever had, orphans included) minus the sandbox's own set-up, or from wait4 without one;
// max_rss_kb the cgroup's peak; exit code and signal kept apart. MemoryLimit on an OOM kill, or
// on Python's MemoryError with the peak at the limit; OutputLimit on a stream over its cap, on
// SIGXFSZ, or on Python's OSError EFBIG.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "grader/run/executor.h"

namespace grader {

struct SandboxOptions {
  std::uint64_t file_size_limit = 64ull * 1024 * 1024;  // RLIMIT_FSIZE
  std::uint64_t tmp_bytes = 64ull * 1024 * 1024;        // /tmp tmpfs
  std::uint64_t workspace_bytes = 1ull << 30;           // the workspace's tmpfs, as root (disk_quota)
  std::uint64_t workspace_inodes = 100000;              // its files and directories
  std::uint64_t shm_bytes = 16ull * 1024 * 1024;        // /dev/shm tmpfs
  std::uint64_t pids_max = 256;                         // cgroup pids.max
  std::uint64_t nofile = 1024;
  std::uint64_t stack_bytes = 64ull * 1024 * 1024;
  std::vector<std::filesystem::path> extra_ro;  // more host trees to show read-only (Lmod, ...)
  uid_t first_uid = 60000;  // as root: run uids are first_uid .. first_uid + uid_count - 1
  unsigned uid_count = 1000;
  std::set<std::string> disable;  // controls not to use (see above)
  // Where the namespace probe's pass is remembered for the boot (probe_cache.h); empty: nowhere,
  // every executor probes. GRADER_SANDBOX_DISABLE=probe_cache empties it.
  std::filesystem::path probe_cache_dir;

  // Defaults, with `disable` read from GRADER_SANDBOX_DISABLE (comma-separated), extra_ro from
  // GRADER_SANDBOX_RO (colon-separated absolute paths) and probe_cache_dir the default one.
  static SandboxOptions from_environment();
};

class SandboxExecutor final : public Executor {
 public:
  explicit SandboxExecutor(SandboxOptions options = SandboxOptions::from_environment());
  ~SandboxExecutor() override;

  RunResult run(const RunRequest& request) override;
  std::string name() const override { return "sandbox"; }
  // As root: the submission's workspace is a bounded tmpfs of its own (workspace_quota.h).
  std::filesystem::path prepare_workspace(const std::filesystem::path& local_dir) override;
  std::filesystem::path prepare_workspace(const std::filesystem::path& local_dir,
                                          const WorkspaceBounds& bounds) override;
  void release_workspace(const std::filesystem::path& workdir) override;
  // The controls in force for every run of this executor, from: "user" (a user namespace),
  // "uid" (an unprivileged uid/gid of its own per run), "pid", "mount", "net", "ipc", "uts",
  // "cgroup", "seccomp", "landlock", "landlock_net", "landlock_scope", "rlimits", "no_new_privs",
  // "setsid", "subreaper", "disk_quota" (the workspace's size and file count bounded).
  std::vector<std::string> isolation() const override;
  // Why controls are missing, for humans ("" when nothing is): what the probes found.
  std::string degraded() const;
  // Whether the namespaces' pass came from the probe cache rather than a probe run of its own.
  bool probe_remembered() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace grader
