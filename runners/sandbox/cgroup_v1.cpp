// cgroup v1; see cgroup_v1.h.
#include "runners/sandbox/cgroup_v1.h"

#include <signal.h>
#include <sched.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <mutex>
#include <system_error>
#include <vector>

#include "runners/sandbox/cgroup_files.h"

namespace grader::sandbox {
namespace {

namespace fs = std::filesystem;

constexpr const char* kParent = "grader-sandbox";

std::string errno_text(int err) { return std::error_code(err, std::system_category()).message(); }

// Removes groups left by graders that died mid-run (their processes are gone with the pid
// namespace; kill what may remain all the same).
void sweep_stale(const fs::path& parent) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(parent, ec)) {
    if (!cgfiles::is_stale_run_name(entry.path().filename().string())) continue;
    for (pid_t pid : cgfiles::pids(entry.path() / "cgroup.procs")) ::kill(pid, SIGKILL);
    ::rmdir(entry.path().c_str());
  }
}

class CgroupV1 final : public Cgroup {
 public:
  explicit CgroupV1(std::vector<fs::path> dirs) : dirs_(std::move(dirs)) {}
  ~CgroupV1() override { remove(); }

  const fs::path& memory() const { return dirs_[0]; }
  const fs::path& pids() const { return dirs_[1]; }
  const fs::path& cpuacct() const { return dirs_[2]; }

  std::string attach(pid_t pid) override {
    for (const auto& dir : dirs_) {
      std::string err = cgfiles::write(dir / "cgroup.procs", std::to_string(pid));
      if (!err.empty()) return "move the run's init into its cgroup: " + err;
    }
    return "";
  }

  std::uint64_t cpu_ns() const override { return cgfiles::read_u64(cpuacct() / "cpuacct.usage"); }

  CgroupUsage usage() const override {
    CgroupUsage u;
    u.cpu_ns = cpu_ns();
    u.peak_bytes = std::max(cgfiles::read_u64(memory() / "memory.max_usage_in_bytes"),
                            cgfiles::read_u64(memory() / "memory.memsw.max_usage_in_bytes"));
    u.hit_limit = cgfiles::read_u64(memory() / "memory.failcnt") > 0 ||
                  cgfiles::read_u64(memory() / "memory.memsw.failcnt") > 0;
    if (auto oom = cgfiles::read(memory() / "memory.oom_control")) {
      u.oom_kill = cgfiles::keyed_value(*oom, "oom_kill") > 0;
    }
    return u;
  }

  bool kill_all() override {
    if (removed_) return true;
    for (int round = 0; round < 10000; ++round) {
      bool any = false;
      for (const auto& dir : dirs_) {
        for (pid_t pid : cgfiles::pids(dir / "cgroup.procs")) {
          any = true;
          ::kill(pid, SIGKILL);
        }
      }
      if (!any) return true;
      ::sched_yield();
    }
    return false;
  }

  std::string remove() override {
    if (removed_) return "";
    std::string error;
    for (const auto& dir : dirs_) {
      int tries = 0;
      while (::rmdir(dir.c_str()) != 0 && errno != ENOENT) {
        if (errno != EBUSY || ++tries > 1000) {
          if (error.empty()) error = "remove cgroup " + dir.string() + ": " + errno_text(errno);
          break;
        }
        kill_all();  // EBUSY: something is still dying in it
        ::sched_yield();
      }
    }
    removed_ = true;
    return error;
  }

 private:
  std::vector<fs::path> dirs_;  // memory, pids, cpuacct
  bool removed_ = false;
};

}  // namespace

CgroupV1Host::CgroupV1Host(fs::path memory, fs::path pids, fs::path cpuacct)
    : memory_(std::move(memory)), pids_(std::move(pids)), cpuacct_(std::move(cpuacct)) {}

std::unique_ptr<Cgroup> CgroupV1Host::create(const CgroupLimits& limits, std::string& error) {
  const std::string name = cgfiles::next_run_name();
  std::vector<fs::path> dirs;
  for (const fs::path& base : {memory_, pids_, cpuacct_}) {
    const fs::path parent = base / kParent;
    if (::mkdir(parent.c_str(), 0755) != 0 && errno != EEXIST) {
      error = "mkdir " + parent.string() + ": " + errno_text(errno);
      return nullptr;
    }
    static std::once_flag swept[3];  // once per process: stale groups of dead graders
    std::call_once(swept[dirs.size()], [&parent] { sweep_stale(parent); });
    const fs::path dir = parent / name;
    if (::mkdir(dir.c_str(), 0755) != 0) {
      error = "mkdir " + dir.string() + ": " + errno_text(errno);
      CgroupV1 partial(dirs);  // removes what was made
      return nullptr;
    }
    dirs.push_back(dir);
  }
  auto group = std::make_unique<CgroupV1>(dirs);
  const fs::path& mem = dirs[0];
  if (limits.memory_bytes) {
    const std::string bytes = std::to_string(*limits.memory_bytes);
    error = cgfiles::write(mem / "memory.limit_in_bytes", bytes);
    // Swap off: memory+swap capped at the same value, where the kernel accounts swap.
    if (error.empty() && ::access((mem / "memory.memsw.limit_in_bytes").c_str(), F_OK) == 0) {
      error = cgfiles::write(mem / "memory.memsw.limit_in_bytes", bytes);
    }
  }
  if (error.empty()) error = cgfiles::write(dirs[1] / "pids.max", std::to_string(limits.pids_max));
  if (!error.empty()) {
    error = "set the run's cgroup limits: " + error;
    return nullptr;  // the group's destructor removes it
  }
  return group;
}

std::unique_ptr<CgroupV1Host> CgroupV1Host::detect(const std::string& mountinfo,
                                                   const std::string& self_cgroup,
                                                   std::string& why) {
  fs::path found[3];
  const char* const names[3] = {"memory", "pids", "cpuacct"};
  auto mounts = cgfiles::cgroup_mounts(mountinfo);
  for (int i = 0; i < 3; ++i) {
    for (const auto& m : mounts) {
      if (m.fstype != "cgroup") continue;
      bool has = false;
      for (const auto& o : m.options) has = has || o == names[i];
      if (!has) continue;
      auto own = cgfiles::own_path(self_cgroup, names[i]);
      if (!own) continue;
      found[i] = fs::path(m.point) / fs::path(*own).relative_path();
      break;
    }
    if (found[i].empty()) {
      why = std::string("no cgroup v1 ") + names[i] + " hierarchy";
      return nullptr;
    }
    if (::access(found[i].c_str(), W_OK) != 0) {
      why = "cgroup v1 " + found[i].string() + " is not writable";
      return nullptr;
    }
  }
  return std::make_unique<CgroupV1Host>(found[0], found[1], found[2]);
}

}  // namespace grader::sandbox
