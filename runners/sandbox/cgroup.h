// A run's cgroup: limits set before the run's init enters it, usage read after, everything in it
// killed and the group removed on every path. Two implementations behind one interface: cgroup v1
// (cgroup_v1.cpp: separate memory, pids and cpuacct hierarchies, as on this project's hybrid CI
// host) and v2 (cgroup_v2.cpp: one unified hierarchy with memory and pids delegated).
//
// Runs get groups under the grader's *own* cgroup in each hierarchy (never the root), so that a
// grader started inside a container or a Slurm job stays within the limits it was given.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace grader::sandbox {

struct CgroupLimits {
  std::optional<std::uint64_t> memory_bytes;  // swap off as well where the host has swap control
  std::uint64_t pids_max = 256;
};

struct CgroupUsage {
  std::uint64_t cpu_ns = 0;      // CPU of every process that was ever in the group
  std::uint64_t peak_bytes = 0;  // 0 where the kernel keeps no peak
  bool oom_kill = false;         // the kernel's OOM killer killed something in it
  bool hit_limit = false;        // an allocation hit the memory limit (v1 failcnt, v2 "max")
};

class Cgroup {
 public:
  virtual ~Cgroup() = default;
  // Moves `pid` into the group (before it runs anything). Error message, empty on success.
  virtual std::string attach(pid_t pid) = 0;
  // CPU so far, in ns (to subtract the sandbox's own set-up).
  virtual std::uint64_t cpu_ns() const = 0;
  virtual CgroupUsage usage() const = 0;
  // SIGKILLs everything in the group until it is empty (cgroup.kill where the kernel has it).
  // False when processes remained after every attempt.
  virtual bool kill_all() = 0;
  // Removes the group; error message, empty on success. Called on every path, last. (A pooled
  // group goes back to its pool instead, once no process of the run is left in it.)
  virtual std::string remove() = 0;
  // Whether the run's init is born inside the group: `run_inside` runs a function on a thread
  // that already sits in the group, so that what it clones needs no migration (attach() is then
  // not needed). False: clone anywhere, then attach().
  virtual bool clones_inside() const { return false; }
  // Runs `fn` on that thread and returns its result (on the calling thread where there is none).
  virtual long run_inside(const std::function<long()>& fn) { return fn(); }
};

// A place where run cgroups can be made, found once per grader process.
class CgroupHost {
 public:
  virtual ~CgroupHost() = default;
  virtual std::string version() const = 0;  // "v1", "v2"
  // A new, empty group with the limits set; nullptr with `error` set when that fails.
  virtual std::unique_ptr<Cgroup> create(const CgroupLimits& limits, std::string& error) = 0;
  // Whether create() may hand out groups reused from a pool (cgroup v1: see cgroup_v1.h).
  virtual void set_pooling(bool /*on*/) {}
};

// v1 when this process's memory, pids and cpuacct hierarchies are mounted and writable; v2 when
// the unified hierarchy has memory and pids and this process's group can delegate them. nullptr
// (with why in `why`) otherwise.
std::unique_ptr<CgroupHost> detect_cgroup_host(std::string& why);

}  // namespace grader::sandbox
