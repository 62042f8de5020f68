// Cores this machine lets the grader use; see usable_cores.h.
#include "runners/local/usable_cores.h"

#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace grader {

namespace fs = std::filesystem;

namespace {

std::optional<double> number(std::string_view s) {
  std::string text(s);
  std::istringstream in(text);
  double v = 0;
  if (!(in >> v)) return std::nullopt;
  return v;
}

std::string read_file(const fs::path& p) {
  std::ifstream in(p);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

int affinity_cores() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (::sched_getaffinity(0, sizeof set, &set) == 0) return std::max(1, CPU_COUNT(&set));
  long online = ::sysconf(_SC_NPROCESSORS_ONLN);
  return online > 0 ? static_cast<int>(online) : 1;
}

// The tightest quota from the grader's cgroup `path` up to the hierarchy's root `root`: a parent's
// limit binds its children too.
template <class Read>
std::optional<double> tightest(const fs::path& root, const std::string& path, Read at) {
  std::optional<double> best;
  for (fs::path dir = (root / fs::path(path).relative_path()).lexically_normal();; dir = dir.parent_path()) {
    if (std::optional<double> q = at(dir); q && (!best || *q < *best)) best = q;
    if (dir == root || dir.string().size() <= root.string().size()) break;
  }
  return best;
}

std::optional<double> v2_quota(const std::string& path) {
  for (const fs::path& root : {fs::path("/sys/fs/cgroup"), fs::path("/sys/fs/cgroup/unified")}) {
    std::error_code ec;
    if (!fs::exists(root / "cgroup.controllers", ec)) continue;
    return tightest(root, path, [](const fs::path& d) { return cpu_max_cores(read_file(d / "cpu.max")); });
  }
  return std::nullopt;
}

std::optional<double> v1_quota(const std::string& path) {
  for (const fs::path& root : {fs::path("/sys/fs/cgroup/cpu"), fs::path("/sys/fs/cgroup/cpu,cpuacct")}) {
    std::error_code ec;
    if (!fs::exists(root / "cpu.cfs_quota_us", ec)) continue;
    return tightest(root, path, [](const fs::path& d) {
      return cfs_quota_cores(read_file(d / "cpu.cfs_quota_us"), read_file(d / "cpu.cfs_period_us"));
    });
  }
  return std::nullopt;
}

}  // namespace

std::optional<double> cpu_max_cores(std::string_view cpu_max) {
  std::string text(cpu_max);
  std::istringstream in(text);
  std::string quota, period;
  if (!(in >> quota >> period) || quota == "max") return std::nullopt;
  std::optional<double> q = number(quota), p = number(period);
  if (!q || !p || *q <= 0 || *p <= 0) return std::nullopt;
  return *q / *p;
}

std::optional<double> cfs_quota_cores(std::string_view quota, std::string_view period) {
  std::optional<double> q = number(quota), p = number(period);
  if (!q || !p || *q <= 0 || *p <= 0) return std::nullopt;
  return *q / *p;
}

CgroupPaths cgroup_paths(std::string_view proc_self_cgroup) {
  CgroupPaths out;
  std::istringstream in{std::string(proc_self_cgroup)};
  for (std::string line; std::getline(in, line);) {
    auto first = line.find(':');
    auto second = first == std::string::npos ? std::string::npos : line.find(':', first + 1);
    if (second == std::string::npos) continue;
    std::string controllers = line.substr(first + 1, second - first - 1);
    std::string path = line.substr(second + 1);
    if (line.substr(0, first) == "0" && controllers.empty()) out.v2 = path;
    std::istringstream names(controllers);
    for (std::string c; std::getline(names, c, ',');)
      if (c == "cpu") out.v1_cpu = path;
  }
  return out;
}

int usable_cores() {
  int cores = affinity_cores();
  CgroupPaths paths = cgroup_paths(read_file("/proc/self/cgroup"));
  std::optional<double> quota;
  if (!paths.v2.empty()) quota = v2_quota(paths.v2);
  if (!quota && !paths.v1_cpu.empty()) quota = v1_quota(paths.v1_cpu);
  // A quota of 1.5 cores keeps one worker busy, not two.
  if (quota) cores = std::min(cores, std::max(1, static_cast<int>(std::floor(*quota + 1e-9))));
  return cores;
}

}  // namespace grader
