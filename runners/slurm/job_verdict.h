// What a settled Slurm job (or array task) means for its run, once JobTracker is done with it:
// the accounting the report shows (squeue's last row for the job, sacct's rows for its
// allocation and steps) and the verdict: map_final_state's for a job Slurm ended; a runner error
// for a scheduler that failed or a job that never left the queue; a timeout for a job that ran
// past its time and was cancelled. Pure functions, no processes.
#pragma once

#include <string>

#include "grader/run/run_result.h"
#include "runners/slurm/job_tracker.h"

namespace grader::slurm {

// The report's accounting for `job_id`: sacct's allocation row once it is final, squeue's row
// before that; CPU time and peak memory from the steps when the allocation has none.
SlurmAccounting job_accounting(const std::string& job_id, const JobOutcome& outcome);

// How long a job was waited for, from its submission, for the messages.
struct JobWait {
  double waited_s = 0;   // until it settled
  double allowed_s = 0;  // the deadline, queue included
  double timeout_s = 0;  // the run's own timeout
};

// Sets result's status, exit_code, signal and message (result.err already holds the job's
// stderr: the memory banner counts). A job cancelled while pending gets the state CANCELLED in
// `accounting` when Slurm gave it none.
void judge_job(RunResult& result, SlurmAccounting& accounting, const std::string& job_id,
               const JobOutcome& outcome, const JobWait& wait);

}  // namespace grader::slurm
