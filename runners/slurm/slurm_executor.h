// SlurmExecutor: the BatchExecutor (grader/run/batch_executor.h) for Slurm: a run is a Slurm
// batch job. The staged workspace is uploaded where the compute nodes can read it, the learner's
// jobscript is submitted with `sbatch --parsable`, the job is waited for through a JobTracker
// (one scheduler query per poll round for all jobs in flight), and the result is read back: the
// state and exit code that Slurm recorded, sacct's accounting, and the job's stdout/stderr files.
// Built on a Transport, so the same code drives the test cluster on this machine
// (LocalTransport) and a real cluster's login node (SshTransport).
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

#include "grader/run/batch_executor.h"
#include "grader/run/transport.h"
#include "runners/slurm/array_batches.h"
#include "runners/slurm/job_tracker.h"

namespace grader {

namespace slurm {
struct JobWait;  // job_verdict.h
}

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
  // Who the jobs run as where the login is root; resolved on the login node (`id`).
  std::string root_job_user = "nobody";
  // grader-contain on this machine, copied beside each job to contain its shell part on the node
  // (contained_job.h). Empty: jobscripts run uncontained, and runs[].slurm.isolation says so.
  std::string contain_binary;
};

class SlurmExecutor final : public BatchExecutor {
 public:
  SlurmExecutor(Transport& transport, SlurmOptions options = {});
  ~SlurmExecutor() override;

  RunResult run(const RunRequest& request) override;
  std::string name() const override { return "slurm"; }
  std::vector<std::string> isolation() const override { return {"slurm-job"}; }
  std::string transport() const override { return transport_.name(); }
  std::filesystem::path prepare_workspace(const std::filesystem::path& local_dir) override;
  void release_workspace(const std::filesystem::path& workdir) override;

  void run_commands_as_arrays(ArrayOptions options) override;
  // Waits for the sbatch commands under way (up to 15 s), then one scancel for all, and removes
  // the jobs' directories: it is called when the grader is going away (Ctrl-C), which would
  // otherwise leave them on the cluster's scratch. grader-contain's copy goes with the executor.
  std::size_t cancel_all(const std::string& why) override;
  BatchStats stats() const override { return tracker_->stats(); }
  ArrayStats array_stats() const override;

 private:
  // sbatch, with the job it submits kept in live_ until forget(): cancel_all reaches it even
  // before the tracker waits for it. After cancel_all nothing more is submitted.
  slurm::CommandOutput submit(const std::vector<std::string>& argv,
                              const std::map<std::string, std::string>& env);
  void forget(const std::string& job_id);
  void remove_job_dirs();
  // sbatch's command line: ours (slurm_executor.h), then `extra`, the cluster's flags, the script.
  std::vector<std::string> sbatch_argv(const std::string& job_name, const std::string& dir,
                                       const std::string& out_path, const std::string& err_path,
                                       const std::vector<std::string>& extra,
                                       const std::string& script) const;
  // run()'s steps for a jobscript: the submission, and what sbatch said when it refused.
  RunResult submit_jobscript(const RunRequest& req);
  // The run's failure when the jobscript asks for what a graded job may not have
  // (grader/jobscript/vetting.h); nullopt when it may be submitted.
  static std::optional<RunResult> vetted(const RunRequest& req, const std::string& text);
  // Cancels the jobs that job `job_id` submitted itself from inside `jobdir` and left queued or
  // running (slurm_parse.h, leftover_jobs); returns their ids.
  std::vector<std::string> cancel_leftovers(const std::string& job_id, const std::string& jobdir);
  static RunResult refused(const RunRequest& req, const slurm::CommandOutput& sb);
  // Command runs as array tasks: the batch's submission (by its leader), one task's wait and
  // its status file, and the cleanup by the last member.
  RunResult run_array_task(const RunRequest& req);
  void submit_array(slurm::ArrayBatch& batch);
  RunResult wait_for_task(const RunRequest& req, const slurm::ArrayBatch& batch, std::size_t index);
  void apply_task_status(RunResult& res, const RunRequest& req, const slurm::ArrayBatch& batch,
                         std::size_t index, const std::string& note);
  void release_batch(const slurm::ArrayBatch& batch);
  // A fresh directory for one job's files, under the scratch directory; throws TransportError.
  std::string make_job_dir();
  // The directory prepare_workspace made for a workdir (else the workdir's parent).
  std::string job_dir_of(const std::filesystem::path& workdir);
  // After the tracker settled a job (or task): its accounting, output, collected files and verdict.
  RunResult job_result(const RunRequest& req, const std::string& job_id, const slurm::JobOutcome& oc,
                       const slurm::JobWait& wait, const std::string& out_path, const std::string& err_path);
  // Who the jobs run as, asked of the login node once (`id`): a name, and where the login is
  // root the numeric uid and gid that sbatch and chown get; `error` when it could not be told.
  struct JobUser {
    std::string name;
    std::string uid, gid;
    std::string home;  // the login's $HOME: its ~/.ssh is hidden from contained jobs
    std::string error;
  };
  const JobUser& job_user();
  // Gives `dir` (recursively) to the job user where the login is root; throws TransportError.
  void give_to_job_user(const std::string& dir);
  // Beside the workspace: grader-contain, the script that runs the jobscript contained, and the
  // files the job writes as its user (output, TMPDIR, the isolation report). Returns the script
  // to submit: the learner's own where there is no grader-contain. Throws TransportError.
  std::string stage_contained(const RunRequest& req, const std::string& text, const std::string& jobdir,
                              const std::string& tag);
  // What grader-contain reported for a job (or why nothing was in force).
  void read_isolation(SlurmAccounting& a, const std::string& jobdir, const std::string& tag);
  // grader-contain copied to the login node's scratch once (opt_.contain_binary); its path there,
  // empty when there is none or the copy failed.
  const std::string& contain_on_login();
  // A command on the login node that must succeed (a minute at most); throws TransportError
  // saying `what` and what the command said.
  slurm::CommandOutput must(const std::vector<std::string>& argv, const std::string& what);
  slurm::CommandOutput command(const std::vector<std::string>& argv, double timeout_s,
                               const std::map<std::string, std::string>* job_env = nullptr);
  std::optional<CapturedStream> read_stream(const std::string& path, std::uint64_t cap);
  // A job's stdout or stderr file; a job that ran is given a moment for it to appear (NFS).
  CapturedStream read_output(const std::string& path, std::uint64_t cap, bool started);

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

  std::unique_ptr<slurm::ArrayBatches> arrays_;  // set by run_commands_as_arrays

  std::once_flag user_once_;
  JobUser user_;
  std::once_flag contain_once_;
  std::string contain_dir_;  // under dirs_mu_: cancel_all removes it from another thread
  std::string contain_path_;
};

}  // namespace grader
