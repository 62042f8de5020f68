// cgroup v2; see cgroup_v2.h. Also the detection of which cgroup version a host offers.
#include "runners/sandbox/cgroup_v2.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <sstream>
#include <system_error>

#include "runners/sandbox/cgroup_files.h"
#include "runners/sandbox/cgroup_v1.h"

namespace grader::sandbox {
namespace {

namespace fs = std::filesystem;

constexpr const char* kParent = "grader-sandbox";
constexpr const char* kSupervisorLeaf = "grader-supervisor";

std::string errno_text(int err) {
  return std::error_code(err, std::system_category()).message();
}

bool has_controllers(const fs::path& dir, std::initializer_list<const char*> wanted) {
  auto text = cgfiles::read(dir / "cgroup.controllers");
  if (!text) return false;
  std::istringstream in(*text);
  std::vector<std::string> have;
  for (std::string w; in >> w;) have.push_back(w);
  for (const char* w : wanted) {
    if (std::find(have.begin(), have.end(), std::string(w)) == have.end()) return false;
  }
  return true;
}

class CgroupV2 final : public Cgroup {
 public:
  explicit CgroupV2(fs::path dir) : dir_(std::move(dir)) {}
  ~CgroupV2() override { remove(); }

  std::string attach(pid_t pid) override {
    std::string err = cgfiles::write(dir_ / "cgroup.procs", std::to_string(pid));
    return err.empty() ? "" : "move the run's init into its cgroup: " + err;
  }

  std::uint64_t cpu_ns() const override {
    auto text = cgfiles::read(dir_ / "cpu.stat");
    return text ? cgfiles::keyed_value(*text, "usage_usec") * 1000 : 0;
  }

  CgroupUsage usage() const override {
    CgroupUsage u;
    u.cpu_ns = cpu_ns();
    u.peak_bytes = cgfiles::read_u64(dir_ / "memory.peak");
    if (auto events = cgfiles::read(dir_ / "memory.events")) {
      u.oom_kill = cgfiles::keyed_value(*events, "oom_kill") > 0;
      u.hit_limit = cgfiles::keyed_value(*events, "max") > 0;
    }
    return u;
  }

  bool kill_all() override {
    if (removed_) return true;
    if (::access((dir_ / "cgroup.kill").c_str(), F_OK) == 0) {
      cgfiles::write(dir_ / "cgroup.kill", "1");
    }
    for (int round = 0; round < 10000; ++round) {
      auto pids = cgfiles::pids(dir_ / "cgroup.procs");
      if (pids.empty()) return true;
      for (pid_t pid : pids) ::kill(pid, SIGKILL);
      ::sched_yield();
    }
    return false;
  }

  std::string remove() override {
    if (removed_) return "";
    removed_ = true;
    int tries = 0;
    while (::rmdir(dir_.c_str()) != 0 && errno != ENOENT) {
      if (errno != EBUSY || ++tries > 1000) {
        return "remove cgroup " + dir_.string() + ": " + errno_text(errno);
      }
      removed_ = false;
      kill_all();
      removed_ = true;
      ::sched_yield();
    }
    return "";
  }

