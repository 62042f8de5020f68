// SandboxExecutor: the probes that decide, once per executor, what can be in force (each control
// tried for real, GRADER_SANDBOX_DISABLE honoured, what is missing said in degraded()), and a run
// as its list of steps, which sandbox_run.h carries out. The child side is supervisor.cpp.
#include "runners/sandbox/sandbox_executor.h"

#include <stdlib.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>

#include "runners/process/run_io.h"
#include "runners/sandbox/cgroup.h"
#include "runners/sandbox/cgroup_dynmods.h"
#include "runners/sandbox/landlock.h"
#include "runners/sandbox/probe_cache.h"
#include "runners/sandbox/sandbox_run.h"
#include "runners/sandbox/seccomp.h"

namespace grader {
namespace {

using sandbox::Controls;

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
  if (!o.disable.count("probe_cache")) o.probe_cache_dir = sandbox::ProbeCache::default_dir();
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
  Controls controls;
  std::string degraded;
  sandbox::WorkspaceQuotas quotas;
  bool disk_quota = false;  // workspaces are bounded tmpfs
  sandbox::NetnsPool netns;
  // The namespace probe's pass taken from the probe cache (probe_cache.h) instead of a probe run,
  // until a run's sandbox set-up has succeeded here.
  std::optional<sandbox::ProbeCache> cached_pass;
  std::atomic<bool> set_up_once{false};

  void note(const std::string& why) { degraded += (degraded.empty() ? "" : "; ") + why; }
  bool off(const char* control) const { return controls.off(control); }

