// The verdict of a sandboxed run: its status and message, from how the wait ended, what the run's
// init reported and the cgroup's memory evidence. Pure; the exit status, signal and stderr are
// already in the result.
//
// MemoryLimit: with a cgroup, on an OOM kill (whatever ended the run after it: a timeout, a
// non-zero exit, even exit 0; the message says what happened next), on a SIGKILL after a memory event, or on
// an allocation failure's text (MemoryError, ...) with the peak at 90% of the limit or more; without one, on
// that text alone (RLIMIT_AS failed the allocation). OutputLimit: a stream over its cap, SIGXFSZ, or
// CPython's "File too large" (it ignores SIGXFSZ).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "grader/run/executor.h"
#include "runners/process/run_io.h"
#include "runners/sandbox/cgroup.h"
#include "runners/sandbox/workspace_quota.h"

namespace grader::sandbox {

struct RunEnd {
  runio::Stop stop = runio::Stop::Exited;
  std::string internal_error;  // why Stop::Internal
  bool reaped = false;         // the run's init was reaped
  bool have_report = false;    // init reported the end of the learner's main process
  bool has_cgroup = false;
  CgroupUsage usage;       // the cgroup's, when there is one
  bool leftovers = false;  // some processes of the run could not be killed
  std::uint64_t file_size_limit = 0;
  std::optional<DiskQuota> disk_quota;  // the workspace's bounds, when it has them
  std::uint64_t tmp_bytes = 0;          // /tmp's tmpfs size
  std::uint64_t shm_bytes = 0;          // /dev/shm's
  bool seccomp = false;                 // the run had the sandbox's seccomp filter
};

// Sets result.status and result.message (and result.signal where init died of the OOM killer).
void classify(const RunRequest& req, const RunEnd& end, RunResult& result);

}  // namespace grader::sandbox
