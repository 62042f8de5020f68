// One poller for many Slurm jobs; see job_tracker.h.
#include "runners/slurm/job_tracker.h"

#include <pthread.h>
#include <signal.h>

#include <algorithm>
#include <set>

#include "grader/util/text.h"

namespace grader::slurm {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_between(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

std::string describe_failure(const std::string& what, const CommandOutput& r) {
  if (!r.ran) return what + " could not be run: " + r.error;
  std::string err(trim_end(r.err));
  return what + " failed (exit " + std::to_string(r.exit_code) + ")" + (err.empty() ? "" : ": " + err);
}

bool is_running_state(const std::string& s) {
  return !s.empty() && !is_pending_state(s) && !is_terminal_state(s);
}

}  // namespace

struct JobTracker::Job {
  std::string id;
  Clock::time_point deadline;
  enum class Phase { Queued, Settling, Done } phase = Phase::Queued;
  Clock::time_point settle_since{};
  Clock::time_point cancel_since{};
  bool cancelled_by_us = false;
  bool absent_from_queue = false;
  std::string last_state;
  JobOutcome outcome;
  bool done = false;
};

JobTracker::JobTracker(CommandRunner run, TrackerOptions options)
    : run_(std::move(run)), opt_(options), interval_s_(options.min_interval_s) {
  poller_ = std::thread([this] {
    // Process signals (Ctrl-C) are for the program's own threads, never this one.
    sigset_t set;
    sigemptyset(&set);
    for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGUSR2}) sigaddset(&set, sig);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    poll_loop();
  });
}

JobTracker::~JobTracker() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  wake_poller_.notify_all();
  poller_.join();
}

BatchStats JobTracker::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  return stats_;
}

JobOutcome JobTracker::wait(const std::string& job_id, Clock::time_point deadline) {
  std::unique_lock<std::mutex> lock(mu_);
  auto job = std::make_shared<Job>();
  job->id = job_id;
  job->deadline = deadline;
  jobs_[job_id] = job;
  interval_s_ = opt_.min_interval_s;
  ++generation_;
  wake_poller_.notify_all();
  job_done_.wait(lock, [&] { return job->done || stop_; });
  if (!job->done) {
    job->outcome.kind = JobOutcome::Kind::SchedulerError;
    job->outcome.error = "the grader is shutting down";
  }
  jobs_.erase(job_id);
  return job->outcome;
}

void JobTracker::finish(Job& job, JobOutcome::Kind kind) {
  job.phase = Job::Phase::Done;
  job.outcome.kind = kind;
  job.done = true;
  job_done_.notify_all();
}

std::size_t JobTracker::cancel_all(const std::string& why) {
  std::unique_lock<std::mutex> lock(mu_);
  std::vector<std::string> ids = ids_where([](const Job&) { return true; });
  if (ids.empty()) return 0;
  CommandOutput r = scancel(lock, ids);
  for (const auto& id : ids) {
    Job* job = unfinished(id);
    if (!job) continue;
    job->outcome.error = why + (r.ran && r.exit_code == 0 ? "; the grader cancelled job " + id
                                                          : "; " + describe_failure("scancel " + id, r));
    finish(*job, JobOutcome::Kind::DeadlinePassed);
  }
  return ids.size();
}

void JobTracker::poll_loop() {
  std::unique_lock<std::mutex> lock(mu_);
  Clock::time_point last_round = Clock::now() - std::chrono::hours(1);
  auto active = [&] {
    return std::any_of(jobs_.begin(), jobs_.end(), [](const auto& kv) { return !kv.second->done; });
  };
  while (!stop_) {
    if (!active()) {
      wake_poller_.wait(lock, [&] { return stop_ || active(); });
      continue;
    }
    // Next round: one interval after the last, or at the earliest deadline of a queued job.
    auto next =
        last_round + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(interval_s_));
    for (const auto& [id, job] : jobs_)
      if (!job->done && job->phase == Job::Phase::Queued && !job->cancelled_by_us)
        next = std::min(next, job->deadline);
    if (Clock::now() < next) {
      // A job added meanwhile resets the interval: wake and recompute.
      std::uint64_t gen = generation_;
      wake_poller_.wait_until(lock, next, [&] { return stop_ || generation_ != gen; });
      continue;
    }
    last_round = Clock::now();
    changed_ = false;
    poll_round(lock);
    interval_s_ = changed_ ? opt_.min_interval_s : std::min(opt_.max_interval_s, interval_s_ * opt_.growth);
  }
}

// One round: deadlines, the queue, the cancelled jobs that never ended, then accounting.
void JobTracker::poll_round(std::unique_lock<std::mutex>& lock) {
  cancel_overdue(lock);
  query_queue(lock);
  give_up_on_cancelled();
  settle_with_sacct(lock);
}