 private:
  fs::path dir_;
  bool removed_ = false;
};

}  // namespace

CgroupV2Host::CgroupV2Host(fs::path own_group) : own_(std::move(own_group)) {}

std::string CgroupV2Host::prepare() {
  if (prepared_) return "";
  const fs::path parent = own_ / kParent;
  if (::mkdir(parent.c_str(), 0755) != 0 && errno != EEXIST) {
    return "mkdir " + parent.string() + ": " + errno_text(errno);
  }
  // Enable memory and pids for children of our own group. EBUSY: our group holds processes
  // (this grader): move them into a leaf first, then retry.
  std::string err = cgfiles::write(own_ / "cgroup.subtree_control", "+memory +pids");
  if (!err.empty()) {
    const fs::path leaf = own_ / kSupervisorLeaf;
    if (::mkdir(leaf.c_str(), 0755) != 0 && errno != EEXIST) {
      return "mkdir " + leaf.string() + ": " + errno_text(errno);
    }
    for (pid_t pid : cgfiles::pids(own_ / "cgroup.procs")) {
      std::string moved = cgfiles::write(leaf / "cgroup.procs", std::to_string(pid));
      if (!moved.empty()) return "move the grader out of its cgroup to delegate it: " + moved;
    }
    err = cgfiles::write(own_ / "cgroup.subtree_control", "+memory +pids");
    if (!err.empty()) return "enable memory and pids for the run cgroups: " + err;
  }
  err = cgfiles::write(parent / "cgroup.subtree_control", "+memory +pids");
  if (!err.empty()) return "enable memory and pids for the run cgroups: " + err;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(parent, ec)) {
    if (!cgfiles::is_stale_run_name(entry.path().filename().string())) continue;
    CgroupV2 stale(entry.path());  // killed and removed by its destructor
    stale.kill_all();
  }
  prepared_ = true;
  return "";
}

std::unique_ptr<Cgroup> CgroupV2Host::create(const CgroupLimits& limits, std::string& error) {
  error = prepare();
  if (!error.empty()) return nullptr;
  const fs::path dir = own_ / kParent / cgfiles::next_run_name();
  if (::mkdir(dir.c_str(), 0755) != 0) {
    error = "mkdir " + dir.string() + ": " + errno_text(errno);
    return nullptr;
  }
  auto group = std::make_unique<CgroupV2>(dir);
  if (limits.memory_bytes) {
    error = cgfiles::write(dir / "memory.max", std::to_string(*limits.memory_bytes));
    if (error.empty()) error = cgfiles::write(dir / "memory.swap.max", "0");
  }
  if (error.empty()) error = cgfiles::write(dir / "memory.oom.group", "1");
  if (error.empty()) error = cgfiles::write(dir / "pids.max", std::to_string(limits.pids_max));
  if (!error.empty()) {
    error = "set the run's cgroup limits: " + error;
    return nullptr;
  }
  return group;
}

std::unique_ptr<CgroupV2Host> CgroupV2Host::detect(const std::string& mountinfo,
                                                   const std::string& self_cgroup, std::string& why) {
  auto own = cgfiles::own_path(self_cgroup, "");
  if (!own) {
    why = "this process is in no cgroup v2 group";
    return nullptr;
  }
  for (const auto& m : cgfiles::cgroup_mounts(mountinfo)) {
    if (m.fstype != "cgroup2") continue;
    fs::path dir = fs::path(m.point) / fs::path(*own).relative_path();
    if (!has_controllers(dir, {"memory", "pids"})) {
      why = "the cgroup v2 hierarchy at " + m.point + " offers no memory and pids controllers" +
            " (they are bound to cgroup v1 on this host)";
      continue;
    }
    if (::access(dir.c_str(), W_OK) != 0) {
      why = "cgroup v2 group " + dir.string() + " is not writable";
      continue;
    }
    return std::make_unique<CgroupV2Host>(dir);
  }
  if (why.empty()) why = "no cgroup v2 hierarchy is mounted";
  return nullptr;
}

std::unique_ptr<CgroupHost> detect_cgroup_host(std::string& why) {
  auto mountinfo = cgfiles::read("/proc/self/mountinfo");
  auto self = cgfiles::read("/proc/self/cgroup");
  if (!mountinfo || !self) {
    why = "cannot read /proc/self/mountinfo or /proc/self/cgroup";
    return nullptr;
  }
  std::string why_v2, why_v1;
  if (auto v2 = CgroupV2Host::detect(*mountinfo, *self, why_v2)) {
    std::string err = v2->prepare();
    if (err.empty()) return v2;
    why_v2 = err;
  }
  if (auto v1 = CgroupV1Host::detect(*mountinfo, *self, why_v1)) return v1;
  why = "v2: " + why_v2 + "; v1: " + why_v1;
  return nullptr;
}

}  // namespace grader::sandbox
