// What each control is given for one run, from the request and what is in force: the mount
// namespace's options (with the /etc/passwd and /etc/group it generates), the trees of the Landlock
// ruleset, the rlimits. Pure: the plans themselves are built by mounts.h, landlock.h, rlimits.h.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "runners/sandbox/landlock.h"
#include "runners/sandbox/mounts.h"
#include "runners/sandbox/rlimits.h"
#include "runners/sandbox/sandbox_executor.h"

namespace grader::sandbox {

// The run's /etc/passwd and /etc/group: root, nobody, and the run's uid/gid as "learner" (home
// /work) when it is neither.
std::string passwd_for(uid_t uid, gid_t gid);
std::string group_for(gid_t gid);

// The mount namespace's options for a run of `uid`/`gid` in `workdir`, showing `shown` read-only.
MountOptions mount_options(const SandboxOptions& options, const std::filesystem::path& workdir,
                           const std::vector<std::filesystem::path>& shown, uid_t uid, gid_t gid);

// Landlock's trees: read and execute below the system trees and the shown trees (never a whole
// top-level directory: "/", "/home", "/tmp"), read the /etc allowlist, passwd, group and /proc,
// write the workdir and `private_tmp` (when not empty), use the harmless devices.
LandlockOptions landlock_options(const std::vector<std::filesystem::path>& shown,
                                 const std::filesystem::path& workdir, const std::string& private_tmp);

// The rlimits: file size, descriptors and stack always; where there is no cgroup, the memory
// limit as RLIMIT_AS and, for a run with a uid of its own, the pids limit as RLIMIT_NPROC.
RlimitOptions rlimit_options(const SandboxOptions& options, std::optional<std::uint64_t> memory_bytes,
                             bool have_cgroup, bool own_uid);

}  // namespace grader::sandbox
