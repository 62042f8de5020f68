// The run's own uid as root: one uid per concurrent run, across grader processes, leased through
// a lock file per uid (flock, released when the lease is dropped or the grader dies) in a
// directory only root can write. The staged workspace is handed to the leased uid.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>

namespace grader::sandbox {

class UidLease {
 public:
  UidLease() = default;
  UidLease(const UidLease&) = delete;
  UidLease& operator=(const UidLease&) = delete;
  ~UidLease();  // releases the flock

  // The first free uid in [first, first + count); false with `error` set when all are taken or
  // there is no directory for the lock files.
  bool acquire(uid_t first, unsigned count, std::string& error);
  uid_t uid = 0;

 private:
  int fd_ = -1;
};

// Hands a tree to `uid` (uid and gid): every entry, links themselves (never followed), without
// crossing into other filesystems.
bool chown_tree(const std::filesystem::path& root, uid_t uid);

}  // namespace grader::sandbox
