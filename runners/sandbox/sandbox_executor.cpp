// SandboxExecutor: the probes that decide what can be in force, the per-run preparation in the
// grader (plans, pipes, cgroup, uid lease), the wait (run_io's pump), the teardown on every path
// and the verdict. The child side is supervisor.cpp.
#include "runners/sandbox/sandbox_executor.h"

#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <mutex>
#include <optional>
#include <sstream>

#include "grader/util/units.h"
#include "runners/process/child_reaper.h"
#include "runners/process/run_io.h"
#include "runners/sandbox/cgroup.h"
#include "runners/sandbox/landlock.h"
#include "runners/sandbox/mounts.h"
#include "runners/sandbox/namespaces.h"
#include "runners/sandbox/rlimits.h"
#include "runners/sandbox/seccomp.h"
#include "runners/sandbox/supervisor.h"

namespace grader {
namespace {

namespace fs = std::filesystem;
using namespace runio;  // NOLINT: the shared plumbing of local executors
using sandbox::Cgroup;
using sandbox::CgroupHost;

// ---- uid leases (root mode): one uid per concurrent run, across grader processes ----------

// A directory only root can write, for the lease lock files.
std::optional<fs::path> lease_dir() {
  for (const char* candidate : {"/run/grader-sandbox", "/tmp/grader-sandbox-uids"}) {
    fs::path dir = candidate;
    if (!fs::exists(fs::path(candidate).parent_path())) continue;
    ::mkdir(candidate, 0700);
    struct stat st {};
    if (::lstat(candidate, &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == 0 && (st.st_mode & 022) == 0) {
      return dir;
    }
  }
  return std::nullopt;
}

class UidLease {
 public:
  UidLease() = default;
  UidLease(const UidLease&) = delete;
  UidLease& operator=(const UidLease&) = delete;
  ~UidLease() {
    if (fd_ >= 0) ::close(fd_);  // releases the flock
  }
  // The first free uid in [first, first + count); false when all are taken.
  bool acquire(uid_t first, unsigned count, std::string& error) {
    static const std::optional<fs::path> dir = lease_dir();
    if (!dir) {
      error = "no root-owned directory for uid leases (/run/grader-sandbox)";
      return false;
    }
    for (unsigned i = 0; i < count; ++i) {
      const uid_t candidate = first + i;
      const fs::path lock = *dir / ("uid-" + std::to_string(candidate));
      int fd = ::open(lock.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
      if (fd < 0) continue;
      if (::flock(fd, LOCK_EX | LOCK_NB) == 0) {
        fd_ = fd;
        uid = candidate;
        return true;
      }
      ::close(fd);
    }
    error = "every run uid from " + std::to_string(first) + " is in use";
    return false;
  }
  uid_t uid = 0;

 private:
  int fd_ = -1;
};

// Hands the staged workspace to the run's uid: every entry, links themselves (never followed).
uid_t g_chown_uid = 0;
int chown_entry(const char* path, const struct stat*, int, struct FTW*) {
  ::lchown(path, g_chown_uid, g_chown_uid);
  return 0;
}
std::mutex g_chown_mutex;
bool chown_tree(const fs::path& root, uid_t uid) {
  std::lock_guard<std::mutex> lock(g_chown_mutex);
  g_chown_uid = uid;
  return ::nftw(root.c_str(), chown_entry, 64, FTW_PHYS | FTW_MOUNT) == 0;
}

// ---- helpers ------------------------------------------------------------------------------

std::string replace_workdir(const std::string& value, const std::string& host) {
  // Each ':'-separated entry that is the workdir or lies under it now names /work.
  std::string out;
  std::size_t start = 0;
  for (;;) {
    std::size_t colon = value.find(':', start);
    std::string entry = value.substr(start, colon == std::string::npos ? colon : colon - start);
    if (entry == host || entry.rfind(host + "/", 0) == 0) {
      entry = sandbox::kSandboxWorkdir + entry.substr(host.size());
    }
    out += entry;
    if (colon == std::string::npos) break;
    out += ':';
    start = colon + 1;
  }
  return out;
}

// The range of this process's original environment strings (/proc/self/stat fields 50 and 51),
// which init zeroes in its copy of the grader's memory.
std::pair<char*, char*> environ_range() {
  std::ifstream in("/proc/self/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto close = stat.rfind(')');
  if (close == std::string::npos) return {nullptr, nullptr};
  std::stringstream fields(stat.substr(close + 2));
  std::string field;
  unsigned long long begin = 0, end = 0;
  for (int n = 3; fields >> field; ++n) {  // field 3 is the state
    if (n == 50) begin = std::strtoull(field.c_str(), nullptr, 10);
    if (n == 51) {
      end = std::strtoull(field.c_str(), nullptr, 10);
      break;
    }
  }
  if (begin == 0 || end <= begin) return {nullptr, nullptr};
  return {reinterpret_cast<char*>(begin), reinterpret_cast<char*>(end)};
}

// Removes a tree the run wrote, whatever modes it left (dirs made writable first), without
// following links. Everything of the run is dead by then.
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

// The run's private temporary directory where there is no mount namespace (and so no private
// /tmp): beside the workdir (the grader's TMPDIR), else in /tmp; removed on every path.
class PrivateTmp {
 public:
  PrivateTmp() = default;
  PrivateTmp(const PrivateTmp&) = delete;
  PrivateTmp& operator=(const PrivateTmp&) = delete;
  ~PrivateTmp() {
    if (path.empty()) return;
    remove_tree_at(AT_FDCWD, path.c_str());
  }
  bool make(const fs::path& workdir, std::optional<uid_t> owner) {
    for (const fs::path& dir : {workdir.parent_path(), fs::path("/tmp")}) {
      std::string tmpl = (dir / "grader-run-tmp-XXXXXX").string();
      if (::mkdtemp(tmpl.data()) == nullptr) continue;
      path = tmpl;
      if (owner && ::lchown(path.c_str(), *owner, *owner) != 0) return false;
      return true;
    }
    return false;
  }
  std::string path;
};

std::set<std::string> parse_disable(const char* text) {
  std::set<std::string> out;
  if (text == nullptr) return out;
  std::stringstream in(text);
  for (std::string item; std::getline(in, item, ',');) {
    item.erase(0, item.find_first_not_of(" \t"));
    item.erase(item.find_last_not_of(" \t") + 1);
    if (item == "userns") item = "user";
    if (item == "namespaces") {
      for (const char* ns : {"user", "pid", "mount", "net", "ipc", "uts"}) out.insert(ns);
      continue;
    }
    if (item == "cgroups") item = "cgroup";
    if (!item.empty()) out.insert(item);
  }
  return out;
}

}  // namespace

SandboxOptions SandboxOptions::from_environment() {
  SandboxOptions o;
  o.disable = parse_disable(::getenv("GRADER_SANDBOX_DISABLE"));
  if (const char* ro = ::getenv("GRADER_SANDBOX_RO")) {
    std::stringstream in(ro);
    for (std::string p; std::getline(in, p, ':');) {
      if (!p.empty() && p[0] == '/') o.extra_ro.emplace_back(p);
    }
  }
  return o;
}

// ---- the executor ---------------------------------------------------------------------------

struct SandboxExecutor::Impl {
  SandboxOptions options;
  bool root = false;
  sandbox::NamespacePlan ns;
  bool any_ns = false;
  std::unique_ptr<CgroupHost> cgroups;
  std::optional<sandbox::SeccompProgram> seccomp;
  int landlock_abi = 0;  // > 0: Landlock confines every run (where there is no mount ns)
  bool landlock_net = false, landlock_scoped = false;
  std::pair<char*, char*> environ = {nullptr, nullptr};
  std::string degraded;

  void note(const std::string& why) { degraded += (degraded.empty() ? "" : "; ") + why; }
  bool off(const char* control) const { return options.disable.count(control) > 0; }

  void probe();
  void probe_landlock();
  // `true` run for real through the controls configured so far; nullopt (with a note) when not
  // even its scratch directory could be made.
  std::optional<RunResult> probe_run(const char* what);
  RunResult run(const RunRequest& req, bool probe_only);
};

std::optional<RunResult> SandboxExecutor::Impl::probe_run(const char* what) {
  char tmpl[] = "/tmp/grader-sandbox-probe-XXXXXX";
  if (::mkdtemp(tmpl) == nullptr) {
    note(std::string(what) + " probe: mkdtemp: " + std::strerror(errno));
    return std::nullopt;
  }
  RunRequest req;
  req.id = "probe";
  req.argv = {"true"};
  req.workdir = tmpl;
  req.env = {{"PATH", "/usr/bin:/bin"}};
  req.timeout_s = 10;
  RunResult r = run(req, true);
  ::rmdir(tmpl);
  return r;
}

void SandboxExecutor::Impl::probe() {
  root = ::geteuid() == 0;
  // A learner of the grader's own uid (fallback mode) must not read the grader's environment or
  // memory through /proc/<pid>/environ or mem: not dumpable, for the rest of its life.
  environ = environ_range();
  ::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  if (!off("seccomp")) {
    try {
      seccomp = sandbox::build_seccomp_program();
    } catch (const std::exception& e) {
      note(e.what());
    }
  } else {
    note("seccomp disabled by GRADER_SANDBOX_DISABLE");
  }
  if (!off("cgroup")) {
    std::string why;
    cgroups = sandbox::detect_cgroup_host(why);
    if (!cgroups) note("no cgroups: " + why);
    // Pooled run groups (cgroup_v1.h); "cgroup_pool" in GRADER_SANDBOX_DISABLE makes a fresh group
    // per run instead (the same control, only slower on v1).
    if (cgroups) cgroups->set_pooling(!off("cgroup_pool"));
  } else {
    note("cgroup disabled by GRADER_SANDBOX_DISABLE");
  }

  ns.pid = !off("pid");
  ns.mount = !off("mount");
  ns.net = !off("net");
  ns.ipc = !off("ipc");
  ns.uts = !off("uts");
  ns.user = !root;
  any_ns = ns.pid || ns.mount || ns.net || ns.ipc || ns.uts;
  if (!root && off("user")) {
    if (any_ns) note("no user namespace (disabled by GRADER_SANDBOX_DISABLE), so no namespaces");
    ns = {};
    any_ns = false;
  }
  if (!any_ns) {
    ns = {};
    probe_landlock();
    return;
  }
  // One real run with every namespace, stopped just before exec: where the kernel, a sysctl or
  // an AppArmor profile refuses any step, fall back to no namespaces and say why.
  std::optional<RunResult> r = probe_run("namespace");
  if (!r || r->status != RunStatus::Ok) {
    if (r) note("namespaces unavailable (" + r->message + "); running without them");
    ns = {};
    any_ns = false;
    if (!r) return;
  }
  probe_landlock();
}

// Landlock where there is no mount namespace to hide the host's files: fallback mode. (With a
// mount and a net namespace it would add nothing the namespaces do not already give; it is left
// out there to keep the per-run cost at zero.)
void SandboxExecutor::Impl::probe_landlock() {
  if (ns.mount) return;
  if (off("landlock")) {
    note("landlock disabled by GRADER_SANDBOX_DISABLE");
    return;
  }
  const int abi = sandbox::landlock_abi();
  if (abi < 1) {
    note("no Landlock in this kernel: no filesystem or network confinement");
    return;
  }
  // A real ruleset, applied by a real (probe) run: what the kernel refuses is not claimed.
  landlock_abi = abi;
  std::optional<RunResult> r = probe_run("landlock");
  if (!r || r->status != RunStatus::Ok) {
    if (r) note("Landlock unavailable (" + r->message + ")");
    landlock_abi = 0;
    return;
  }
  landlock_net = abi >= 4;
  landlock_scoped = abi >= 6;
  if (abi < 4) note("Landlock ABI " + std::to_string(abi) + ": TCP not restricted (needs ABI 4)");
  if (abi < 6) {
    note("Landlock ABI " + std::to_string(abi) +
         ": signals and abstract unix sockets not scoped (needs ABI 6)");
  }
}

RunResult SandboxExecutor::Impl::run(const RunRequest& req, bool probe_only) {
  if (req.argv.empty() || req.argv[0].empty()) return runner_error(req, "empty command");
  struct sigaction chld {};
  if (::sigaction(SIGCHLD, nullptr, &chld) == 0 &&
      (chld.sa_handler == SIG_IGN || (chld.sa_flags & SA_NOCLDWAIT) != 0)) {
    return runner_error(req, "the grader ignores SIGCHLD, so it cannot wait for the run");
  }
  if (!(req.timeout_s > 0)) {
    return runner_error(req, "invalid timeout: " + std::to_string(req.timeout_s) + " s");
  }
  std::error_code ec;
  const fs::path workdir = fs::canonical(fs::absolute(req.workdir, ec), ec);
  if (ec || !fs::is_directory(workdir, ec)) {
    return runner_error(req, "workdir does not exist: " + req.workdir.string());
  }
  for (const auto& [key, value] : req.env) {
    if (key.empty() || key.find('=') != std::string::npos || key.find('\0') != std::string::npos ||
        value.find('\0') != std::string::npos) {
      return runner_error(req, "invalid environment variable: '" + key + "'");
    }
  }
  for (const auto& a : req.argv) {
    if (a.find('\0') != std::string::npos) return runner_error(req, "NUL byte in the command");
  }

  // Without a pid namespace the grader itself must sweep the learner's leftovers, which only
  // works while no other such run is in flight (see reaper::run_mutex).
  std::unique_lock<std::mutex> sweep_lock(reaper::run_mutex(), std::defer_lock);
  if (!ns.pid) {
    sweep_lock.lock();
    reaper::ensure_subreaper();
  }

  // Identity.
  UidLease lease;
  sandbox::IdentityPlan identity;
  if (root && !off("uid")) {
    std::string err;
    if (probe_only) {
      identity = {true, 65534, 65534};
    } else {
      if (!lease.acquire(options.first_uid, options.uid_count, err)) return runner_error(req, err);
      identity = {true, lease.uid, lease.uid};
      if (!chown_tree(workdir, lease.uid)) {
        return runner_error(req, "could not hand the workdir to the run's uid: " + errno_text(errno));
      }
    }
  }

  // Without a mount namespace there is no private /tmp: Landlock lets the run write only in the
  // workdir and a private directory of its own, named by TMPDIR.
  const bool use_landlock = landlock_abi > 0 && !ns.mount;
  PrivateTmp private_tmp;
  if (use_landlock && !probe_only &&
      !private_tmp.make(workdir, identity.switch_ids ? std::optional<uid_t>(identity.uid) : std::nullopt)) {
    return runner_error(req, "could not make the run's private tmp directory: " + errno_text(errno));
  }

  // The environment the learner sees: the workdir is /work inside a mount namespace.
  std::vector<std::string> env_storage;
  std::string path_var = "/bin:/usr/bin";
  for (const auto& [key, value] : req.env) {
    std::string v = ns.mount ? replace_workdir(value, workdir.string()) : value;
    if (key == "PATH") path_var = v;
    if (key == "TMPDIR" && !private_tmp.path.empty()) continue;
    env_storage.push_back(key + "=" + v);
  }
  if (!private_tmp.path.empty()) env_storage.push_back("TMPDIR=" + private_tmp.path);
  std::vector<char*> envp;
  for (auto& e : env_storage) envp.push_back(e.data());
  envp.push_back(nullptr);
  std::vector<std::string> argv_storage = req.argv;
  std::vector<char*> argv;
  for (auto& a : argv_storage) argv.push_back(a.data());
  argv.push_back(nullptr);
  const std::string workdir_str = workdir.string();

  // Plans. The host trees the run is shown read-only (mount namespace) or may read (Landlock).
  std::vector<fs::path> extra_ro = options.extra_ro;
  if (ns.mount || use_landlock) {
    std::vector<fs::path>& ro = extra_ro;
    // An interpreter outside the system trees (a pyenv, a conda): show its installation.
    if (req.argv[0].find('/') == std::string::npos) {
      std::stringstream dirs(path_var);
      for (std::string dir; std::getline(dirs, dir, ':');) {
        if (dir.empty() || dir[0] != '/' || dir.rfind(sandbox::kSandboxWorkdir, 0) == 0) continue;
        fs::path exe = fs::path(dir) / req.argv[0];
        if (::access(exe.c_str(), X_OK) != 0) continue;
        fs::path real = fs::canonical(exe, ec);
        if (!ec && real.has_parent_path()) ro.push_back(real.parent_path().parent_path());
        break;
      }
    }
    // Trees the environment points at (an Lmod hierarchy, BASH_ENV, software on PATH): shown
    // read-only at the same paths. A hierarchy's ".../Core" brings its root along.
    for (const char* key : {"PATH", "MODULEPATH", "BASH_ENV", "MODULESHOME", "LMOD_CMD", "LMOD_DIR",
                            "LMOD_PKG", "PYTHONPATH", "LD_LIBRARY_PATH", "SLURM_CONF"}) {
      auto it = req.env.find(key);
      if (it == req.env.end()) continue;
      std::stringstream entries(it->second);
      for (std::string entry; std::getline(entries, entry, ':');) {
        if (entry.empty() || entry[0] != '/') continue;
        fs::path p = fs::path(entry).lexically_normal();
        const fs::path rel = p.lexically_relative(workdir);
        if (p == workdir || (!rel.empty() && *rel.begin() != "..")) {
          continue;  // inside the workdir: already there, as /work
        }
        if (!fs::exists(p, ec)) continue;
        if (p.filename() == "Core" || (p.filename().empty() && p.parent_path().filename() == "Core")) {
          ro.push_back(p.parent_path());
        }
        ro.push_back(p);
      }
    }
  }
  std::optional<sandbox::MountPlan> mounts;
  if (ns.mount) {
    sandbox::MountOptions mo;
    mo.workdir = workdir;
    mo.extra_ro = extra_ro;
    mo.tmp_bytes = options.tmp_bytes;
    mo.shm_bytes = options.shm_bytes;
    const uid_t uid = identity.switch_ids ? identity.uid : ::getuid();
    const gid_t gid = identity.switch_ids ? identity.gid : ::getgid();
    mo.passwd =
        "root:x:0:0:root:/root:/bin/sh\n"
        "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n";
    if (uid != 0 && uid != 65534) {
      mo.passwd += "learner:x:" + std::to_string(uid) + ":" + std::to_string(gid) +
                   ":learner:" + sandbox::kSandboxWorkdir + ":/bin/sh\n";
    }
    mo.group = "root:x:0:\nnogroup:x:65534:\n";
    if (gid != 0 && gid != 65534) mo.group += "learner:x:" + std::to_string(gid) + ":\n";
    mounts = sandbox::build_mount_plan(mo);
  }
  sandbox::LandlockRuleset landlock;
  if (use_landlock) {
    sandbox::LandlockOptions lo;
    lo.read_exec = sandbox::system_trees();
    for (const fs::path& p : extra_ro) {
      // Never a whole top-level directory (mounts.cpp's rule): "/", "/home", "/tmp".
      const fs::path n = p.lexically_normal();
      if (n.is_absolute() && std::distance(n.begin(), n.end()) >= 3) lo.read_exec.push_back(n);
    }
    lo.read_only = sandbox::etc_allowlist();
    for (const char* f : {"/etc/passwd", "/etc/group", "/proc"}) lo.read_only.emplace_back(f);
    lo.read_write = {workdir};
    if (!private_tmp.path.empty()) lo.read_write.emplace_back(private_tmp.path);
    for (const char* dev : {"null", "zero", "full", "random", "urandom"}) {
      lo.devices.push_back(fs::path("/dev") / dev);
    }
    std::string err;
    if (!sandbox::build_landlock_ruleset(landlock_abi, lo, landlock, err)) {
      return runner_error(req, "could not build the run's Landlock ruleset: " + err);
    }
  }
  const bool have_cgroup = cgroups != nullptr;
  sandbox::RlimitOptions ro;
  ro.fsize = options.file_size_limit;
  ro.nofile = options.nofile;
  ro.stack = options.stack_bytes;
  if (!have_cgroup && req.memory_bytes) ro.as = req.memory_bytes;
  if (!have_cgroup && identity.switch_ids) ro.nproc = options.pids_max;

  // Pipes.
  Fd in_read, in_write, out_read, out_write, err_read, err_write;
  Fd setup_read, setup_write, status_read, status_write, sync_read, sync_write;
  if (!make_pipe(out_read, out_write) || !make_pipe(err_read, err_write) ||
      !make_pipe(setup_read, setup_write) || !make_pipe(status_read, status_write) ||
      !make_pipe(sync_read, sync_write)) {
    return runner_error(req, "could not create pipes: " + errno_text(errno));
  }
  if (req.stdin_data) {
    if (!make_pipe(in_read, in_write)) {
      return runner_error(req, "could not create pipes: " + errno_text(errno));
    }
  } else {
    in_read = Fd(::open("/dev/null", O_RDONLY | O_CLOEXEC));
    if (!in_read.valid() || !lift_above_stdio(in_read)) {
      return runner_error(req, "could not open /dev/null: " + errno_text(errno));
    }
  }
  if (!set_nonblocking(out_read.get()) || !set_nonblocking(err_read.get()) ||
      (in_write.valid() && !set_nonblocking(in_write.get()))) {
    return runner_error(req, "could not set up pipes: " + errno_text(errno));
  }

  // The run's cgroup: made before the run's init exists, removed on every path below.
  std::unique_ptr<Cgroup> cgroup;
  if (have_cgroup) {
    sandbox::CgroupLimits limits;
    limits.memory_bytes = req.memory_bytes;
    limits.pids_max = options.pids_max;
    std::string err;
    cgroup = cgroups->create(limits, err);
    if (!cgroup) return runner_error(req, "could not create the run's cgroup: " + err);
  }

  sandbox::ChildPlan plan;
  plan.ns = ns;
  plan.identity = identity;
  plan.mounts = mounts ? &*mounts : nullptr;
  plan.workdir = workdir_str.c_str();
  plan.rlimits = sandbox::build_rlimit_plan(ro);
  plan.seccomp = seccomp ? &*seccomp : nullptr;
  plan.landlock_fd = landlock.fd;
  plan.environ_begin = environ.first;
  plan.environ_end = environ.second;
  plan.stdin_fd = in_read.get();
  plan.stdout_fd = out_write.get();
  plan.stderr_fd = err_write.get();
  plan.setup_fd = setup_write.get();
  plan.status_fd = status_write.get();
  plan.sync_fd = sync_read.get();
  plan.argv = argv.data();
  plan.envp = envp.data();
  plan.path_var = path_var.c_str();
  plan.probe_only = probe_only;

  std::vector<int> spare = ns.pid ? std::vector<int>{} : reaper::own_children();
  std::string start_error;
  const pid_t init = sandbox::start_init(plan, sync_write.get(), cgroup.get(), start_error);
  in_read.reset();
  out_write.reset();
  err_write.reset();
  setup_write.reset();
  status_write.reset();
  sync_read.reset();
  sync_write.reset();
  if (init < 0) return runner_error(req, "could not start the sandbox: " + start_error);
  spare.push_back(init);

  RunResult result;
  result.id = req.id;
  // Tears down whatever is left, on every path: init and everything in its namespace or
  // cgroup, leftovers re-parented to the grader, the cgroup itself.
  std::optional<reaper::Reaped> reaped;
  bool torn_down = false;
  reaper::Sweep sweep;
  bool cgroup_emptied = true;
  auto teardown = [&]() {
    if (torn_down) return;
    torn_down = true;
    ::kill(init, SIGKILL);
    if (cgroup) cgroup_emptied = cgroup->kill_all();
    reaped = reaper::reap(init);
    if (!ns.pid) sweep = reaper::kill_leftovers(spare);
    if (cgroup) cgroup_emptied = cgroup->kill_all() && cgroup_emptied;
  };

  // Set-up: EOF on the setup pipe once the learner exec'd; a failure report otherwise.
  {
    struct pollfd pfd {
      setup_read.get(), POLLIN, 0
    };
    sandbox::SetupFailure failure;
    std::size_t got = 0;
    for (;;) {
      int ready = ::poll(&pfd, 1, 30000);
      if (ready < 0 && errno == EINTR) continue;
      if (ready <= 0) {
        teardown();
        return runner_error(req, "the sandbox did not finish its set-up within 30 s");
      }
      ssize_t n = ::read(setup_read.get(), reinterpret_cast<char*>(&failure) + got, sizeof failure - got);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      got += static_cast<std::size_t>(n);
      if (got == sizeof failure) break;
    }
    if (got > 0) {
      teardown();
      if (cgroup) cgroup->remove();
      failure.what[sizeof failure.what - 1] = '\0';
      const std::string what = failure.what;
      if (what == "exec" && (failure.err == ENOENT || failure.err == EACCES)) {
        return runner_error(req, "command not found: " + req.argv[0] + " (PATH=" + path_var + ")");
      }
      if (what == "exec") {
        return runner_error(req, "could not start " + req.argv[0] + ": " + errno_text(failure.err));
      }
      return runner_error(req, "sandbox set-up failed: " + what + ": " + errno_text(failure.err));
    }
  }
  const auto start = Clock::now();
  const std::uint64_t cpu_base = cgroup ? cgroup->cpu_ns() : 0;

  Pump pump;
  pump.out = Stream{"stdout", std::move(out_read), &result.out, req.output_limit};
  pump.err = Stream{"stderr", std::move(err_read), &result.err, req.output_limit};
  pump.stdin_fd = std::move(in_write);
  pump.stdin_data = req.stdin_data ? &*req.stdin_data : nullptr;
  if (pump.stdin_fd.valid() && req.stdin_data->empty()) pump.stdin_fd.reset();
  const double timeout = std::min(req.timeout_s, kMaxTimeoutS);
  const auto deadline =
      start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(timeout));
  const Stop stop = pump.run(init, deadline);
  result.wall_s = std::chrono::duration<double>(Clock::now() - start).count();

  // What init reported (only when the learner's main process ended on its own).
  sandbox::InitReport report;
  bool have_report = false;
  if (stop == Stop::Exited) {
    reaper::wait_ended(init);
    set_nonblocking(status_read.get());
    have_report = ::read(status_read.get(), &report, sizeof report) == static_cast<ssize_t>(sizeof report);
  }
  sandbox::CgroupUsage usage;
  if (cgroup) usage = cgroup->usage();  // before the teardown: its kills charge nothing
  teardown();
  pump.drain();
  if (cgroup) {
    usage = cgroup->usage();
    std::string err = cgroup->remove();
    if (!err.empty()) result.message = err;
  }

  if (have_report) {
    if (WIFEXITED(report.wait_status)) result.exit_code = WEXITSTATUS(report.wait_status);
    if (WIFSIGNALED(report.wait_status)) result.signal = WTERMSIG(report.wait_status);
  } else if (stop == Stop::Timeout || stop == Stop::OutputLimit) {
    result.signal = SIGKILL;  // we stopped it: its main process died of the namespace's SIGKILL
  }
  if (cgroup) {
    result.cpu_s = static_cast<double>(usage.cpu_ns - std::min(usage.cpu_ns, cpu_base)) / 1e9;
    result.max_rss_kb = usage.peak_bytes / 1024;
  } else if (reaped) {
    const double init_cpu = have_report ? static_cast<double>(report.init_cpu_us) / 1e6 : 0;
    result.cpu_s = std::max(0.0, reaped->cpu_s - init_cpu) + sweep.cpu_s;
  }
  if (reaped && result.max_rss_kb == 0) result.max_rss_kb = reaped->max_rss_kb;

  // The verdict.
  auto set = [&result](RunStatus s, std::string message) {
    result.status = s;
    result.message = std::move(message);
  };
  const std::string& err = result.err.data;
  const std::string fsize = format_size(options.file_size_limit);
  const bool memory_event = cgroup && (usage.oom_kill || usage.hit_limit);
  const bool at_memory_limit =
      req.memory_bytes && cgroup && (memory_event || usage.peak_bytes >= *req.memory_bytes / 10 * 9);
  auto memory_message = [&]() {
    return "ran out of memory under the " + format_size(*req.memory_bytes) + " limit (" +
           how_it_ended(result) + ")";
  };
  const std::string leftover_note =
      (!sweep.complete || !cgroup_emptied) ? "; some processes it started could not be killed" : "";

  if (stop == Stop::Internal) {
    set(RunStatus::RunnerError, pump.error);
  } else if (!reaped) {
    set(RunStatus::RunnerError, "lost track of the sandbox's init");
  } else if (stop == Stop::Timeout) {
    set(RunStatus::Timeout, "killed after the " + format_duration(req.timeout_s) + " time limit");
  } else if (pump.out.over() || pump.err.over()) {
    const Stream& s = pump.out.over() ? pump.out : pump.err;
    set(RunStatus::OutputLimit,
        std::string(s.name) + " exceeded the " + format_size(req.output_limit) + " limit");
  } else if (!have_report) {
    // init died before the learner's main process ended: only the OOM killer does that.
    if (req.memory_bytes && usage.oom_kill) {
      result.signal = SIGKILL;
      set(RunStatus::MemoryLimit, memory_message());
    } else {
      set(RunStatus::RunnerError, "the sandbox's init ended unexpectedly");
    }
  } else if (result.exit_code == 0) {
    set(RunStatus::Ok, "");
  } else if (result.signal == SIGXFSZ) {
    set(RunStatus::OutputLimit, how_it_ended(result) + ": a file exceeded the " + fsize + " file size limit");
  } else if (result.exit_code && contains(err, "File too large")) {  // CPython ignores SIGXFSZ
    set(RunStatus::OutputLimit,
        "a file exceeded the " + fsize + " file size limit (" + how_it_ended(result) + ")");
  } else if (req.memory_bytes && cgroup && usage.oom_kill) {
    set(RunStatus::MemoryLimit, memory_message());
  } else if (req.memory_bytes &&
             (contains(err, "MemoryError") || contains(err, "Cannot allocate memory") ||
              contains(err, "std::bad_alloc")) &&
             (!cgroup || at_memory_limit)) {
    // Under RLIMIT_AS (no cgroup) the failed allocation is the limit; under a cgroup only
    // when the peak reached it.
    set(RunStatus::MemoryLimit, memory_message());
  } else if (req.memory_bytes && cgroup && result.signal == SIGKILL && memory_event) {
    set(RunStatus::MemoryLimit, memory_message());
  } else if (result.exit_code) {
    set(RunStatus::NonzeroExit, how_it_ended(result));
  } else {
    set(RunStatus::Signaled, how_it_ended(result));
  }
  result.message += leftover_note;

  if (!probe_only && result.status != RunStatus::RunnerError) {
    // Nothing of the learner is alive: collect from the host path, inside the workdir only.
    const bool same_root = fs::canonical(workdir, ec) == workdir && !ec;
    for (const std::string& rel : req.collect) {
      result.files[rel] = same_root ? collect_file(workdir, rel, req.output_limit) : CollectedFile{};
    }
  }
  return result;
}

SandboxExecutor::SandboxExecutor(SandboxOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  impl_->probe();
}

SandboxExecutor::~SandboxExecutor() = default;

std::vector<std::string> SandboxExecutor::isolation() const {
  const Impl& i = *impl_;
  std::vector<std::string> controls;
  if (i.ns.user) controls.push_back("user");
  if (i.root && !i.off("uid")) controls.push_back("uid");
  if (i.ns.pid) controls.push_back("pid");
  if (i.ns.mount) controls.push_back("mount");
  if (i.ns.net) controls.push_back("net");
  if (i.ns.ipc) controls.push_back("ipc");
  if (i.ns.uts) controls.push_back("uts");
  if (i.cgroups) controls.push_back("cgroup");
  if (i.seccomp) controls.push_back("seccomp");
  if (i.landlock_abi > 0) {
    controls.push_back("landlock");  // files: read below the system trees, write in the workdir
    if (i.landlock_net) controls.push_back("landlock_net");       // no TCP bind or connect
    if (i.landlock_scoped) controls.push_back("landlock_scope");  // signals, abstract sockets
  }
  controls.push_back("rlimits");
  controls.push_back("no_new_privs");
  controls.push_back("setsid");
  if (!i.ns.pid) controls.push_back("subreaper");
  return controls;
}

std::string SandboxExecutor::degraded() const {
  return impl_->degraded;
}

RunResult SandboxExecutor::run(const RunRequest& request) {
  try {
    return impl_->run(request, false);
  } catch (const std::exception& e) {
    return runner_error(request, std::string("internal error: ") + e.what());
  } catch (...) {
    return runner_error(request, "internal error");
  }
}

}  // namespace grader
