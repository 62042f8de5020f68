// The supervisor: starts a sandboxed run and owns the order in which the controls are applied.
//
//   grader (parent)                      run's init (pid 1 of the new pid ns)   learner
//   ─ clone(CLONE_NEW* | SIGCHLD) ─────► waits for "go"
//     (from the pooled cgroup's helper
//      thread where there is one: init is
//      born in the run's cgroup, no attach)
//   ─ user ns id maps, cgroup attach
//   ─ "go" ───────────────────────────►  hostname, lo up (namespaces.cpp)
//                                        new root, pivot_root (mounts.cpp)
//                                        fork ─────────────────────────────► setsid, PDEATHSIG
//                                        waits for the learner              caps, uid/gid (namespaces.cpp)
//                                                                           rlimits (rlimits.cpp)
//                                                                           no_new_privs, Landlock
//                                                                           (landlock.cpp) signals, stdio,
//                                                                           fds seccomp (seccomp.cpp), exec
//   ◄── setup pipe: EOF at exec, or "what failed + errno"
//   ◄── status pipe: the learner's wait status, init's own CPU ── when the learner's main process ends
//   init exits: the kernel kills everything left in the pid namespace.
//
// init and the learner (until its exec) are not dumpable, like the grader (sandbox_executor.cpp):
// a learner of the same uid cannot read their /proc/<pid>/environ or mem. Where the parent must
// write a user namespace's id maps, init is dumpable only until they are written, after it has
// zeroed its copy of the grader's environment.
//
// Everything the children need is computed beforehand (ChildPlan): between clone and exec they
// make system calls only and never allocate.
#pragma once

#include <sys/types.h>

#include <string>

#include "runners/sandbox/mounts.h"
#include "runners/sandbox/namespaces.h"
#include "runners/sandbox/rlimits.h"
#include "runners/sandbox/seccomp.h"

namespace grader::sandbox {

class Cgroup;

struct ChildPlan {
  NamespacePlan ns;
  IdentityPlan identity;
  const MountPlan* mounts = nullptr;  // nullptr: no mount namespace, run in `workdir` as it is
  const char* workdir = nullptr;      // host path, used without a mount namespace
  RlimitPlan rlimits;
  const SeccompProgram* seccomp = nullptr;  // nullptr: no filter
  int landlock_fd = -1;                     // a Landlock ruleset (landlock.h) the learner enforces, or -1
  // The grader's original environment strings (its /proc/<pid>/environ range): init zeroes its
  // copy first thing, so that the process between the grader and the learner holds none of it.
  char* environ_begin = nullptr;
  char* environ_end = nullptr;
  int stdin_fd = -1, stdout_fd = -1, stderr_fd = -1;  // the learner's ends
  int setup_fd = -1;   // write end, close-on-exec: set-up errors; EOF once the learner exec'd
  int status_fd = -1;  // write end: init reports the learner's end here
  int sync_fd = -1;    // read end: init waits for "go"
  char* const* argv = nullptr;
  char* const* envp = nullptr;
  const char* path_var = nullptr;  // PATH for the command lookup, inside the sandbox
  bool probe_only = false;         // apply everything, then exit 0 instead of exec
};

// What a child reports on the setup pipe when a step fails.
struct SetupFailure {
  int err = 0;
  char what[248] = {};
};

// What init reports on the status pipe.
struct InitReport {
  int wait_status = 0;   // the learner's main process, as from waitpid
  long init_cpu_us = 0;  // init's own CPU (set-up included), to subtract
};

// Clones the run's init with the plan, gives it the id maps and the cgroup, and lets it go.
// Returns its pid, or -1 with `error` set (nothing is left running then). `sync_write` is the
// write end of the pipe whose read end is plan.sync_fd.
pid_t start_init(const ChildPlan& plan, int sync_write, Cgroup* cgroup, std::string& error);

}  // namespace grader::sandbox
