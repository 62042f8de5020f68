// SlurmExecutor: a run is a Slurm batch job. The staged workspace is uploaded where the compute
// nodes can read it, the learner's jobscript is submitted with `sbatch --parsable`, the job is
// waited for through a JobTracker (one scheduler query per poll round for all jobs in flight),
// and the result is read back: the state and exit code that Slurm recorded, sacct's accounting,
// and the job's stdout/stderr files. Built on a Transport, so the same code drives the test
// cluster on this machine (LocalTransport) and a real cluster's login node (SshTransport).
//
// What sbatch gets on its command line, overriding the script's #SBATCH lines for these only:
// --parsable, --job-name=grader-RUN (so the grader's jobs are recognisable in squeue), --chdir
// (the uploaded workspace), --output/--error (files beside the workspace, so that the learner's
// own -o/-e cannot hide the output from grading), --open-mode=truncate, and the cluster's flags
// (a profile's `-M snowy`). Everything else (-A, -t, -n, -c, --mem, --gres, -p) is the learner's.
//
// Verdicts: COMPLETED 0:0 is ok; an exit code, a signal, Slurm's TIMEOUT and its memory limit
// are the learner's (graded failures); NODE_FAIL, PREEMPTED, BOOT_FAIL, a cancel by someone else,
// and a scheduler that stops answering are runner errors that say what happened. The rubric's
// timeout bounds the whole wait, queue included: past it the job is cancelled; a job that never
// left the queue is a runner error ("stuck PENDING (reason)"), not the learner's fault.
//
// Command runs (argv, no jobscript) go to the compute nodes too once run_commands_as_arrays() is
// called: the runs that arrive together (grade --jobs N: N submissions' runs at once) are
// gathered and submitted as the tasks of one job array (`sbatch --array=0-K`), so a whole class
// runs on the cluster's nodes under its scheduler, and each task is then waited for like a job.
// See array_script.h for what a task runs and how its ending is read.
#pragma once

#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "grader/run/transport.h"
#include "runners/slurm/array_script.h"
#include "runners/slurm/job_tracker.h"

namespace grader {

// How command runs are gathered into job arrays.
struct ArrayOptions {
  // Submit as soon as this many runs wait (grade sets it to its number of threads)...
  std::size_t expected = 1;
  // ... otherwise once no run arrived for gather_quiet_s, and never later than gather_max_s after
  // the first one.
  double gather_quiet_s = 0.5;
  double gather_max_s = 5;
  std::size_t max_tasks = 1000;  // Slurm's default MaxArraySize is 1001: indices 0..1000
  // How long a task may wait in the queue on top of its own timeout before it is given up as
  // stuck: a class's array shares the cluster's nodes, so tasks start one after another.
  double queue_timeout_s = 1800;
  double kill_grace_s = 2;  // timeout -k: SIGKILL this long after SIGTERM at the time limit
};

struct ArrayStats {
  std::uint64_t arrays = 0;   // sbatch --array submissions
  std::uint64_t tasks = 0;    // command runs submitted as array tasks
  std::uint64_t largest = 0;  // tasks in the largest array
};

struct SlurmOptions {
  // Extra sbatch flags the cluster needs (a profile's `-M snowy`); placed before the script.
  std::vector<std::string> sbatch_flags;
  // Where workspaces are uploaded: a directory the compute nodes can read. Empty: the
  // transport's temporary directory (fine on one machine; on a cluster use a shared scratch).
  std::string scratch_dir;
  // The environment of the scheduler commands (sbatch, squeue, sacct, scancel). For sbatch the
  // run's own environment is laid over it (it becomes the job's: sbatch exports it).
  std::map<std::string, std::string> command_env;
  double submit_timeout_s = 60;
  slurm::TrackerOptions tracker;
};

class SlurmExecutor final : public Executor {
 public:
  SlurmExecutor(Transport& transport, SlurmOptions options = {});
  ~SlurmExecutor() override;

  RunResult run(const RunRequest& request) override;
  std::string name() const override { return "slurm"; }
  std::vector<std::string> isolation() const override { return {"slurm-job"}; }
  std::string transport() const override { return transport_.name(); }
  std::filesystem::path prepare_workspace(const std::filesystem::path& local_dir) override;
  void release_workspace(const std::filesystem::path& workdir) override;

  // From now on command runs are array tasks (otherwise they are refused: a command belongs on
  // the login node's executor). Call before the first run.
  void run_commands_as_arrays(ArrayOptions options);

  // Ctrl-C: cancel every job in flight, those being submitted at that moment included (it waits
  // for their sbatch, up to 15 s), and submit no more. Safe from any thread but a signal handler.
  std::size_t cancel_all(const std::string& why);
  slurm::TrackerStats stats() const { return tracker_->stats(); }
  ArrayStats array_stats() const;

 private:
  struct Batch;
  // sbatch, with the job it submits kept in live_ until forget(): cancel_all reaches it even
  // before the tracker waits for it. After cancel_all nothing more is submitted.
  slurm::CommandOutput submit(const std::vector<std::string>& argv,
                              const std::map<std::string, std::string>& env);
  void forget(const std::string& job_id);
  RunResult run_array_task(const RunRequest& req);
  void submit_array(Batch& batch);
  // A fresh directory for one job's files, under the scratch directory; throws TransportError.
  std::string make_job_dir();
  // After the tracker settled a job (or task): its accounting, output, collected files and verdict.
  // `allowed_s` is how long it was allowed from submission, for the messages.
  RunResult job_result(const RunRequest& req, const std::string& job_id, const slurm::JobOutcome& oc,
                       double waited_s, double allowed_s, const std::string& out_path,
                       const std::string& err_path);
  slurm::CommandOutput command(const std::vector<std::string>& argv, double timeout_s,
                               const std::map<std::string, std::string>* job_env = nullptr);
  std::optional<CapturedStream> read_stream(const std::string& path, std::uint64_t cap);

  Transport& transport_;
  SlurmOptions opt_;
  std::mutex transport_mu_;  // a Transport is used by one thread at a time
  std::mutex dirs_mu_;
  std::map<std::string, std::string> job_dirs_;  // workdir -> the directory made for it
  std::unique_ptr<slurm::JobTracker> tracker_;

  std::mutex live_mu_;
  std::condition_variable live_cv_;
  int submitting_ = 0;
  std::optional<std::string> cancelled_;  // why, once cancel_all ran
  std::set<std::string> live_;            // submitted, not yet settled

  std::optional<ArrayOptions> arrays_;
  mutable std::mutex batch_mu_;
  std::condition_variable batch_cv_;
  std::map<slurm::ArrayShape, std::shared_ptr<Batch>> open_batches_;  // still taking runs
  ArrayStats array_stats_;
};

}  // namespace grader
