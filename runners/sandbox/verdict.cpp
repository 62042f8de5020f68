// The verdict of a sandboxed run; see verdict.h. The ladder is run_io's, shared with the process
// executor; what is the sandbox's own: init's death, and the cgroup's memory evidence.
#include "runners/sandbox/verdict.h"

#include <signal.h>

#include "grader/util/units.h"

namespace grader::sandbox {
namespace {

using runio::contains;

// Whether the main process's end shows the memory limit (see verdict.h).
bool out_of_memory(const RunRequest& req, const RunEnd& end, const RunResult& result) {
  if (!req.memory_bytes) return false;
  const CgroupUsage& usage = end.usage;
  const bool memory_event = end.has_cgroup && (usage.oom_kill || usage.hit_limit);
  const bool at_memory_limit =
      end.has_cgroup && (memory_event || usage.peak_bytes >= *req.memory_bytes / 10 * 9);
  if (end.has_cgroup && usage.oom_kill) return true;
  const std::string& err = result.err.data;
  if ((contains(err, "MemoryError") || contains(err, "Cannot allocate memory") ||
       contains(err, "std::bad_alloc")) &&
      (!end.has_cgroup || at_memory_limit)) {
    // Under RLIMIT_AS (no cgroup) the failed allocation is the limit; under a cgroup only
    // when the peak reached it.
    return true;
  }
  return end.has_cgroup && result.signal == SIGKILL && memory_event;
}

// init died before the learner's main process ended: only the OOM killer does that.
void judge_init_death(const RunRequest& req, const RunEnd& end, RunResult& result) {
  if (req.memory_bytes && end.usage.oom_kill) {
    result.signal = SIGKILL;
    result.status = RunStatus::MemoryLimit;
    result.message = runio::memory_message(req, result);
    return;
  }
  result.status = RunStatus::RunnerError;
  result.message = "the sandbox's init ended unexpectedly";
}

// The OOM killer fired in the run's cgroup: memory is the cause, whatever ended the run after it
// (a pool waits forever for a worker the killer took, and the run ends at its timeout).
void blame_memory(const RunRequest& req, const RunEnd& end, RunResult& result) {
  if (!req.memory_bytes || !end.has_cgroup || !end.usage.oom_kill) return;
  if (result.status == RunStatus::MemoryLimit || result.status == RunStatus::RunnerError) return;
  std::string then = result.status == RunStatus::Timeout
                         ? "the run then hung until its " + format_duration(req.timeout_s) + " time limit"
                     : result.status == RunStatus::OutputLimit ? "then: " + result.message
                                                               : "the run then " + how_it_ended(result);
  result.status = RunStatus::MemoryLimit;
  result.message = "a process was killed at the " + format_size(*req.memory_bytes) + " memory limit; " + then;
}

// A run that failed on "No space left on device" in a bounded workspace reached a disk limit:
// the workspace's or /tmp's (both tmpfs of their own; the host's disk is not what filled).
void blame_disk(const RunEnd& end, RunResult& result) {
  if (!end.disk_quota) return;
  if (result.status != RunStatus::NonzeroExit && result.status != RunStatus::Signaled) return;
  if (!contains(result.err.data, "No space left on device")) return;
  result.message = "a disk limit was reached: No space left on device (" + describe(*end.disk_quota) +
                   ", /tmp's " + format_size(end.tmp_bytes) + " or /dev/shm's " + format_size(end.shm_bytes) +
                   "; " + how_it_ended(result) + ")";
  result.status = RunStatus::OutputLimit;
}

// The filter kills for one thing only (seccomp.cpp: every refused x86-64 call fails with EPERM or
// ENOSYS instead): a system call of a foreign ABI. Its number means nothing in x86-64 terms, so
// the ABI is what a teacher needs to hear.
void blame_seccomp(const RunEnd& end, RunResult& result) {
  if (!end.seccomp || result.status != RunStatus::Signaled || result.signal != SIGSYS) return;
  result.message = how_it_ended(result) +
                   ": the sandbox's seccomp filter refused a system call of a foreign ABI (32-bit int 0x80 "
                   "or x32), which it never allows; a refused x86-64 call fails with EPERM instead";
}

}  // namespace

void classify(const RunRequest& req, const RunEnd& end, RunResult& result) {
  if (!runio::judge_stop(req, end.stop, end.internal_error, end.reaped, "lost track of the sandbox's init",
                         result)) {
    if (end.have_report) {
      runio::judge_exit(req, end.file_size_limit, out_of_memory(req, end, result), result);
    } else {
      judge_init_death(req, end, result);
    }
  }
  blame_seccomp(end, result);
  blame_disk(end, result);
  blame_memory(req, end, result);
  if (end.leftovers) result.message += std::string("; ") + runio::kLeftoversNote;
}

}  // namespace grader::sandbox
