// RunResult: what one run of learner work did, the same struct whichever executor and transport
// ran it. Learner failures live here as data; they are never exceptions.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace grader {

enum class RunStatus {
  Ok,           // exited 0
  NonzeroExit,  // exited with a code other than 0
  Signaled,     // killed by a signal it did not get from us
  Timeout,      // wall-clock limit reached; we killed it
  MemoryLimit,  // memory limit reached (OOM kill, or the interpreter's MemoryError at the cap)
  OutputLimit,  // stdout/stderr over the cap, or a file write over RLIMIT_FSIZE
  RunnerError,  // the grader could not run it at all; says nothing about the learner
  // Not started because this runner lacks what it needs (a Slurm job and no cluster, in
  // `grader validate` without --runner); `message` says what. Its checks are skipped as
  // unavailable, like a run's `unavailable` exit code.
  Skipped,
};

std::string to_string(RunStatus s);

struct CapturedStream {
  std::string data;               // at most the cap, raw bytes (not necessarily UTF-8)
  std::uint64_t total_bytes = 0;  // bytes the program wrote, counted up to where we stopped it
  bool truncated = false;
};

struct CollectedFile {
  bool exists = false;
  std::string data;  // capped like the streams
  std::uint64_t size = 0;
  bool truncated = false;
};

// One step of a job as sacct lists it: "batch", "extern", "0" (the first srun), ...
struct SlurmStep {
  std::string id;  // the part after the job id's dot
  std::string state;
  std::string exit_code;
  int ntasks = 0;  // sacct's NTasks: how many tasks Slurm started (and accounted) in the step
};

// What Slurm's accounting (sacct) says of a job, for runs that were Slurm jobs. Read from the
// scheduler, never inferred: a GPU in alloc_tres was allocated, which says nothing of its use.
struct SlurmAccounting {
  std::string job_id;
  std::string cluster;
  std::string partition;
  std::string account;
  std::string state;      // COMPLETED, FAILED, TIMEOUT, OUT_OF_MEMORY, CANCELLED, ...
  std::string exit_code;  // sacct's "code:signal"
  double elapsed_s = 0;
  double total_cpu_s = 0;
  double queue_wait_s = 0;  // submit to start
  std::uint64_t max_rss_kb = 0;
  std::string alloc_tres;  // "cpu=2,mem=1G,node=1,billing=2,gres/gpu=1"
  std::string time_limit;  // as granted, sacct's Timelimit
  // Every step sacct listed, in its order. The tasks a step ran are counted by Slurm, not the
  // program: ranks that mpirun starts itself on the batch step's node are no step of their own.
  std::vector<SlurmStep> steps;
  // Jobs that the job submitted itself (sbatch inside the jobscript), still queued or running
  // when it ended: the grader cancelled them (runners/slurm/slurm_parse.h, leftover_jobs).
  std::vector<std::string> leftover_jobs;
  // The user the job ran as: the login's own, or where that is root, an unprivileged one.
  std::string user;
  // What contained the jobscript's shell part on the node (runners/slurm/contained_job.h):
  // no_new_privs, rlimits, landlock, landlock_scope, seccomp; and why anything was not.
  std::vector<std::string> isolation;
  std::vector<std::string> isolation_notes;
};

struct RunResult {
  std::string id;
  RunStatus status = RunStatus::RunnerError;
  std::optional<int> exit_code;  // set when it exited
  std::optional<int> signal;     // set when a signal ended it
  double wall_s = 0;
  double cpu_s = 0;  // user + system, children that were waited for included
  std::uint64_t max_rss_kb = 0;
  CapturedStream out;
  CapturedStream err;
  std::map<std::string, CollectedFile> files;  // by workspace-relative path
  std::string message;                         // why: the runner error, the limit that was hit; empty when Ok
  std::optional<SlurmAccounting> slurm;        // set for Slurm jobs
  int attempts = 1;                            // times it ran; the fastest is kept (grading/retime.h)

  bool completed() const { return status != RunStatus::RunnerError && status != RunStatus::Skipped; }
};

struct RunRequest;

// "exited with code 3", "killed by signal 9 (SIGKILL)": how every executor words an ending.
std::string how_it_ended(const RunResult& result);

// Whether a run with a memory limit shows the signs of reaching it: the interpreter's or libc's
// out-of-memory text on stderr, or the signals an allocation failure ends in (SIGKILL from the
// OOM killer, SIGSEGV or SIGABRT from a failed allocation). False when it had no limit.
bool shows_memory_exhaustion(const RunRequest& request, const RunResult& result);

}  // namespace grader
