// cgroupfs file helpers; see cgroup_files.h.
#include "runners/sandbox/cgroup_files.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <sstream>
#include <system_error>

#include "runners/process/run_io.h"

namespace grader::sandbox::cgfiles {

std::optional<std::string> read(const std::filesystem::path& path) {
  return runio::read_small_file(path.string());
}

std::string write(const std::filesystem::path& path, const std::string& value) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    return "open " + path.string() + ": " + std::error_code(errno, std::system_category()).message();
  }
  ssize_t n = ::write(fd, value.data(), value.size());
  int err = errno;
  ::close(fd);
  if (n != static_cast<ssize_t>(value.size())) {
    return "write '" + value + "' to " + path.string() + ": " +
           std::error_code(n < 0 ? err : EIO, std::system_category()).message();
  }
  return "";
}

std::uint64_t read_u64(const std::filesystem::path& path) {
  auto text = read(path);
  if (!text) return 0;
  return std::strtoull(text->c_str(), nullptr, 10);
}

std::uint64_t keyed_value(const std::string& text, const std::string& key) {
  std::istringstream in(text);
  std::string k;
  std::uint64_t v = 0;
  while (in >> k >> v) {
    if (k == key) return v;
  }
  return 0;
}

std::vector<pid_t> pids(const std::filesystem::path& procs_file) {
  std::vector<pid_t> out;
  auto text = read(procs_file);
  if (!text) return out;
  std::istringstream in(*text);
  long pid = 0;
  while (in >> pid) {
    if (pid > 0) out.push_back(static_cast<pid_t>(pid));
  }
  return out;
}

std::vector<Mount> cgroup_mounts(const std::string& mountinfo) {
  // "36 35 98:0 /root /mnt rw,noatime master:1 - cgroup cgroup rw,memory"
  std::vector<Mount> mounts;
  std::istringstream lines(mountinfo);
  for (std::string line; std::getline(lines, line);) {
    std::istringstream f(line);
    std::vector<std::string> fields;
    for (std::string w; f >> w;) fields.push_back(w);
    std::size_t dash = 0;
    for (std::size_t i = 6; i < fields.size(); ++i) {
      if (fields[i] == "-") {
        dash = i;
        break;
      }
    }
    if (dash == 0 || dash + 3 >= fields.size() + 0 || fields.size() < dash + 4) continue;
    const std::string& type = fields[dash + 1];
    if (type != "cgroup" && type != "cgroup2") continue;
    Mount m;
    m.point = fields[4];
    m.fstype = type;
    std::istringstream opts(fields[dash + 3]);
    for (std::string o; std::getline(opts, o, ',');) m.options.push_back(o);
    mounts.push_back(std::move(m));
  }
  return mounts;
}

std::optional<std::string> own_path(const std::string& self_cgroup, const std::string& controller) {
  std::istringstream lines(self_cgroup);
  for (std::string line; std::getline(lines, line);) {
    auto c1 = line.find(':');
    auto c2 = line.find(':', c1 == std::string::npos ? 0 : c1 + 1);
    if (c1 == std::string::npos || c2 == std::string::npos) continue;
    std::string list = line.substr(c1 + 1, c2 - c1 - 1);
    std::string path = line.substr(c2 + 1);
    if (controller.empty()) {
      if (line.compare(0, c1, "0") == 0 && list.empty()) return path;
      continue;
    }
    std::istringstream names(list);
    for (std::string n; std::getline(names, n, ',');) {
      if (n == controller) return path;
    }
  }
  return std::nullopt;
}

std::string next_run_name() {
  static std::atomic<unsigned> counter{0};
  return "run-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
}

std::string next_pool_name() {
  static std::atomic<unsigned> counter{0};
  return "pool-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
}

bool is_stale_run_name(const std::string& name) {
  std::size_t skip = 0;
  if (name.rfind("run-", 0) == 0) skip = 4;
  if (name.rfind("pool-", 0) == 0) skip = 5;
  if (skip == 0) return false;
  long pid = std::strtol(name.c_str() + skip, nullptr, 10);
  if (pid <= 0) return false;
  return ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH;
}

}  // namespace grader::sandbox::cgfiles
