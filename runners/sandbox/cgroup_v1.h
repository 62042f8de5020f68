// cgroup v1: a run group in each of the memory, pids and cpuacct hierarchies, under this grader's
// own group there. memory.limit_in_bytes and memory.memsw.limit_in_bytes (swap off, where the
// kernel accounts swap), pids.max; usage from cpuacct.usage, memory.max_usage_in_bytes,
// memory.failcnt and the oom_kill count of memory.oom_control.
//
// The pool. On v1 the first write of a pid into any cgroup.procs (or tasks) waits out an RCU
// grace period of the kernel-wide cgroup_threadgroup_rwsem (5-18 ms, docs/performance.md
// "## Sandbox"); a process forked by a thread that already sits in a group is born there, with no
// migration. So create() hands out groups from a pool: each pooled group (pool-<pid>-N in each
// hierarchy) has a helper thread of the grader, moved once into it through `tasks`, which clones
// the run's init (Cgroup::run_inside). One pooled group per live run, never shared; the pool grows
// to the number of concurrent runs and its groups are removed with the host. Per reuse: memory
// limits and pids.max (+1 for the helper) rewritten, memory.force_empty once more than 1 MiB of
// page cache or slab of earlier runs is left charged, max_usage and failcnt reset, baselines of the usage and
// of the cumulative oom_kill count taken; the helper's own CPU (its thread clock) is subtracted from
// cpuacct.usage; kill_all skips the grader's pid, which v1 lists in the groups' cgroup.procs. The helper
// charges no memory (charges follow mm->owner, the grader's main thread) and the memcg OOM killer only
// considers thread-group leaders, so never the grader. Where the pool cannot be used (a group or the helper
// cannot be set up), create() falls back to a fresh group per run and attach().
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "runners/sandbox/cgroup.h"

namespace grader::sandbox {

class CgroupV1Host final : public CgroupHost {
 public:
  // The directories of this grader's own groups in each hierarchy.
  CgroupV1Host(std::filesystem::path memory, std::filesystem::path pids, std::filesystem::path cpuacct);
  std::string version() const override { return "v1"; }
  ~CgroupV1Host() override;
  std::unique_ptr<Cgroup> create(const CgroupLimits& limits, std::string& error) override;
  void set_pooling(bool on) override { pooling_ = on; }
  struct Pool;  // cgroup_v1.cpp

  // From /proc/self/mountinfo and /proc/self/cgroup text; nullptr with `why` when a hierarchy is
  // missing or not writable.
  static std::unique_ptr<CgroupV1Host> detect(const std::string& mountinfo, const std::string& self_cgroup,
                                              std::string& why);

 private:
  std::filesystem::path memory_, pids_, cpuacct_;
  bool pooling_ = true;
  std::unique_ptr<Pool> pool_;
};

}  // namespace grader::sandbox
