// One sandboxed run: its state, and the steps SandboxExecutor::Impl::run takes in order (nsjail's
// contain.cc is the model). Check the request, hold the sweep lock (no pid namespace), lease an
// identity, make the private tmp (Landlock), build the environment and the plans, set up the
// pipes, lease the cgroup, start the run's init, wait for its set-up, wait for the end, tear
// down, account, judge, collect. Each step is a function of its own, beside this file's
// helpers: the uid lease, the private tmp, the learner's environment, the plans, the verdict.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "grader/run/executor.h"
#include "runners/process/child_reaper.h"
#include "runners/process/run_io.h"
#include "runners/sandbox/cgroup.h"
#include "runners/sandbox/landlock.h"
#include "runners/sandbox/learner_env.h"
#include "runners/sandbox/net_pool.h"
#include "runners/sandbox/private_tmp.h"
#include "runners/sandbox/sandbox_executor.h"
#include "runners/sandbox/seccomp.h"
#include "runners/sandbox/supervisor.h"
#include "runners/sandbox/uid_lease.h"
#include "runners/sandbox/workspace_quota.h"

namespace grader::sandbox {

// A step that could not be done: the run is a RunnerError with this message. `sandbox_step`: the
// sandbox's own set-up failed (the clone into its namespaces, a step of init or of the learner's
// process before exec), not the request (its workdir, its command).
struct SetupError : std::runtime_error {
  explicit SetupError(const std::string& what, bool sandbox_step = false)
      : std::runtime_error(what), sandbox_step(sandbox_step) {}
  bool sandbox_step;
};

// What the probes found in force: fixed for the executor's life, read by every run.
struct Controls {
  SandboxOptions options;
  bool root = false;
  NamespacePlan ns;
  std::unique_ptr<CgroupHost> cgroups;
  std::optional<SeccompProgram> seccomp;
  int landlock_abi = 0;  // > 0: Landlock confines every run (where there is no mount ns)
  bool landlock_net = false, landlock_scoped = false;
  std::pair<char*, char*> environ = {nullptr, nullptr};
  const WorkspaceQuotas* quotas = nullptr;  // the bounded workspaces, when there are any
  NetnsPool* netns = nullptr;               // reused network namespaces (root, pid and net ns)

  bool off(const char* control) const { return options.disable.count(control) > 0; }
};

// One run: its state and its steps, which SandboxExecutor::Impl::run takes in order. The set-up
// steps throw SetupError. Whatever was made is undone on every path: the destructor kills what
// is left of the run, hands its network namespace back, then the members go in reverse order (the
// cgroup, the private tmp, the uid lease, the sweep lock last).
class SandboxRun {
 public:
  SandboxRun(const Controls& controls, const RunRequest& req, bool probe_only)
      : c_(controls), req_(req), probe_only_(probe_only) {
    result_.id = req.id;
  }
  SandboxRun(const SandboxRun&) = delete;
  SandboxRun& operator=(const SandboxRun&) = delete;
  ~SandboxRun() {
    kill_everything();
    if (c_.netns) c_.netns->give_back(net_fd_, netns_reusable_);
  }

  void validate_request();
  void hold_sweep_lock();
  void lease_identity();
  void make_private_tmp();
  void build_environment();
  void build_mount_plan();
  void build_landlock_ruleset();
  void set_up_pipes();
  void lease_cgroup();
  void start_init();
  void wait_for_set_up();
  void wait_for_end();
  void tear_down();
  void account();
  void classify_verdict();
  void collect_files();
  RunResult take_result() { return std::move(result_); }

 private:
  ChildPlan child_plan() const;
  std::size_t read_set_up_report(SetupFailure& failure);
  void kill_everything();

  const Controls& c_;
  const RunRequest& req_;
  const bool probe_only_;
  std::unique_lock<std::mutex> sweep_lock_;
  UidLease lease_;
  IdentityPlan identity_;
  std::filesystem::path workdir_;  // canonical
  std::string workdir_str_;
  bool use_landlock_ = false;
  PrivateTmp private_tmp_;
  std::optional<LearnerCommand> command_;
  std::vector<std::filesystem::path> shown_;  // host trees shown read-only
  std::optional<MountPlan> mounts_;
  LandlockRuleset landlock_;
  runio::StdioPipes stdio_;
  runio::Fd setup_read_, setup_write_, status_read_, status_write_, sync_read_, sync_write_;
  std::unique_ptr<Cgroup> cgroup_;
  std::vector<int> spare_;       // the grader's own children, never swept
  int net_fd_ = -1;              // a reused network namespace the run's init joins, or -1
  bool netns_reusable_ = false;  // init reaped: nothing of the run is left in it
  pid_t init_ = -1;
  bool torn_down_ = false;
  std::optional<reaper::Reaped> reaped_;
  reaper::Sweep sweep_;
  bool cgroup_emptied_ = true;
  runio::Pump pump_;
  runio::Clock::time_point start_;
  std::uint64_t cpu_base_ = 0;
  runio::Stop stop_ = runio::Stop::Internal;
  InitReport report_;
  bool have_report_ = false;
  CgroupUsage usage_;
  RunResult result_;
};

}  // namespace grader::sandbox
