// uid leases and the hand-over of the workspace; see uid_lease.h.
#include "runners/sandbox/uid_lease.h"

#include <fcntl.h>
#include <ftw.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <mutex>
#include <optional>

namespace grader::sandbox {
namespace {

namespace fs = std::filesystem;

// A directory only root can write, for the lease lock files.
std::optional<fs::path> lease_dir() {
  for (const char* candidate : {"/run/grader-sandbox", "/tmp/grader-sandbox-uids"}) {
    fs::path dir = candidate;
    if (!fs::exists(fs::path(candidate).parent_path())) continue;
    ::mkdir(candidate, 0700);
    struct stat st {};
    if (::lstat(candidate, &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == 0 && (st.st_mode & 022) == 0) {
      return dir;
    }
  }
  return std::nullopt;
}

// nftw takes no context: the uid of the one chown_tree in progress.
uid_t g_chown_uid = 0;
int chown_entry(const char* path, const struct stat*, int, struct FTW*) {
  ::lchown(path, g_chown_uid, g_chown_uid);
  return 0;
}
std::mutex g_chown_mutex;

}  // namespace

UidLease::~UidLease() {
  if (fd_ >= 0) ::close(fd_);
}

bool UidLease::acquire(uid_t first, unsigned count, std::string& error) {
  static const std::optional<fs::path> dir = lease_dir();
  if (!dir) {
    error = "no root-owned directory for uid leases (/run/grader-sandbox)";
    return false;
  }
  for (unsigned i = 0; i < count; ++i) {
    const uid_t candidate = first + i;
    const fs::path lock = *dir / ("uid-" + std::to_string(candidate));
    int fd = ::open(lock.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) continue;
    if (::flock(fd, LOCK_EX | LOCK_NB) == 0) {
      fd_ = fd;
      uid = candidate;
      return true;
    }
    ::close(fd);
  }
  error = "every run uid from " + std::to_string(first) + " is in use";
  return false;
}

bool chown_tree(const fs::path& root, uid_t uid) {
  std::lock_guard<std::mutex> lock(g_chown_mutex);
  g_chown_uid = uid;
  return ::nftw(root.c_str(), chown_entry, 64, FTW_PHYS | FTW_MOUNT) == 0;
}

}  // namespace grader::sandbox
