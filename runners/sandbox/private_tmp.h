// The run's private temporary directory where there is no mount namespace (and so no private
// /tmp): made beside the workdir (in the grader's TMPDIR), else in /tmp, and removed with
// everything the run left in it, on every path. Landlock lets the run write there; TMPDIR names it.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <optional>
#include <string>

namespace grader::sandbox {

class PrivateTmp {
 public:
  PrivateTmp() = default;
  PrivateTmp(const PrivateTmp&) = delete;
  PrivateTmp& operator=(const PrivateTmp&) = delete;
  ~PrivateTmp();  // removes the tree (call only once nothing of the run is alive)

  // Makes the directory, owned by `owner` where given (uid and gid). False with errno set.
  bool make(const std::filesystem::path& workdir, std::optional<uid_t> owner);
  std::string path;  // empty until made
};

// Removes a tree the run wrote, whatever modes it left (directories are made writable first),
// without following links.
void remove_tree(const std::string& path);

}  // namespace grader::sandbox
