// Keeping cgroup v1 task migrations cheap. Moving a task into a v1 group write-locks the kernel's
// cgroup_threadgroup_rwsem, and by default (since Linux 6.0) that lock waits for an RCU grace
// period on every write: 2–10 ms for the pooled group's helper thread on this project's CI host,
// most of what a one-shot `grader check` paid for its cgroups. The kernel's `favordynmods` mount
// option (or `cgroup_favordynmods=true` on its command line) turns the wait off for the whole
// machine, at the cost of a shared counter where forks and exits had per-CPU ones. A v1 remount
// cannot change it, so a grader that is root mounts a hierarchy of its own, with no controller,
// named hpc-grader, with that option, at kDynmodsMount, and leaves it mounted: the setting is
// then visible in /proc/self/mountinfo and lasts while the mount does (`umount` it to undo).
// GRADER_SANDBOX_DISABLE=favordynmods leaves the host as it is. cgroup v2 needs none of this:
// its runs are cloned straight into their groups.
#pragma once

#include <string>

namespace grader::sandbox {

inline constexpr const char* kDynmodsMount = "/run/hpc-grader/cgroup-favordynmods";

// Whether the kernel already favours dynamic cgroup changes: some cgroup or cgroup2 mount in
// `mountinfo` (/proc/self/mountinfo) has favordynmods among its options, or the kernel
// `cmdline` (/proc/cmdline) sets cgroup_favordynmods to a true value.
bool favours_dynmods(const std::string& mountinfo, const std::string& cmdline);

// Makes the kernel favour them (above) unless it already does. Needs root. Empty on success,
// otherwise why not (the runs are then only slower to start).
std::string favour_dynmods();

}  // namespace grader::sandbox
