// cgroup v2: one run group under <this grader's group>/grader-sandbox in the unified hierarchy,
// with memory and pids enabled down to it. memory.max, memory.swap.max = 0, memory.oom.group = 1
// (an OOM kill takes the whole run), pids.max; usage from cpu.stat usage_usec, memory.peak
// (kernel >= 5.19) and memory.events (oom_kill, max); emptied through cgroup.kill (>= 5.14) or
// SIGKILL to every pid in cgroup.procs.
//
// The "no internal processes" rule: controllers can only be enabled below a group that holds no
// process. When the grader's own group holds processes (the grader itself), the grader first
// moves itself into a leaf <group>/grader-supervisor, as container inits do.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "runners/sandbox/cgroup.h"

namespace grader::sandbox {

class CgroupV2Host final : public CgroupHost {
 public:
  // `own_group`: the directory of this grader's group in the unified hierarchy (a plain
  // directory tree that mimics cgroupfs will do, for tests).
  explicit CgroupV2Host(std::filesystem::path own_group);
  std::string version() const override { return "v2"; }
  std::unique_ptr<Cgroup> create(const CgroupLimits& limits, std::string& error) override;

  // Makes <own>/grader-sandbox with memory and pids delegated. Error message, empty on success.
  std::string prepare();

  // nullptr with `why` when there is no unified hierarchy with memory and pids for this process.
  static std::unique_ptr<CgroupV2Host> detect(const std::string& mountinfo, const std::string& self_cgroup,
                                              std::string& why);

 private:
  std::filesystem::path own_;
  bool prepared_ = false;
};

}  // namespace grader::sandbox
