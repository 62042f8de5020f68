// How many cores runs on this machine may use: the CPUs in the grader's affinity mask (taskset,
// Slurm's cpuset), fewer when its cgroup has a CPU quota (a container's --cpus, systemd's
// CPUQuota), v2's cpu.max or v1's cpu.cfs_quota_us, at any level above it. What {{cores}} stands
// for without a profile's cores_per_node. The parsers are pure, for the tests.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace grader {

// The cores allowed by one cgroup v2 cpu.max ("150000 100000" -> 1.5); nullopt for "max ..." or
// anything unreadable.
std::optional<double> cpu_max_cores(std::string_view cpu_max);

// The same from v1's cpu.cfs_quota_us and cpu.cfs_period_us (quota -1: no limit).
std::optional<double> cfs_quota_cores(std::string_view quota, std::string_view period);

// From /proc/self/cgroup: the v2 path ("0::/a/b") and the v1 cpu controller's path
// ("4:cpu,cpuacct:/a"); empty where there is none.
struct CgroupPaths {
  std::string v2;
  std::string v1_cpu;
};
CgroupPaths cgroup_paths(std::string_view proc_self_cgroup);

// The affinity mask's CPUs, capped by the tightest CPU quota found (rounded down, at least 1).
int usable_cores();

}  // namespace grader
