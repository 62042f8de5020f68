// cgroup v1; see cgroup_v1.h.
#include "runners/sandbox/cgroup_v1.h"

#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <system_error>
#include <thread>
#include <vector>

#include "runners/sandbox/cgroup_files.h"

namespace grader::sandbox {

namespace {

namespace fs = std::filesystem;

constexpr const char* kParent = "grader-sandbox";

// SIGKILL to every process `list_pids(dir)` names in each dir, again until none is left (a
// process may fork while it is being killed). False when they kept coming for 10000 rounds.
template <class Dirs, class ListPids>
bool kill_until_empty(const Dirs& dirs, ListPids list_pids) {
  for (int round = 0; round < 10000; ++round) {
    bool any = false;
    for (const auto& dir : dirs) {
      for (pid_t pid : list_pids(dir)) {
        any = true;
        ::kill(pid, SIGKILL);
      }
    }
    if (!any) return true;
    ::sched_yield();
  }
  return false;
}

std::string errno_text(int err) {
  return std::error_code(err, std::system_category()).message();
}

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

// Makes <base>/grader-sandbox/<name> in each hierarchy (sweeping stale groups once per process).
// The directories made, memory first; empty with `error` set on failure (nothing left behind).
std::vector<fs::path> make_dirs(const fs::path (&bases)[3], const std::string& name, std::string& error) {
  std::vector<fs::path> dirs;
  for (const fs::path& base : bases) {
    const fs::path parent = base / kParent;
    const fs::path dir = parent / name;
    if (::mkdir(parent.c_str(), 0755) != 0 && errno != EEXIST) {
      error = "mkdir " + parent.string() + ": " + errno_text(errno);
    } else {
      static std::once_flag swept[3];  // once per process: stale groups of dead graders
      std::call_once(swept[dirs.size()], [&parent] { sweep_stale(parent); });
      if (::mkdir(dir.c_str(), 0755) != 0) error = "mkdir " + dir.string() + ": " + errno_text(errno);
    }
    if (!error.empty()) {
      for (auto it = dirs.rbegin(); it != dirs.rend(); ++it) ::rmdir(it->c_str());
      return {};
    }
    dirs.push_back(dir);
  }
  return dirs;
}

// memory.limit_in_bytes and, where the kernel accounts swap, memory.memsw.limit_in_bytes (swap
// off: memory+swap capped at the same value), in the order the kernel accepts (memsw >= memory
// at every step). nullopt: no limit.
std::string set_memory_limit(const fs::path& mem, const std::optional<std::uint64_t>& bytes) {
  const std::string value = bytes ? std::to_string(*bytes) : "-1";
  const fs::path limit = mem / "memory.limit_in_bytes";
  const fs::path memsw = mem / "memory.memsw.limit_in_bytes";
  if (::access(memsw.c_str(), F_OK) != 0) return cgfiles::write(limit, value);
  const std::uint64_t want = bytes ? *bytes : UINT64_MAX;
  if (want >= cgfiles::read_u64(limit)) {  // raising: memsw first
    std::string err = cgfiles::write(memsw, value);
    return err.empty() ? cgfiles::write(limit, value) : err;
  }
  std::string err = cgfiles::write(limit, value);
  return err.empty() ? cgfiles::write(memsw, value) : err;
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
    return kill_until_empty(dirs_, [](const fs::path& dir) { return cgfiles::pids(dir / "cgroup.procs"); });
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

// A pooled run group: its directories and the helper thread that sits in them and clones each
// run's init. Made once, reused run after run (never by two runs at once), removed with the pool.
class Slot {
 public:
  explicit Slot(std::vector<fs::path> dirs) : dirs_(std::move(dirs)) {}
  Slot(const Slot&) = delete;
  Slot& operator=(const Slot&) = delete;
  ~Slot() {
    if (thread_.joinable()) {
      {
        std::lock_guard<std::mutex> lock(m_);
        stop_ = true;
      }
      cv_.notify_all();
      thread_.join();  // the helper's exit takes it out of the groups
    }
    for (auto it = dirs_.rbegin(); it != dirs_.rend(); ++it) {
      for (int tries = 0; ::rmdir(it->c_str()) != 0 && errno == EBUSY && tries < 1000; ++tries) {
        for (pid_t pid : run_pids(*it)) ::kill(pid, SIGKILL);  // cannot be the grader: it left
        ::sched_yield();
      }
    }
  }

  // Starts the helper, which moves itself into the groups: the one migration of this group's
  // life. Error message, empty on success (the destructor removes what there is).
  std::string start() {
    thread_ = std::thread([this] { loop(); });
    std::unique_lock<std::mutex> lock(m_);
    cv_.wait(lock, [this] { return started_; });
    if (start_error_.empty() && ::pthread_getcpuclockid(thread_.native_handle(), &clock_) != 0) {
      start_error_ = "no CPU clock for the cgroup helper thread";
    }
    return start_error_;
  }

  // Runs `fn` on the helper; returns its result.
  long run_inside(const std::function<long()>& fn) {
    std::unique_lock<std::mutex> lock(m_);
    job_ = &fn;
    done_ = false;
    cv_.notify_all();
    cv_.wait(lock, [this] { return done_; });
    return result_;
  }

  // The helper's CPU so far, which cpuacct charges to the group.
  std::uint64_t helper_cpu_ns() const {
    struct timespec ts {};
    if (::clock_gettime(clock_, &ts) != 0) return 0;
    return static_cast<std::uint64_t>(ts.tv_sec) * 1000000000ull + static_cast<std::uint64_t>(ts.tv_nsec);
  }

  // The processes in a group other than the grader (listed there through its helper).
  static std::vector<pid_t> run_pids(const fs::path& dir) {
    std::vector<pid_t> pids = cgfiles::pids(dir / "cgroup.procs");
    pids.erase(std::remove(pids.begin(), pids.end(), ::getpid()), pids.end());
    return pids;
  }

  const std::vector<fs::path>& dirs() const { return dirs_; }
  const fs::path& memory() const { return dirs_[0]; }
  const fs::path& pids() const { return dirs_[1]; }
  const fs::path& cpuacct() const { return dirs_[2]; }
  std::uint64_t oom_base = 0;    // the cumulative oom_kill count when the run began
  std::uint64_t usage_base = 0;  // memory charged to the group when the run began

 private:
  void loop() {
    std::string error;
    const std::string tid = std::to_string(::gettid());
    for (const auto& dir : dirs_) {
      error = cgfiles::write(dir / "tasks", tid);
      if (!error.empty()) {
        error = "move the cgroup helper thread into " + dir.string() + ": " + error;
        break;
      }
    }
    std::unique_lock<std::mutex> lock(m_);
    start_error_ = error;
    started_ = true;
    cv_.notify_all();
    if (!error.empty()) return;
    for (;;) {
      cv_.wait(lock, [this] { return stop_ || job_ != nullptr; });
      if (stop_) return;
      const std::function<long()>* job = job_;
      job_ = nullptr;
      lock.unlock();  // the clone's child must find no lock of ours held
      const long result = (*job)();
      lock.lock();
      result_ = result;
      done_ = true;
      cv_.notify_all();
    }
  }

  std::vector<fs::path> dirs_;  // memory, pids, cpuacct
  std::thread thread_;
  clockid_t clock_{};
  std::mutex m_;
  std::condition_variable cv_;
  bool started_ = false, stop_ = false, done_ = false;
  std::string start_error_;
  const std::function<long()>* job_ = nullptr;
  long result_ = 0;
};

}  // namespace

// Idle pooled groups; a lease takes one (or makes one) and gives it back when its run is over.
struct CgroupV1Host::Pool {
  Pool(fs::path memory, fs::path pids, fs::path cpuacct) : bases{memory, pids, cpuacct} {}