  void probe();
  void probe_seccomp();
  void probe_cgroups();
  void probe_landlock();
  void probe_disk_quota();
  void probe_namespaces();
  std::string planned_controls() const;
  std::string setup_failed(const sandbox::SetupError& e);
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

void SandboxExecutor::Impl::probe_seccomp() {
  if (off("seccomp")) return note("seccomp disabled by GRADER_SANDBOX_DISABLE");
  try {
    controls.seccomp = sandbox::build_seccomp_program();
  } catch (const std::exception& e) {
    note(e.what());
  }
}

void SandboxExecutor::Impl::probe_cgroups() {
  if (off("cgroup")) return note("cgroup disabled by GRADER_SANDBOX_DISABLE");
  std::string why;
  controls.cgroups = sandbox::detect_cgroup_host(why);
  if (!controls.cgroups) return note("no cgroups: " + why);
  // Not a control, only what each v1 group's first task costs to move in (cgroup_dynmods.h): a
  // host where it cannot be set is slower, not less contained, so its reason is not a note.
  if (controls.cgroups->version() == "v1" && controls.root && !off("favordynmods"))
    (void)sandbox::favour_dynmods();
  // Pooled run groups (cgroup_v1.h); "cgroup_pool" in GRADER_SANDBOX_DISABLE makes a fresh group
  // per run instead (the same control, only slower on v1).
  controls.cgroups->set_pooling(!off("cgroup_pool"));
}

void SandboxExecutor::Impl::probe() {
  controls.root = ::geteuid() == 0;
  // A learner of the grader's own uid (fallback mode) must not read the grader's environment or
  // memory through /proc/<pid>/environ or mem: not dumpable, for the rest of its life.
  controls.environ = environ_range();
  ::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  probe_seccomp();
  probe_cgroups();
  probe_disk_quota();

  sandbox::NamespacePlan& ns = controls.ns;
  ns.pid = !off("pid");
  ns.mount = !off("mount");
  ns.net = !off("net");
  ns.ipc = !off("ipc");
  ns.uts = !off("uts");
  ns.user = !controls.root;
  const bool any_ns = ns.pid || ns.mount || ns.net || ns.ipc || ns.uts;
  if (!controls.root && off("user") && any_ns) {
    note("no user namespace (disabled by GRADER_SANDBOX_DISABLE), so no namespaces");
  }
  if (!any_ns || (!controls.root && off("user"))) {
    ns = {};
    return probe_landlock();
  }
  probe_namespaces();
  // Reused network namespaces (net_pool.h): joining one needs root, reusing one a pid namespace.
  if (controls.root && controls.ns.net && controls.ns.pid && !off("netns_pool")) controls.netns = &netns;
}

// The controls the namespace probe tries, in words: what its pass is valid for.
std::string SandboxExecutor::Impl::planned_controls() const {
  const sandbox::NamespacePlan& ns = controls.ns;
  const std::pair<bool, const char*> parts[] = {{ns.user, "user"},
                                                {ns.pid, "pid"},
                                                {ns.mount, "mount"},
                                                {ns.net, "net"},
                                                {ns.ipc, "ipc"},
                                                {ns.uts, "uts"},
                                                {controls.cgroups != nullptr, "cgroup"},
                                                {controls.seccomp.has_value(), "seccomp"},
                                                {controls.root, "root"}};
  std::string plan;
  for (const auto& [on, name] : parts)
    if (on) plan += std::string(plan.empty() ? "" : ",") + name;
  return plan;
}

// One real run with every namespace, stopped just before exec: where the kernel, a sysctl or an
// AppArmor profile refuses any step, fall back to no namespaces and say why. A pass recorded on
// this boot stands in for it (probe_cache.h).
void SandboxExecutor::Impl::probe_namespaces() {
  sandbox::ProbeCache cache(controls.options.probe_cache_dir,
                            sandbox::ProbeCache::key_for(planned_controls()));
  if (cache.passed()) {
    cached_pass = cache;
    return probe_landlock();
  }
  std::optional<RunResult> r = probe_run("namespace");
  if (!r || r->status != RunStatus::Ok) {
    if (r) note("namespaces unavailable (" + r->message + "); running without them");
    controls.ns = {};
    if (!r) return;
  } else {
    cache.record_pass();
  }
  probe_landlock();
}

// A run whose sandbox could not be set up: a runner error. Where the namespaces' pass was only
// remembered, it is dropped, and the message says why grading again will probe afresh; the run
// is never retried with less isolation than the report states.
std::string SandboxExecutor::Impl::setup_failed(const sandbox::SetupError& e) {
  if (!cached_pass || !e.sandbox_step || set_up_once.load()) return e.what();
  cached_pass->forget();
  return std::string(e.what()) +
         " (the sandbox had passed its probe on this machine earlier in this boot, and that pass was "
         "used instead of a new probe: it is now forgotten, so grading again probes afresh and runs "
         "with what this host allows)";
}

// Landlock where there is no mount namespace to hide the host's files: fallback mode. (With a
// mount and a net namespace it would add nothing the namespaces do not already give; it is left
// out there to keep the per-run cost at zero.)
void SandboxExecutor::Impl::probe_landlock() {
  if (controls.ns.mount) return;
  if (off("landlock")) return note("landlock disabled by GRADER_SANDBOX_DISABLE");
  const int abi = sandbox::landlock_abi();
  if (abi < 1) return note("no Landlock in this kernel: no filesystem or network confinement");
  // A real ruleset, applied by a real (probe) run: what the kernel refuses is not claimed.
  controls.landlock_abi = abi;
  std::optional<RunResult> r = probe_run("landlock");
  if (!r || r->status != RunStatus::Ok) {
    if (r) note("Landlock unavailable (" + r->message + ")");
    controls.landlock_abi = 0;
    return;
  }
  controls.landlock_net = abi >= 4;
  controls.landlock_scoped = abi >= 6;
  if (abi < 4) note("Landlock ABI " + std::to_string(abi) + ": TCP not restricted (needs ABI 4)");
  if (abi < 6) {
    note("Landlock ABI " + std::to_string(abi) +
         ": signals and abstract unix sockets not scoped (needs ABI 6)");
  }
}

// The steps of a run, in order; see sandbox_run.h.
// Bounded workspaces need a root grader (a tmpfs mounted on the host), and a real mount to prove it.
void SandboxExecutor::Impl::probe_disk_quota() {
  if (!controls.root || off("quota")) return;
  std::string why;
  disk_quota = sandbox::WorkspaceQuotas::available(why);
  if (disk_quota)
    controls.quotas = &quotas;
  else
    note("no bounded workspace (" + why + ")");
}

RunResult SandboxExecutor::Impl::run(const RunRequest& req, bool probe_only) {
  sandbox::SandboxRun run(controls, req, probe_only);
  try {
    run.validate_request();
    run.hold_sweep_lock();
    run.lease_identity();
    run.make_private_tmp();
    run.build_environment();
    run.build_mount_plan();
    run.build_landlock_ruleset();
    run.set_up_pipes();
    run.lease_cgroup();
    run.start_init();
    run.wait_for_set_up();
  } catch (const sandbox::SetupError& e) {
    return runner_error(req, setup_failed(e));
  }
  set_up_once.store(true);
  run.wait_for_end();
  run.tear_down();
  run.account();
  run.classify_verdict();
  run.collect_files();
  return run.take_result();
}

SandboxExecutor::SandboxExecutor(SandboxOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->controls.options = std::move(options);
  impl_->probe();
}

SandboxExecutor::~SandboxExecutor() = default;

std::vector<std::string> SandboxExecutor::isolation() const {
  const Controls& i = impl_->controls;
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
  if (impl_->disk_quota) controls.push_back("disk_quota");
  return controls;
}

std::string SandboxExecutor::degraded() const {
  return impl_->degraded;
}

bool SandboxExecutor::probe_remembered() const {
  return impl_->cached_pass.has_value();
}

std::filesystem::path SandboxExecutor::prepare_workspace(const std::filesystem::path& local_dir) {
  return prepare_workspace(local_dir, {});
}

std::filesystem::path SandboxExecutor::prepare_workspace(const std::filesystem::path& local_dir,
                                                         const WorkspaceBounds& bounds) {
  if (!impl_->disk_quota) return local_dir;
  const SandboxOptions& o = impl_->controls.options;
  return impl_->quotas.make(
      local_dir, {bounds.bytes.value_or(o.workspace_bytes), bounds.files.value_or(o.workspace_inodes)});
}

void SandboxExecutor::release_workspace(const std::filesystem::path& workdir) {
  impl_->quotas.release(workdir);
}

RunResult SandboxExecutor::run(const RunRequest& request) {
  return runio::run_guarded(request, [&] { return impl_->run(request, false); });
}

}  // namespace grader
