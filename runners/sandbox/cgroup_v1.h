// cgroup v1: a run group in each of the memory, pids and cpuacct hierarchies, under this grader's
// own group there. memory.limit_in_bytes and memory.memsw.limit_in_bytes (swap off, where the
// kernel accounts swap), pids.max; usage from cpuacct.usage, memory.max_usage_in_bytes,
// memory.failcnt and the oom_kill count of memory.oom_control.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "runners/sandbox/cgroup.h"

namespace grader::sandbox {

class CgroupV1Host final : public CgroupHost {
 public:
  // The directories of this grader's own groups in each hierarchy.
  CgroupV1Host(std::filesystem::path memory, std::filesystem::path pids,
               std::filesystem::path cpuacct);
  std::string version() const override { return "v1"; }
  std::unique_ptr<Cgroup> create(const CgroupLimits& limits, std::string& error) override;

  // From /proc/self/mountinfo and /proc/self/cgroup text; nullptr with `why` when a hierarchy is
  // missing or not writable.
  static std::unique_ptr<CgroupV1Host> detect(const std::string& mountinfo,
                                              const std::string& self_cgroup, std::string& why);

 private:
  std::filesystem::path memory_, pids_, cpuacct_;
};

}  // namespace grader::sandbox
