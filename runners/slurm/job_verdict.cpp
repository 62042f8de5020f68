// A settled job's accounting and verdict; see job_verdict.h.
#include "runners/slurm/job_verdict.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <optional>

#include "grader/util/units.h"

namespace grader::slurm {

namespace {

// sacct's Timelimit form, [D-]HH:MM:SS, whichever tool printed it.
std::string slurm_time(const std::string& text) {
  auto s = parse_slurm_duration(text);
  if (!s) return text;
  long total = std::lround(*s);
  long d = total / 86400, h = total % 86400 / 3600, m = total % 3600 / 60, sec = total % 60;
  char buf[48];
  if (d > 0)
    std::snprintf(buf, sizeof buf, "%ld-%02ld:%02ld:%02ld", d, h, m, sec);
  else
    std::snprintf(buf, sizeof buf, "%02ld:%02ld:%02ld", h, m, sec);
  return buf;
}

double seconds_between(std::optional<std::int64_t> from, std::optional<std::int64_t> to) {
  return static_cast<double>(std::max<std::int64_t>(0, *to - *from));
}

void take_queue_row(SlurmAccounting& a, const QueueRow& q, bool started) {
  a.cluster = q.cluster;
  a.partition = q.partition;
  a.account = q.account;
  a.alloc_tres = q.alloc_tres;
  a.time_limit = slurm_time(q.time_limit);
  if (started && q.start && q.submit) a.queue_wait_s = seconds_between(q.submit, q.start);
  if (started && q.start && q.end) a.elapsed_s = seconds_between(q.start, q.end);
}

void take_allocation_row(SlurmAccounting& a, const AcctRow& alloc) {
  if (!alloc.cluster.empty()) a.cluster = alloc.cluster;
  if (!alloc.partition.empty()) a.partition = alloc.partition;
  if (!alloc.account.empty()) a.account = alloc.account;
  if (!alloc.alloc_tres.empty()) a.alloc_tres = alloc.alloc_tres;
  if (!alloc.time_limit.empty()) a.time_limit = alloc.time_limit;
  if (alloc.elapsed_s) a.elapsed_s = *alloc.elapsed_s;
  if (alloc.total_cpu_s) a.total_cpu_s = *alloc.total_cpu_s;
  if (alloc.start && alloc.submit) a.queue_wait_s = seconds_between(alloc.submit, alloc.start);
}

// The grader cancelled it at its deadline (or on Ctrl-C: `error`).
void judge_deadline(RunResult& res, SlurmAccounting& a, const std::string& job, const JobOutcome& oc,
                    const JobWait& wait) {
  if (!oc.error.empty()) {
    res.status = RunStatus::RunnerError;
    res.message = job + ": " + oc.error;
  } else if (!oc.started) {
    res.status = RunStatus::RunnerError;
    res.message = job + " stuck PENDING (reason " + (oc.reason.empty() ? "unknown" : oc.reason) + ") for " +
                  format_duration(wait.waited_s) + ", past the " + format_duration(wait.allowed_s) +
                  " it was allowed" +
                  "; the grader cancelled it. A queue is not the submission's fault: grade it again later";
    a.state = a.state.empty() ? "CANCELLED" : a.state;
  } else {
    res.status = RunStatus::Timeout;
    res.message = job + " did not finish within the run's timeout of " + format_duration(wait.timeout_s) +
                  " (queued " + format_duration(a.queue_wait_s) + "); the grader cancelled it";
  }
}

}  // namespace

SlurmAccounting job_accounting(const std::string& job_id, const JobOutcome& oc) {
  SlurmAccounting a;
  a.job_id = job_id;
  a.state = oc.state;
  a.exit_code = oc.exit_code;
  const AcctRow* alloc = nullptr;
  double step_cpu = 0;
  bool have_step_cpu = false;
  for (const auto& row : oc.acct) {
    if (!row.is_step()) {
      alloc = &row;
      continue;
    }
    a.steps.push_back({row.job_id.substr(row.job_id.find('.') + 1), row.state, row.exit_code, row.ntasks});
    if (row.total_cpu_s) step_cpu += *row.total_cpu_s, have_step_cpu = true;
    if (row.max_rss_kb) a.max_rss_kb = std::max(a.max_rss_kb, *row.max_rss_kb);
  }
  if (oc.queue) take_queue_row(a, *oc.queue, oc.started);
  if (alloc && is_terminal_state(alloc->state)) take_allocation_row(a, *alloc);
  if (a.total_cpu_s == 0 && have_step_cpu) a.total_cpu_s = step_cpu;
  return a;
}

void judge_job(RunResult& res, SlurmAccounting& a, const std::string& job_id, const JobOutcome& oc,
               const JobWait& wait) {
  const std::string job = "job " + job_id;
  switch (oc.kind) {
    case JobOutcome::Kind::SchedulerError:
      res.status = RunStatus::RunnerError;
      res.message = job + ": " + oc.error;
      break;
    case JobOutcome::Kind::DeadlinePassed: judge_deadline(res, a, job, oc, wait); break;
    case JobOutcome::Kind::Finished: {
      auto v = map_final_state(oc.state, oc.exit_code, oc.reason, res.err.data);
      res.status = v.status;
      res.exit_code = v.exit_code;
      res.signal = v.signal;
      res.message = v.message.empty() ? "" : job + ": " + v.message;
      break;
    }
  }
  if (!oc.note.empty()) res.message += (res.message.empty() ? "" : "; ") + oc.note;
}

}  // namespace grader::slurm
