// The favordynmods hierarchy; see cgroup_dynmods.h.
#include "runners/sandbox/cgroup_dynmods.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <sstream>

#include "runners/sandbox/cgroup_files.h"

namespace grader::sandbox {

namespace fs = std::filesystem;

namespace {

bool cmdline_sets_it(const std::string& cmdline) {
  std::istringstream words(cmdline);
  for (std::string w; words >> w;) {
    const std::string key = "cgroup_favordynmods=";
    if (w.rfind(key, 0) != 0) continue;
    const std::string v = w.substr(key.size());
    return v == "1" || v == "y" || v == "Y" || v == "true" || v == "on";
  }
  return false;
}

std::string current_mountinfo() {
  return cgfiles::read("/proc/self/mountinfo").value_or("");
}

// Closes the lock file (and so releases the lock) on every path.
struct LockFile {
  int fd = -1;
  ~LockFile() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace

bool favours_dynmods(const std::string& mountinfo, const std::string& cmdline) {
  for (const cgfiles::Mount& m : cgfiles::cgroup_mounts(mountinfo))
    for (const std::string& o : m.options)
      if (o == "favordynmods") return true;
  return cmdline_sets_it(cmdline);
}

std::string favour_dynmods() {
  const std::string cmdline = cgfiles::read("/proc/cmdline").value_or("");
  if (favours_dynmods(current_mountinfo(), cmdline)) return "";
  const fs::path point(kDynmodsMount);
  std::error_code ec;
  fs::create_directories(point, ec);
  if (ec) return "favordynmods: cannot make " + point.string() + ": " + ec.message();
  // Two graders starting at once would otherwise stack two mounts on the same point.
  LockFile lock;
  const std::string lock_path = point.parent_path() / "cgroup-favordynmods.lock";
  lock.fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (lock.fd < 0 || ::flock(lock.fd, LOCK_EX) != 0)
    return "favordynmods: cannot lock " + lock_path + ": " + std::strerror(errno);
  if (favours_dynmods(current_mountinfo(), cmdline)) return "";
  if (::mount("cgroup", point.c_str(), "cgroup", MS_NOSUID | MS_NODEV | MS_NOEXEC,
              "none,name=hpc-grader,favordynmods") != 0)
    return "favordynmods: cannot mount a cgroup hierarchy on " + point.string() + ": " + std::strerror(errno);
  return "";
}

}  // namespace grader::sandbox
