// Bounded workspaces on tmpfs; see workspace_quota.h.
#include "runners/sandbox/workspace_quota.h"

#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

#include "grader/util/units.h"

namespace grader::sandbox {

namespace fs = std::filesystem;

namespace {

std::string temp_root() {
  const char* t = std::getenv("TMPDIR");
  return t && *t ? t : "/tmp";
}

// Mounts a tmpfs of `quota` on a fresh directory under TMPDIR; its path.
fs::path mount_tmpfs(const DiskQuota& quota) {
  std::string dir = temp_root() + "/grader-quota-XXXXXX";
  if (::mkdtemp(dir.data()) == nullptr)
    throw std::runtime_error("bounded workspace: mkdtemp in " + temp_root() + ": " + std::strerror(errno));
  std::string opts =
      "size=" + std::to_string(quota.bytes) + ",nr_inodes=" + std::to_string(quota.inodes) + ",mode=0755";
  if (::mount("grader-workspace", dir.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, opts.c_str()) != 0) {
    int saved = errno;
    ::rmdir(dir.c_str());
    throw std::runtime_error("bounded workspace: mount tmpfs on " + dir + ": " + std::strerror(saved));
  }
  return dir;
}

void unmount(const fs::path& mount) {
  ::umount2(mount.c_str(), MNT_DETACH);
  ::rmdir(mount.c_str());
}

}  // namespace

std::string describe(const DiskQuota& quota) {
  return "the workspace's " + format_size(quota.bytes) + ", " + std::to_string(quota.inodes) + "-file limit";
}

bool WorkspaceQuotas::available(std::string& why) {
  try {
    unmount(mount_tmpfs({1 << 20, 16}));
    return true;
  } catch (const std::exception& e) {
    why = e.what();
    return false;
  }
}

fs::path WorkspaceQuotas::make(const fs::path& staged, const DiskQuota& quota) {
  fs::path mount = mount_tmpfs(quota);
  fs::path work = mount / "work";
  std::error_code ec;
  fs::copy(staged, work, fs::copy_options::recursive | fs::copy_options::copy_symlinks, ec);
  if (ec) {
    unmount(mount);
    throw std::runtime_error("bounded workspace: copying the submission in (" + describe(quota) +
                             "): " + ec.message());
  }
  std::lock_guard<std::mutex> lock(mu_);
  dirs_[work] = quota;
  return work;
}

std::optional<DiskQuota> WorkspaceQuotas::quota_of(const fs::path& workdir) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = dirs_.find(workdir);
  return it == dirs_.end() ? std::nullopt : std::optional<DiskQuota>(it->second);
}

void WorkspaceQuotas::release(const fs::path& workdir) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!dirs_.erase(workdir)) return;
  }
  unmount(workdir.parent_path());
}

WorkspaceQuotas::~WorkspaceQuotas() {
  for (const auto& [work, quota] : dirs_) unmount(work.parent_path());
}

}  // namespace grader::sandbox
