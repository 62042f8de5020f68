// Namespaces and identity for a sandboxed run: which namespaces the run's init is cloned into,
// the user namespace's id maps (written by the parent), what init does inside them (hostname,
// loopback up), and how the learner's process gives up its identity (a per-run unprivileged
// uid/gid as root; no capabilities either way).
//
// Child-side functions run between clone and exec: system calls only, no allocation. They return
// nullptr on success, or what they were attempting, with errno set.
#pragma once

#include <sys/types.h>

#include <string>

namespace grader::sandbox {

struct NamespacePlan {
  bool user = false;  // a user namespace: when the grader is not root
  bool pid = false;
  bool mount = false;
  bool net = false;
  bool ipc = false;
  bool uts = false;
  // With `net`: a network namespace to join (setns) instead of a new one, a reused empty one
  // (net_pool.h); -1 for a new one.
  int net_fd = -1;
};

// CLONE_NEW* flags for the plan.
unsigned long clone_flags(const NamespacePlan& plan);

// Parent side, for a child cloned into a new user namespace: maps the grader's uid and gid to
// the same ids inside (setgroups denied). Returns an error message, empty on success.
std::string write_id_maps(pid_t child, uid_t uid, gid_t gid);

// Child side (the run's init), once the parent has written the maps: hostname "sandbox" in the
// new UTS namespace; the network namespace of `net_fd` joined (its fd closed), or `lo` up in the
// new one.
const char* enter_namespaces(const NamespacePlan& plan);

// `lo` up in the calling thread's network namespace (a new one is born with it down).
const char* bring_up_loopback();

struct IdentityPlan {
  bool switch_ids = false;  // as root: become uid/gid, no supplementary groups
  uid_t uid = 0;
  gid_t gid = 0;
};

// Child side (the learner, before exec): drops every capability from the bounding set, switches
// ids when planned, and clears the remaining capability sets.
const char* drop_identity(const IdentityPlan& plan);

}  // namespace grader::sandbox