  std::unique_ptr<Cgroup> lease(const CgroupLimits& limits, std::string& error);

  void give_back(std::unique_ptr<Slot> slot) {
    std::lock_guard<std::mutex> lock(mutex);
    idle.push_back(std::move(slot));
  }

  fs::path bases[3];
  std::mutex mutex;
  std::vector<std::unique_ptr<Slot>> idle;
  bool broken = false;  // a group or helper could not be set up: fresh groups from then on
};

namespace {

// A run's lease of a pooled group.
class PooledCgroupV1 final : public Cgroup {
 public:
  PooledCgroupV1(CgroupV1Host::Pool* pool, std::unique_ptr<Slot> slot)
      : pool_(pool), slot_(std::move(slot)) {}
  ~PooledCgroupV1() override { remove(); }

  std::string attach(pid_t) override { return ""; }  // init is born inside
  bool clones_inside() const override { return true; }
  long run_inside(const std::function<long()>& fn) override { return slot_->run_inside(fn); }

  std::uint64_t cpu_ns() const override {
    const std::uint64_t all = cgfiles::read_u64(slot_->cpuacct() / "cpuacct.usage");
    return all - std::min(all, slot_->helper_cpu_ns());
  }

  CgroupUsage usage() const override {
    const fs::path& mem = slot_->memory();
    CgroupUsage u;
    u.cpu_ns = cpu_ns();
    const std::uint64_t peak = std::max(cgfiles::read_u64(mem / "memory.max_usage_in_bytes"),
                                        cgfiles::read_u64(mem / "memory.memsw.max_usage_in_bytes"));
    u.peak_bytes = peak - std::min(peak, slot_->usage_base);
    u.hit_limit =
        cgfiles::read_u64(mem / "memory.failcnt") > 0 || cgfiles::read_u64(mem / "memory.memsw.failcnt") > 0;
    if (auto oom = cgfiles::read(mem / "memory.oom_control")) {
      u.oom_kill = cgfiles::keyed_value(*oom, "oom_kill") > slot_->oom_base;
    }
    return u;
  }

  bool kill_all() override {
    if (!slot_) return true;
    return kill_until_empty(slot_->dirs(), &Slot::run_pids);
  }

  // Back to the pool once nothing of the run is left; a group that could not be emptied is
  // removed instead (its helper stopped, whatever remains killed).
  std::string remove() override {
    if (!slot_) return "";
    if (kill_all()) {
      pool_->give_back(std::move(slot_));
      return "";
    }
    slot_.reset();
    return "";
  }

