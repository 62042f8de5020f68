// The steps of a sandboxed run; see sandbox_run.h.
#include "runners/sandbox/sandbox_run.h"

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "runners/sandbox/rlimits.h"
#include "runners/sandbox/run_plans.h"
#include "runners/sandbox/verdict.h"

namespace grader::sandbox {
namespace {

namespace fs = std::filesystem;
using namespace runio;  // NOLINT: the shared plumbing of local executors

// What a failed step of the children's set-up means to the grader.
std::string set_up_failure_message(SetupFailure& failure, const RunRequest& req,
                                   const std::string& path_var) {
  failure.what[sizeof failure.what - 1] = '\0';
  const std::string what = failure.what;
  if (what == "exec" && (failure.err == ENOENT || failure.err == EACCES)) {
    return "command not found: " + req.argv[0] + " (PATH=" + path_var + ")";
  }
  if (what == "exec") return "could not start " + req.argv[0] + ": " + errno_text(failure.err);
  return "sandbox set-up failed: " + what + ": " + errno_text(failure.err);
}

}  // namespace

// The checks of every local executor (run_io.h); the run works in the workdir's canonical path.
void SandboxRun::validate_request() {
  fs::path absolute;
  if (std::string error = check_request(req_, absolute, workdir_); !error.empty()) throw SetupError(error);
  workdir_str_ = workdir_.string();
}

// Without a pid namespace the grader itself must sweep the learner's leftovers, which only works
// while no other such run is in flight (see reaper::run_mutex).
void SandboxRun::hold_sweep_lock() {
  if (c_.ns.pid) return;
  sweep_lock_ = std::unique_lock<std::mutex>(reaper::run_mutex());
  reaper::ensure_subreaper();
}

// As root, a uid of the run's own, which the workdir is handed to (the probe only pretends).
void SandboxRun::lease_identity() {
  if (!c_.root || c_.off("uid")) return;
  if (probe_only_) {
    identity_ = {true, 65534, 65534};
    return;
  }
  std::string err;
  if (!lease_.acquire(c_.options.first_uid, c_.options.uid_count, err)) throw SetupError(err);
  identity_ = {true, lease_.uid, lease_.uid};
  if (!chown_tree(workdir_, lease_.uid)) {
    throw SetupError("could not hand the workdir to the run's uid: " + errno_text(errno));
  }
}

// Without a mount namespace there is no private /tmp: Landlock lets the run write only in the
// workdir and a private directory of its own, named by TMPDIR.
void SandboxRun::make_private_tmp() {
  use_landlock_ = c_.landlock_abi > 0 && !c_.ns.mount;
  if (!use_landlock_ || probe_only_) return;
  const std::optional<uid_t> owner =
      identity_.switch_ids ? std::optional<uid_t>(identity_.uid) : std::nullopt;
  if (!private_tmp_.make(workdir_, owner)) {
    throw SetupError("could not make the run's private tmp directory: " + errno_text(errno));
  }
}

// The learner's argv and environment (the workdir is /work inside a mount namespace), and the
// host trees it is shown read-only (mount namespace) or may read (Landlock).
void SandboxRun::build_environment() {
  command_.emplace(req_, workdir_, c_.ns.mount, private_tmp_.path);
  shown_ = c_.ns.mount || use_landlock_
               ? shown_host_trees(req_, workdir_, command_->path_var, c_.options.extra_ro)
               : c_.options.extra_ro;
}

void SandboxRun::build_mount_plan() {
  if (!c_.ns.mount) return;
  const uid_t uid = identity_.switch_ids ? identity_.uid : ::getuid();
  const gid_t gid = identity_.switch_ids ? identity_.gid : ::getgid();
  mounts_ = sandbox::build_mount_plan(mount_options(c_.options, workdir_, shown_, uid, gid));
}

void SandboxRun::build_landlock_ruleset() {
  if (!use_landlock_) return;
  std::string err;
  if (!sandbox::build_landlock_ruleset(c_.landlock_abi, landlock_options(shown_, workdir_, private_tmp_.path),
                                       landlock_, err)) {
    throw SetupError("could not build the run's Landlock ruleset: " + err);
  }
}

// The standard streams (run_io.h), and the pipes init and the grader talk through.
void SandboxRun::set_up_pipes() {
  if (std::string error = make_stdio_pipes(req_, stdio_); !error.empty()) throw SetupError(error);
  if (!make_pipe(setup_read_, setup_write_) || !make_pipe(status_read_, status_write_) ||
      !make_pipe(sync_read_, sync_write_)) {
    throw SetupError("could not create pipes: " + errno_text(errno));
  }
}

// The run's cgroup: made before the run's init exists, removed on every path.
void SandboxRun::lease_cgroup() {
  if (!c_.cgroups) return;
  CgroupLimits limits;
  limits.memory_bytes = req_.memory_bytes;
  limits.pids_max = c_.options.pids_max;
  std::string err;
  cgroup_ = c_.cgroups->create(limits, err);
  if (!cgroup_) throw SetupError("could not create the run's cgroup: " + err);
}

// Everything the children need, computed here: between clone and exec they may not allocate.
ChildPlan SandboxRun::child_plan() const {
  ChildPlan plan;
  plan.ns = c_.ns;
  plan.ns.net_fd = net_fd_;
  plan.identity = identity_;
  plan.mounts = mounts_ ? &*mounts_ : nullptr;
  plan.workdir = workdir_str_.c_str();
  plan.rlimits = build_rlimit_plan(
      rlimit_options(c_.options, req_.memory_bytes, c_.cgroups != nullptr, identity_.switch_ids));
  plan.seccomp = c_.seccomp ? &*c_.seccomp : nullptr;
  plan.landlock_fd = landlock_.fd;
  plan.environ_begin = c_.environ.first;
  plan.environ_end = c_.environ.second;
  plan.stdin_fd = stdio_.in_read.get();
  plan.stdout_fd = stdio_.out_write.get();
  plan.stderr_fd = stdio_.err_write.get();
  plan.setup_fd = setup_write_.get();
  plan.status_fd = status_write_.get();
  plan.sync_fd = sync_read_.get();
  plan.argv = command_->argv.data();
  plan.envp = command_->envp.data();
  plan.path_var = command_->path_var.c_str();
  plan.probe_only = probe_only_;
  return plan;
}

void SandboxRun::start_init() {
  // A reused network namespace only where the pid namespace guarantees none of the run's
  // processes outlives it (net_pool.h); without one the run gets a new namespace, as before.
  if (c_.netns && c_.ns.net && c_.ns.pid) {
    std::string no_pooled_netns;  // not the run's failure: it gets a new namespace instead
    net_fd_ = c_.netns->lease(no_pooled_netns);
  }
  const ChildPlan plan = child_plan();
  spare_ = c_.ns.pid ? std::vector<int>{} : reaper::own_children();
  std::string error;
  init_ = sandbox::start_init(plan, sync_write_.get(), cgroup_.get(), error);
  // The children's ends: closed here, so that EOF means they are gone.
  stdio_.close_child_ends();
  for (Fd* fd : {&setup_write_, &status_write_, &sync_read_, &sync_write_}) fd->reset();
  if (init_ < 0) throw SetupError("could not start the sandbox: " + error, true);
  spare_.push_back(init_);
}

// Kills init and everything in its namespace or cgroup, and the leftovers re-parented to the
// grader; reaps init. Once, on every path that started it.
void SandboxRun::kill_everything() {
  if (init_ < 0 || torn_down_) return;
  torn_down_ = true;
  ::kill(init_, SIGKILL);
  if (cgroup_) cgroup_emptied_ = cgroup_->kill_all();
  reaped_ = reaper::reap(init_);
  netns_reusable_ = c_.ns.pid && reaped_.has_value();  // init gone: its pid namespace with it
  if (!c_.ns.pid) sweep_ = reaper::kill_leftovers(spare_);
  if (cgroup_) cgroup_emptied_ = cgroup_->kill_all() && cgroup_emptied_;
}

// The setup pipe: EOF once the learner exec'd, else what failed. Bytes read (0: it exec'd).
std::size_t SandboxRun::read_set_up_report(SetupFailure& failure) {
  struct pollfd pfd {
    setup_read_.get(), POLLIN, 0
  };
  std::size_t got = 0;
  for (;;) {
    int ready = ::poll(&pfd, 1, 30000);
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) {
      kill_everything();
      throw SetupError("the sandbox did not finish its set-up within 30 s");
    }
    ssize_t n = ::read(setup_read_.get(), reinterpret_cast<char*>(&failure) + got, sizeof failure - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got += static_cast<std::size_t>(n);
    if (got == sizeof failure) break;
  }
  return got;
}

void SandboxRun::wait_for_set_up() {
  SetupFailure failure;
  if (read_set_up_report(failure) == 0) return;
  kill_everything();
  if (cgroup_) cgroup_->remove();
  const bool sandbox_step = std::strncmp(failure.what, "exec", sizeof failure.what) != 0;
  throw SetupError(set_up_failure_message(failure, req_, command_->path_var), sandbox_step);
}

// From the learner's exec: pumps the streams until init ends, the deadline or an output cap.
void SandboxRun::wait_for_end() {
  start_ = Clock::now();
  cpu_base_ = cgroup_ ? cgroup_->cpu_ns() : 0;
  pump_.connect(stdio_, req_, result_);
  stop_ = pump_.run(init_, deadline_for(start_, req_.timeout_s));
  result_.wall_s = std::chrono::duration<double>(Clock::now() - start_).count();
}

// Init's report (only when the learner's main process ended on its own), the cgroup's usage,
// then everything killed, the streams drained and the cgroup removed.
void SandboxRun::tear_down() {
  if (stop_ == Stop::Exited) {
    reaper::wait_ended(init_);
    set_nonblocking(status_read_.get());
    have_report_ =
        ::read(status_read_.get(), &report_, sizeof report_) == static_cast<ssize_t>(sizeof report_);
  }
  if (cgroup_) usage_ = cgroup_->usage();  // before the teardown: its kills charge nothing
  kill_everything();
  pump_.drain();
  if (cgroup_) {
    usage_ = cgroup_->usage();
    std::string err = cgroup_->remove();
    if (!err.empty()) result_.message = err;
  }
}

// How the learner's main process ended, its CPU (the cgroup's, or wait4's less init's own) and peak.
void SandboxRun::account() {
  if (have_report_) {
    set_ending(result_, report_.wait_status);
  } else if (stop_ == Stop::Timeout || stop_ == Stop::OutputLimit) {
    result_.signal = SIGKILL;  // we stopped it: its main process died of the namespace's SIGKILL
  }
  if (cgroup_) {
    result_.cpu_s = static_cast<double>(usage_.cpu_ns - std::min(usage_.cpu_ns, cpu_base_)) / 1e9;
    result_.max_rss_kb = usage_.peak_bytes / 1024;
  } else if (reaped_) {
    const double init_cpu = have_report_ ? static_cast<double>(report_.init_cpu_us) / 1e6 : 0;
    result_.cpu_s = std::max(0.0, reaped_->cpu_s - init_cpu) + sweep_.cpu_s;
  }
  if (reaped_ && result_.max_rss_kb == 0) result_.max_rss_kb = reaped_->max_rss_kb;
}

void SandboxRun::classify_verdict() {
  RunEnd end;
  end.stop = stop_;
  end.internal_error = pump_.error;
  end.reaped = reaped_.has_value();
  end.have_report = have_report_;
  end.has_cgroup = cgroup_ != nullptr;
  end.usage = usage_;
  end.leftovers = !sweep_.complete || !cgroup_emptied_;
  end.file_size_limit = c_.options.file_size_limit;
  if (c_.quotas) end.disk_quota = c_.quotas->quota_of(req_.workdir);
  end.tmp_bytes = c_.options.tmp_bytes;
  end.shm_bytes = c_.options.shm_bytes;
  end.seccomp = c_.seccomp.has_value();
  classify(req_, end, result_);
}

// Nothing of the learner is alive: collect from the host path, inside the workdir only.
void SandboxRun::collect_files() {
  if (probe_only_ || result_.status == RunStatus::RunnerError) return;
  runio::collect_files(req_, workdir_, workdir_, result_);
}

}  // namespace grader::sandbox