std::vector<std::string> JobTracker::ids_where(const std::function<bool(const Job&)>& pred) const {
  std::vector<std::string> ids;
  for (const auto& [id, job] : jobs_)
    if (!job->done && pred(*job)) ids.push_back(id);
  return ids;
}

JobTracker::Job* JobTracker::unfinished(const std::string& id) {
  auto it = jobs_.find(id);
  return it == jobs_.end() || it->second->done ? nullptr : it->second.get();
}

CommandOutput JobTracker::scancel(std::unique_lock<std::mutex>& lock, const std::vector<std::string>& ids) {
  std::vector<std::string> argv = {"scancel"};
  argv.insert(argv.end(), ids.begin(), ids.end());
  lock.unlock();
  CommandOutput r = run_(argv, opt_.query_timeout_s);
  lock.lock();
  ++stats_.scancel_commands;
  return r;
}

// 1. Deadlines: one scancel for every queued job past its own.
void JobTracker::cancel_overdue(std::unique_lock<std::mutex>& lock) {
  const auto now = Clock::now();
  std::vector<std::string> to_cancel = ids_where([&](const Job& job) {
    return job.phase == Job::Phase::Queued && !job.cancelled_by_us && now >= job.deadline;
  });
  if (to_cancel.empty()) return;
  CommandOutput r = scancel(lock, to_cancel);
  for (const auto& id : to_cancel) {
    Job* job = unfinished(id);
    if (!job) continue;
    job->cancelled_by_us = true;
    job->cancel_since = Clock::now();
    if (!(r.ran && r.exit_code == 0)) job->outcome.note = describe_failure("scancel", r);
    if (job->last_state.empty() || is_pending_state(job->last_state)) {
      // Never got a node: nothing ran, no output to wait for.
      job->outcome.started = false;
      finish(*job, JobOutcome::Kind::DeadlinePassed);
    }
  }
  changed_ = true;
}

// 2. The round's one queue query, for every job still in the queue.
void JobTracker::query_queue(std::unique_lock<std::mutex>& lock) {
  std::vector<std::string> queued = ids_where([](const Job& job) { return job.phase == Job::Phase::Queued; });
  if (queued.empty()) return;
  lock.unlock();
  CommandOutput r = run_({"squeue", "-h", "-r", "-t", "all", "-j", join(queued, ","), "-O", squeue_format()},
                         opt_.query_timeout_s);
  lock.lock();
  ++stats_.rounds;
  ++stats_.squeue_queries;
  stats_.max_jobs_per_query = std::max<std::uint64_t>(stats_.max_jobs_per_query, queued.size());
  // Once every id is purged from slurmctld's memory (MinJobAge), squeue exits 1 with this.
  bool all_unknown = r.ran && r.exit_code != 0 && r.err.find("Invalid job id") != std::string::npos;
  if (r.ran && (r.exit_code == 0 || all_unknown)) {
    consecutive_failures_ = 0;
    std::map<std::string, QueueRow> rows;
    for (auto& row : parse_squeue(r.out)) rows[row.job_id] = row;
    for (const auto& id : queued) {
      Job* job = unfinished(id);
      if (!job) continue;
      auto row = rows.find(id);
      if (row == rows.end()) {
        // Gone from the controller: sacct has the last word.
        job->absent_from_queue = true;
        leave_queue(*job);
        changed_ = true;
      } else {
        take_queue_row(*job, row->second);
      }
    }
  } else {
    queue_query_failed(lock, queued, r);
  }
}

void JobTracker::leave_queue(Job& job) {
  job.phase = Job::Phase::Settling;
  job.settle_since = Clock::now();
}

void JobTracker::take_queue_row(Job& job, const QueueRow& q) {
  if (q.state != job.last_state) changed_ = true;
  job.last_state = q.state;
  job.outcome.queue = q;
  if (is_pending_state(q.state)) job.outcome.reason = q.reason;
  if (is_running_state(q.state)) job.outcome.started = true;
  if (is_terminal_state(q.state)) {
    job.outcome.state = q.state;
    leave_queue(job);
  }
}

// max_query_failures in a row fail every queued job with the scheduler's message.
void JobTracker::queue_query_failed(std::unique_lock<std::mutex>& lock,
                                    const std::vector<std::string>& queued, const CommandOutput& r) {
  ++consecutive_failures_;
  ++stats_.query_failures;
  if (consecutive_failures_ < opt_.max_query_failures) return;
  std::string msg = "the Slurm scheduler did not answer " + std::to_string(consecutive_failures_) +
                    " queries in a row; last: " + describe_failure("squeue", r);
  for (const auto& id : queued) {
    Job* job = unfinished(id);
    if (!job) continue;
    job->outcome.error = msg;
    finish(*job, JobOutcome::Kind::SchedulerError);
  }
  consecutive_failures_ = 0;
  // Best effort, so that nothing is left running if the scheduler comes back.
  scancel(lock, queued);
}

