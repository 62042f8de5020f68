// The verdict of a sandboxed run; see verdict.h.
#include "runners/sandbox/verdict.h"

#include <signal.h>

#include "grader/util/units.h"

namespace grader::sandbox {
namespace {

using runio::contains;
using runio::Stop;

void set(RunResult& result, RunStatus status, std::string message) {
  result.status = status;
  result.message = std::move(message);
}

std::string memory_message(const RunRequest& req, const RunResult& result) {
  return "ran out of memory under the " + format_size(*req.memory_bytes) + " limit (" + how_it_ended(result) +
         ")";
}

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

// From the learner's exit status, once it ended on its own and nothing stopped it.
void classify_exit(const RunRequest& req, const RunEnd& end, RunResult& result) {
  const std::string fsize = format_size(end.file_size_limit);
  if (result.exit_code == 0) return set(result, RunStatus::Ok, "");
  if (result.signal == SIGXFSZ) {
    return set(result, RunStatus::OutputLimit,
               how_it_ended(result) + ": a file exceeded the " + fsize + " file size limit");
  }
  if (result.exit_code && contains(result.err.data, "File too large")) {  // CPython ignores SIGXFSZ
    return set(result, RunStatus::OutputLimit,
               "a file exceeded the " + fsize + " file size limit (" + how_it_ended(result) + ")");
  }
  if (out_of_memory(req, end, result))
    return set(result, RunStatus::MemoryLimit, memory_message(req, result));
  if (result.exit_code) return set(result, RunStatus::NonzeroExit, how_it_ended(result));
  set(result, RunStatus::Signaled, how_it_ended(result));
}

void classify_end(const RunRequest& req, const RunEnd& end, RunResult& result) {
  if (end.stop == Stop::Internal) return set(result, RunStatus::RunnerError, end.internal_error);
  if (!end.reaped) return set(result, RunStatus::RunnerError, "lost track of the sandbox's init");
  if (end.stop == Stop::Timeout) {
    return set(result, RunStatus::Timeout,
               "killed after the " + format_duration(req.timeout_s) + " time limit");
  }
  if (result.out.truncated || result.err.truncated) {
    const char* stream = result.out.truncated ? "stdout" : "stderr";
    return set(result, RunStatus::OutputLimit,
               std::string(stream) + " exceeded the " + format_size(req.output_limit) + " limit");
  }
  if (!end.have_report) {
    // init died before the learner's main process ended: only the OOM killer does that.
    if (req.memory_bytes && end.usage.oom_kill) {
      result.signal = SIGKILL;
      return set(result, RunStatus::MemoryLimit, memory_message(req, result));
    }
    return set(result, RunStatus::RunnerError, "the sandbox's init ended unexpectedly");
  }
  classify_exit(req, end, result);
}

}  // namespace

void classify(const RunRequest& req, const RunEnd& end, RunResult& result) {
  classify_end(req, end, result);
  if (end.leftovers) result.message += "; some processes it started could not be killed";
}

}  // namespace grader::sandbox
