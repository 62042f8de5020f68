// The Slurm client tools' text, read: sbatch --parsable, squeue -O with '|' separators, sacct -P,
// and what a job's final state means for grading. Pure functions, no processes: every line
// format here was captured from the real tools (tests/unit/data/slurm_*).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "grader/run/run_result.h"

namespace grader::slurm {

// squeue's fields, in the order squeue_format() asks for them. SLURM_TIME_FORMAT=%s makes the
// times epoch seconds ("N/A" or "Unknown" when not set).
struct QueueRow {
  std::string job_id;  // "12", or "12_3" for task 3 of array job 12 (JobArrayID, with -r)
  std::string state;   // PENDING, RUNNING, COMPLETING, COMPLETED, FAILED, TIMEOUT, ...
  std::string reason;  // Priority, Resources, BeginTime, None, ...
  std::string partition;
  std::string account;
  std::string time_limit;  // "5:00", "7-00:00:00"
  std::optional<std::int64_t> submit, start, end;
  std::string alloc_tres;  // "cpu=1,mem=2000M,node=1,billing=1,gres/gpu=1"
  std::string cluster;
};

// One sacct -P row (allocation or step), in the order sacct_format() asks for them.
struct AcctRow {
  std::string job_id;      // "12", "12.batch", "12.extern", "12.0"
  std::string state;       // first word only ("CANCELLED by 0" -> "CANCELLED")
  std::string state_text;  // as sacct printed it
  std::string exit_code;   // "3:0"
  std::optional<double> elapsed_s;
  std::optional<double> total_cpu_s;
  std::optional<std::uint64_t> max_rss_kb;
  std::string alloc_tres, partition, account, cluster, time_limit, reason;
  std::optional<std::int64_t> submit, start, end;
  int ntasks = 0;  // NTasks: empty (0) on the allocation's row, set on steps

  bool is_step() const { return job_id.find('.') != std::string::npos; }
  // "12.batch" -> "12", "12_3.batch" -> "12_3" (an array task is a job of its own), "12+1" -> "12".
  std::string base_id() const { return job_id.substr(0, job_id.find_first_of(".+")); }
};

// `-O` argument for squeue, and `-o` for sacct.
std::string squeue_format();
std::string sacct_format();

// "12" or "12;cluster" -> "12"; nullopt when the output is not a job id.
std::optional<std::string> parse_sbatch_parsable(std::string_view out);

// Rows of squeue output; malformed lines are skipped.
std::vector<QueueRow> parse_squeue(std::string_view out);
std::vector<AcctRow> parse_sacct(std::string_view out);

// `squeue --me -h -o %i|%Z`: the user's jobs and their working directories.
std::string leftover_format();
// Of those rows, the jobs that a graded job `own_id` left behind: submitted after it (a larger
// job id: Slurm numbers jobs in submission order) from inside its directory `job_dir` (sbatch
// runs a job where it was called, and the graded job runs in job_dir/ws). Another grading's
// jobs, and the user's own submitted from elsewhere, are not touched.
std::vector<std::string> leftover_jobs(std::string_view squeue_out, std::string_view own_id,
                                       std::string_view job_dir);

// Elapsed, TotalCPU, Timelimit -> seconds, read by grader/util/slurm_time.h's one parser;
// nullopt for UNLIMITED, Partition_Limit, empty or malformed text.
std::optional<double> parse_slurm_duration(std::string_view text);
// MaxRSS "3276K", "310M", "2G", "1024" (bytes: sacct prints no suffix for < 1K), -> KiB.
std::optional<std::uint64_t> parse_slurm_memory_kb(std::string_view text);
// "3:0" -> {3, 0}
std::optional<std::pair<int, int>> parse_exit_code(std::string_view text);

// Whether Slurm is done with a job in this state (squeue or sacct state, first word).
// COMPLETING is not done: its epilog still runs and its files may still be written.
bool is_terminal_state(std::string_view state);
bool is_pending_state(std::string_view state);

// How a finished job's state and ExitCode become a run's verdict. The learner is to blame for
// an exit code, a signal, Slurm's time limit and its memory limit; not for a node that failed, a
// preemption, a boot failure or a cancel by someone else: those are runner errors that say what
// happened. `stderr_text` lets the OverMemoryKill banner of jobacct_gather (FAILED 0:9 on
// clusters without cgroups) count as the memory limit it is.
struct Verdict {
  RunStatus status = RunStatus::RunnerError;
  std::optional<int> exit_code;
  std::optional<int> signal;
  std::string message;
};
Verdict map_final_state(std::string_view state_text, std::string_view exit_code, std::string_view reason = "",
                        std::string_view stderr_text = "");

}  // namespace grader::slurm