 private:
  CgroupV1Host::Pool* pool_;
  std::unique_ptr<Slot> slot_;
};

// Makes a pooled group ready for a run: limits, page cache of the last run reclaimed, peaks and
// fail counts reset, baselines taken. Error message, empty on success.
std::string prepare(Slot& slot, const CgroupLimits& limits) {
  const fs::path& mem = slot.memory();
  // What the last runs left charged is reclaimed only once it passes kReclaimAbove; below that it
  // is the baseline that usage() subtracts from the peak. A Python run leaves 2.3-2.8 MiB of page
  // cache (the standard library it read) and 0.4-1 MiB of slab: reclaiming that after every run
  // cost 0.4 ms per run in force_empty, which drains the per-CPU LRU
  // lists of every CPU, and evicted the library for the next run to read again. The price of the
  // baseline: a run that presses its limit may see the cache reclaimed under it, and its peak
  // then reads up to the baseline low, never high.
  constexpr std::uint64_t kReclaimAbove = 16ull << 20;
  if (cgfiles::read_u64(mem / "memory.usage_in_bytes") > kReclaimAbove) {
    cgfiles::write(mem / "memory.force_empty", "0");  // best effort: what stays is the baseline
  }
  std::string err = set_memory_limit(mem, limits.memory_bytes);
  if (err.empty()) {
    err = cgfiles::write(slot.pids() / "pids.max", std::to_string(limits.pids_max + 1));  // + helper
  }
  for (const char* f : {"memory.max_usage_in_bytes", "memory.memsw.max_usage_in_bytes", "memory.failcnt",
                        "memory.memsw.failcnt"}) {
    if (!err.empty()) break;
    if (::access((mem / f).c_str(), F_OK) == 0) err = cgfiles::write(mem / f, "0");
  }
  if (!err.empty()) return "set the run's cgroup limits: " + err;
  slot.usage_base = std::max(cgfiles::read_u64(mem / "memory.usage_in_bytes"),
                             cgfiles::read_u64(mem / "memory.memsw.usage_in_bytes"));
  if (auto oom = cgfiles::read(mem / "memory.oom_control")) {
    slot.oom_base = cgfiles::keyed_value(*oom, "oom_kill");
  }
  return "";
}

}  // namespace

std::unique_ptr<Cgroup> CgroupV1Host::Pool::lease(const CgroupLimits& limits, std::string& error) {
  std::unique_ptr<Slot> slot;
  {
    std::lock_guard<std::mutex> lock(mutex);
    if (broken) {
      error = "the cgroup pool is out of use";
      return nullptr;
    }
    if (!idle.empty()) {
      slot = std::move(idle.back());
      idle.pop_back();
    }
  }
  if (!slot) {
    std::vector<fs::path> dirs = make_dirs(bases, cgfiles::next_pool_name(), error);
    if (dirs.empty()) return nullptr;
    slot = std::make_unique<Slot>(std::move(dirs));
    error = slot->start();
    if (!error.empty()) {
      std::lock_guard<std::mutex> lock(mutex);
      broken = true;
      return nullptr;  // ~Slot removes the group
    }
  }
  error = prepare(*slot, limits);
  if (!error.empty()) return nullptr;  // this group is dropped; the next lease makes another
  return std::make_unique<PooledCgroupV1>(this, std::move(slot));
}

// The pool is made here, not on first use: runs of a class graded with --jobs N start at once,
// and two of them once each made a pool of their own, one freeing the other's under it.
CgroupV1Host::CgroupV1Host(fs::path memory, fs::path pids, fs::path cpuacct)
    : memory_(std::move(memory)),
      pids_(std::move(pids)),
      cpuacct_(std::move(cpuacct)),
      pool_(std::make_unique<Pool>(memory_, pids_, cpuacct_)) {}

CgroupV1Host::~CgroupV1Host() = default;

std::unique_ptr<Cgroup> CgroupV1Host::create(const CgroupLimits& limits, std::string& error) {
  if (pooling_) {
    std::string pool_error;  // the pool failing is not the run failing: a fresh group instead
    if (auto group = pool_->lease(limits, pool_error)) return group;
  }
  const fs::path bases[3] = {memory_, pids_, cpuacct_};
  std::vector<fs::path> dirs = make_dirs(bases, cgfiles::next_run_name(), error);
  if (dirs.empty()) return nullptr;
  auto group = std::make_unique<CgroupV1>(dirs);
  if (limits.memory_bytes) error = set_memory_limit(dirs[0], limits.memory_bytes);
  if (error.empty()) error = cgfiles::write(dirs[1] / "pids.max", std::to_string(limits.pids_max));
  if (!error.empty()) {
    error = "set the run's cgroup limits: " + error;
    return nullptr;  // the group's destructor removes it
  }
  return group;
}

std::unique_ptr<CgroupV1Host> CgroupV1Host::detect(const std::string& mountinfo,
                                                   const std::string& self_cgroup, std::string& why) {
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
