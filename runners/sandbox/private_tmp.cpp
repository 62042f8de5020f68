// The run's private tmp directory; see private_tmp.h.
#include "runners/sandbox/private_tmp.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace grader::sandbox {
namespace {

namespace fs = std::filesystem;

void remove_tree_at(int parent, const char* name) {
  if (::unlinkat(parent, name, 0) == 0 || errno == ENOENT) return;
  int fd = ::openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    ::fchmodat(parent, name, 0700, 0);
    fd = ::openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) return;
  }
  ::fchmod(fd, 0700);
  if (DIR* dir = ::fdopendir(fd)) {
    std::vector<std::string> names;
    while (struct dirent* e = ::readdir(dir)) {
      if (std::strcmp(e->d_name, ".") != 0 && std::strcmp(e->d_name, "..") != 0) {
        names.emplace_back(e->d_name);
      }
    }
    for (const auto& n : names) remove_tree_at(::dirfd(dir), n.c_str());
    ::closedir(dir);
  } else {
    ::close(fd);
  }
  ::unlinkat(parent, name, AT_REMOVEDIR);
}

}  // namespace

void remove_tree(const std::string& path) {
  remove_tree_at(AT_FDCWD, path.c_str());
}

PrivateTmp::~PrivateTmp() {
  if (!path.empty()) remove_tree(path);
}

bool PrivateTmp::make(const fs::path& workdir, std::optional<uid_t> owner) {
  for (const fs::path& dir : {workdir.parent_path(), fs::path("/tmp")}) {
    std::string tmpl = (dir / "grader-run-tmp-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr) continue;
    path = tmpl;
    if (owner && ::lchown(path.c_str(), *owner, *owner) != 0) return false;
    return true;
  }
  return false;
}

}  // namespace grader::sandbox