// Cancelled running jobs that never come back within the grace period.
void JobTracker::give_up_on_cancelled() {
  for (auto& [id, job] : jobs_)
    if (!job->done && job->cancelled_by_us &&
        seconds_between(job->cancel_since, Clock::now()) > opt_.cancel_grace_s) {
      job->outcome.note = "the job did not end within " +
                          std::to_string(static_cast<int>(opt_.cancel_grace_s)) +
                          " s of the grader's scancel";
      finish(*job, JobOutcome::Kind::DeadlinePassed);
    }
}

// 3. Accounting for the jobs that left the queue: one sacct for all of them.
void JobTracker::settle_with_sacct(std::unique_lock<std::mutex>& lock) {
  std::vector<std::string> settling;
  for (auto& [id, job] : jobs_)
    if (!job->done && job->phase == Job::Phase::Settling) {
      // A job cancelled before it started has no steps to wait for.
      if (!job->absent_from_queue && job->outcome.state == "CANCELLED" && !job->outcome.started) {
        if (job->cancelled_by_us) job->outcome.note.clear();
        finish(*job, job->cancelled_by_us ? JobOutcome::Kind::DeadlinePassed : JobOutcome::Kind::Finished);
        changed_ = true;
        continue;
      }
      settling.push_back(id);
    }
  if (settling.empty()) return;
  lock.unlock();
  CommandOutput r =
      run_({"sacct", "-n", "-P", "-j", join(settling, ","), "-o", sacct_format()}, opt_.query_timeout_s);
  lock.lock();
  ++stats_.sacct_queries;
  std::map<std::string, std::vector<AcctRow>> by_job;
  if (r.ran && r.exit_code == 0)
    for (auto& row : parse_sacct(r.out)) by_job[row.base_id()].push_back(row);
  for (const auto& id : settling)
    if (Job* job = unfinished(id)) settle(*job, by_job[id], r);
}

// One job's sacct rows: settled when its allocation (and batch step) are final, or given up on
// after settle_timeout_s.
void JobTracker::settle(Job& job, const std::vector<AcctRow>& rows, const CommandOutput& r) {
  const std::string& id = job.id;
  const AcctRow* alloc = nullptr;
  const AcctRow* batch = nullptr;
  for (const auto& row : rows) {
    if (row.job_id == id) alloc = &row;
    if (row.job_id == id + ".batch") batch = &row;
  }
  bool alloc_done = alloc && is_terminal_state(alloc->state);
  bool batch_done = batch && is_terminal_state(batch->state);
  bool timed_out = seconds_between(job.settle_since, Clock::now()) >= opt_.settle_timeout_s;
  bool settled = false;
  if (job.absent_from_queue) {
    if (alloc_done && (batch_done || !alloc->start)) {
      job.outcome.state = alloc->state_text;
      job.outcome.exit_code = alloc->exit_code;
      settled = true;
    }
  } else if (batch_done || (alloc_done && !batch)) {
    // squeue's state (slurmctld's) is final; the batch step's exit code is the script's.
    if (alloc_done) {
      job.outcome.state = alloc->state_text;
      job.outcome.exit_code = alloc->exit_code;
    } else {
      job.outcome.exit_code = batch->exit_code;
    }
    settled = batch_done || !job.outcome.started || timed_out;
  }
  if (batch_done || alloc_done) job.outcome.started = job.outcome.started || batch != nullptr;
  const std::string sacct_failure = r.ran && r.exit_code == 0 ? "" : describe_failure("sacct", r);
  if (!settled && timed_out) {
    if (job.outcome.state.empty()) {
      job.outcome.error = "job " + id + " left the queue and sacct has no final record of it after " +
                          std::to_string(static_cast<int>(opt_.settle_timeout_s)) + " s" +
                          (sacct_failure.empty() ? "" : "; " + sacct_failure);
      job.outcome.acct = rows;
      finish(job, JobOutcome::Kind::SchedulerError);
      changed_ = true;
      return;
    }
    job.outcome.note = "sacct had no final record of the batch step after " +
                       std::to_string(static_cast<int>(opt_.settle_timeout_s)) + " s" +
                       (sacct_failure.empty() ? "" : " (" + first_line(sacct_failure) + ")");
    settled = true;
  }
  if (!settled) return;
  job.outcome.acct = rows;
  bool ours = job.cancelled_by_us && job.outcome.state.rfind("CANCELLED", 0) == 0;
  finish(job, ours ? JobOutcome::Kind::DeadlinePassed : JobOutcome::Kind::Finished);
  changed_ = true;
}

}  // namespace grader::slurm
