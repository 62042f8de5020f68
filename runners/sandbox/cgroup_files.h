// Small file helpers shared by the cgroup v1 and v2 implementations: whole-file reads of cgroupfs
// files (whose st_size is 0, so read to EOF), writes that say what they attempted, and parsers
// for /proc/self/mountinfo and /proc/self/cgroup.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace grader::sandbox::cgfiles {

std::optional<std::string> read(const std::filesystem::path& path);
// Writes `value` to a cgroup control file (created if missing, which cgroupfs refuses, so that
// a plain directory can stand in for it in tests). Error message, empty on success.
std::string write(const std::filesystem::path& path, const std::string& value);
std::uint64_t read_u64(const std::filesystem::path& path);  // 0 when absent or unparsable
// "key value" lines (cpu.stat, memory.events, memory.stat): the value of `key`, or 0.
std::uint64_t keyed_value(const std::string& text, const std::string& key);
std::vector<pid_t> pids(const std::filesystem::path& procs_file);

struct Mount {
  std::string point;                 // mount point
  std::string fstype;                // "cgroup", "cgroup2"
  std::vector<std::string> options;  // super options (v1: the controllers)
};
std::vector<Mount> cgroup_mounts(const std::string& mountinfo);

// /proc/self/cgroup: "ID:controllers:path" lines; the path for a v1 controller, or for v2 ("").
std::optional<std::string> own_path(const std::string& self_cgroup, const std::string& controller);

// A run group's unique name: run-<grader pid>-<counter>; a pooled group's: pool-<pid>-<counter>.
std::string next_run_name();
std::string next_pool_name();
// Whether a run-<pid>-N or pool-<pid>-N name belongs to a grader process that is gone.
bool is_stale_run_name(const std::string& name);

}  // namespace grader::sandbox::cgfiles
