// The Linux process-lifetime helpers behind ProcessExecutor: become the child subreaper, watch a
// child through a pidfd, reap it with its rusage, and kill every process the learner left
// behind. Plain system calls only (no Boost), so each piece can be read and tested alone.
//
// How the learner's processes are told apart from the grader's own children: ProcessExecutor
// starts the learner's main process in a new session (setsid), and a process can never move
// back into another session, so every process the learner ever starts lives in a session other
// than the grader's. Once the main process has ended, its descendants re-parent to the grader
// (subreaper); those in a foreign session are the learner's leftovers.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <vector>

namespace grader::reaper {

// Held by every run that relies on kill_leftovers (the process executor, and the sandbox when it
// has no pid namespace): the sweep takes every foreign-session child of the grader as the
// learner's, which only holds while no other such run is in flight.
std::mutex& run_mutex();

// Sets PR_SET_CHILD_SUBREAPER on this process, the first time only. Returns whether it is in
// force (false on kernels before 3.4). Orphans of *every* descendant re-parent to this process
// from then on; the ones the learner left are reaped by kill_leftovers, others stay as zombies
// until whoever started them waits for them.
bool ensure_subreaper();

// A pidfd for `pid` (pidfd_open, Linux >= 5.3), or -1 with errno set (ENOSYS on older kernels,
// EPERM under some container seccomp profiles). The caller closes it.
int open_pidfd(int pid);

// Whether child `pid` has ended, without reaping it (waitid WNOHANG | WNOWAIT). An error (the
// child is gone already) counts as ended.
bool has_ended(int pid);

// Blocks until child `pid` has ended, without reaping it.
void wait_ended(int pid);

// SIGKILL to process group `pgid`; "no such group" is not an error.
void kill_group(int pgid);

struct Reaped {
  int wait_status = 0;  // as from wait4: WIFEXITED, WTERMSIG, ...
  double cpu_s = 0;     // ru_utime + ru_stime
  std::uint64_t max_rss_kb = 0;
};

// Reaps child `pid` with wait4, blocking. nullopt when it is not (or no longer) our child.
std::optional<Reaped> reap(int pid);

// Direct children of this process, from every thread's /proc/self/task/TID/children (scanning
// /proc/*/stat where the kernel lacks that file).
std::vector<int> own_children();

struct Sweep {
  int killed = 0;                // leftovers killed and reaped
  double cpu_s = 0;              // their CPU time, summed
  std::uint64_t max_rss_kb = 0;  // the largest of their peaks
  bool complete = true;          // false: gave up with leftovers still alive (see kill_leftovers)
};

// Kills and reaps every direct child in a session other than ours, except those in `spare`, in
// rounds: each round SIGKILLs the leftovers found (with their process group when they lead one),
// waits for them, and so inherits their children; it stops when a round finds none. Only our own
// unreaped children are ever signalled by pid, so a recycled pid can never be hit. Gives up after
// `max_rounds` rounds (a fork bomb that outruns us), with `complete` false.
Sweep kill_leftovers(const std::vector<int>& spare, int max_rounds = 10000);

}  // namespace grader::reaper
