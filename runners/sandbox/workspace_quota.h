// Workspaces of bounded size and file count, for a root grader: each one a tmpfs of its own
// (size=, nr_inodes=) mounted on the host, the staged workspace copied in, the run's /work bound
// to it, and unmounted when the submission is done. RLIMIT_FSIZE bounds one file; this bounds
// them all, so that a run cannot fill the host's disk (the tmpfs is memory: what a run writes
// there also counts against its memory limit). Without root, or with GRADER_SANDBOX_DISABLE=quota,
// there is none and the executor does not claim "disk_quota". docs/security.md, "Disk".
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <string>

namespace grader::sandbox {

struct DiskQuota {
  std::uint64_t bytes = 1ull << 30;  // the workspace's tmpfs size=
  std::uint64_t inodes = 100000;     // nr_inodes=: files and directories together
};

// "the workspace's 1 GiB, 100000-file limit".
std::string describe(const DiskQuota& quota);

class WorkspaceQuotas {
 public:
  // Whether a tmpfs can be mounted here (a real mount and unmount of a tiny one); `why` when not.
  static bool available(std::string& why);

  // A bounded copy of `staged`: TMPDIR/grader-quota-XXXXXX (the mount) holding work/ (returned).
  // Throws std::runtime_error naming what failed; nothing is left mounted then.
  std::filesystem::path make(const std::filesystem::path& staged, const DiskQuota& quota);
  // The quota of a workdir that make() returned, nullopt for any other.
  std::optional<DiskQuota> quota_of(const std::filesystem::path& workdir) const;
  // Unmounts and removes what make() made for `workdir`; anything else is left alone.
  void release(const std::filesystem::path& workdir);
  ~WorkspaceQuotas();

 private:
  mutable std::mutex mu_;
  std::map<std::filesystem::path, DiskQuota> dirs_;  // workdir -> its quota
};

}  // namespace grader::sandbox
