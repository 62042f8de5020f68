// Slurm jobs as runs; see slurm_executor.h.
#include "runners/slurm/slurm_executor.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <thread>

#include "grader/util/text.h"
#include "grader/util/units.h"
#include "runners/ssh/remote_command.h"

namespace grader {

namespace {

using Clock = std::chrono::steady_clock;

// A run id as a file name: [A-Za-z0-9._-], nothing else.
std::string file_tag(const std::string& id) {
  std::string s;
  for (char c : id) s += (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') ? c : '_';
  return s.empty() ? "run" : s;
}

// sbatch's whole message, trailing newlines off: its last "error:" line matters, and they are short.
std::string sbatch_message(std::string_view text) {
  return std::string(trim_end(text));
}

// sacct's Timelimit form, [D-]HH:MM:SS, whichever tool printed it.
std::string slurm_time(const std::string& text) {
  auto s = slurm::parse_slurm_duration(text);
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

// sbatch errors that are the cluster's, not the jobscript's.
bool infrastructure_error(const slurm::CommandOutput& r) {
  if (!r.ran || r.exit_code == 127 || r.exit_code == 126) return true;
  for (const char* s :
       {"Unable to contact slurm controller", "Socket timed out", "temporarily unable",
        "Zero Bytes were transmitted", "Connection refused", "Communication connection failure",
        "Slurm backup controller in standby mode", "Transport endpoint"})
    if (r.err.find(s) != std::string::npos) return true;
  return false;
}

}  // namespace

SlurmExecutor::SlurmExecutor(Transport& transport, SlurmOptions options)
    : transport_(transport), opt_(std::move(options)) {
  tracker_ = std::make_unique<slurm::JobTracker>(
      [this](const std::vector<std::string>& argv, double timeout_s) { return command(argv, timeout_s); },
      opt_.tracker);
}

SlurmExecutor::~SlurmExecutor() {
  tracker_.reset();
}

slurm::CommandOutput SlurmExecutor::command(const std::vector<std::string>& argv, double timeout_s,
                                            const std::map<std::string, std::string>* job_env) {
  RunRequest r;
  r.id = argv.empty() ? "slurm" : argv[0];
  r.argv = argv;
  r.workdir = "/";
  if (job_env) {
    r.env = *job_env;
  } else {
    r.env = opt_.command_env;
    r.env["SLURM_TIME_FORMAT"] = "%s";  // epoch seconds in squeue's and sacct's times
  }
  r.timeout_s = timeout_s;
  r.output_limit = 16 * 1024 * 1024;
  slurm::CommandOutput out;
  try {
    std::lock_guard<std::mutex> lock(transport_mu_);
    RunResult res = transport_.run(r);
    out.out = std::move(res.out.data);
    out.err = std::move(res.err.data);
    if (res.status == RunStatus::Timeout) {
      out.error = argv[0] + " did not answer within " + format_duration(timeout_s);
    } else if (res.status == RunStatus::RunnerError || (!res.exit_code && !res.signal)) {
      out.error = res.message.empty() ? "it did not start" : res.message;
    } else if (res.signal) {
      out.error = argv[0] + " was killed by signal " + std::to_string(*res.signal);
    } else {
      out.ran = true;
      out.exit_code = *res.exit_code;
    }
  } catch (const std::exception& e) {
    out.error = e.what();
  }
  return out;
}

std::string SlurmExecutor::make_job_dir() {
  if (opt_.scratch_dir.empty()) {
    std::lock_guard<std::mutex> lock(transport_mu_);
    return transport_.make_temp_dir("grader-slurm-");
  }
  auto r =
      command({"sh", "-c", "mkdir -p -- \"$1\" && mktemp -d \"$1/grader-XXXXXX\"", "sh", opt_.scratch_dir},
              60, &opt_.command_env);
  while (!r.out.empty() && r.out.back() == '\n') r.out.pop_back();
  if (!r.ran || r.exit_code != 0 || r.out.empty())
    throw TransportError("cannot make a job directory under " + opt_.scratch_dir + ": " +
                         (r.ran ? sbatch_message(r.err) : r.error));
  return r.out;
}

std::filesystem::path SlurmExecutor::prepare_workspace(const std::filesystem::path& local_dir) {
  std::string jobdir = make_job_dir();
  std::string ws = jobdir + "/ws";
  try {
    auto r = command({"mkdir", "--", ws}, 60, &opt_.command_env);
    if (!r.ran || r.exit_code != 0)
      throw TransportError("cannot create " + ws + ": " + (r.ran ? r.err : r.error));
    std::lock_guard<std::mutex> lock(transport_mu_);
    transport_.upload(local_dir, ws);
  } catch (...) {
    std::lock_guard<std::mutex> lock(transport_mu_);
    transport_.remove_tree(jobdir);
    throw;
  }
  std::lock_guard<std::mutex> lock(dirs_mu_);
  job_dirs_[ws] = jobdir;
  return ws;
}

void SlurmExecutor::release_workspace(const std::filesystem::path& workdir) {
  std::string jobdir;
  {
    std::lock_guard<std::mutex> lock(dirs_mu_);
    auto it = job_dirs_.find(workdir.string());
    if (it == job_dirs_.end()) return;
    jobdir = it->second;
    job_dirs_.erase(it);
  }
  try {
    std::lock_guard<std::mutex> lock(transport_mu_);
    transport_.remove_tree(jobdir);
  } catch (...) {
  }
}

slurm::CommandOutput SlurmExecutor::submit(const std::vector<std::string>& argv,
                                           const std::map<std::string, std::string>& env) {
  {
    std::lock_guard<std::mutex> lock(live_mu_);
    if (cancelled_) {
      slurm::CommandOutput refused;
      refused.error = "not submitted: " + *cancelled_;
      return refused;
    }
    ++submitting_;
  }
  slurm::CommandOutput sb = command(argv, opt_.submit_timeout_s, &env);
  std::lock_guard<std::mutex> lock(live_mu_);
  --submitting_;
  if (sb.ran && sb.exit_code == 0) {
    if (auto id = slurm::parse_sbatch_parsable(sb.out)) live_.insert(*id);
  }
  live_cv_.notify_all();
  return sb;
}

void SlurmExecutor::forget(const std::string& job_id) {
  std::lock_guard<std::mutex> lock(live_mu_);
  live_.erase(job_id);
}

std::size_t SlurmExecutor::cancel_all(const std::string& why) {
  std::vector<std::string> ids;
  {
    std::unique_lock<std::mutex> lock(live_mu_);
    cancelled_ = why;
    live_cv_.wait_for(lock, std::chrono::seconds(15), [this] { return submitting_ == 0; });
    ids.assign(live_.begin(), live_.end());
  }
  // The tracker cancels what it waits for and wakes the waiters; jobs (and whole arrays) that
  // were submitted but not yet handed to it are cancelled here. One more scancel of a job already
  // cancelled is harmless.
  std::size_t n = tracker_->cancel_all(why);
  if (!ids.empty()) {
    std::vector<std::string> argv = {"scancel"};
    argv.insert(argv.end(), ids.begin(), ids.end());
    command(argv, 30);
  }
  return std::max(n, ids.size());
}

std::optional<CapturedStream> SlurmExecutor::read_stream(const std::string& path, std::uint64_t cap) {
  // As a collected file of its directory: the job may have replaced the file Slurm wrote with a
  // link to something of the grader's user; that reads as absent.
  const auto slash = path.rfind('/');
  CollectedFile f;
  {
    std::lock_guard<std::mutex> lock(transport_mu_);
    f = transport_.collect_file(path.substr(0, slash), path.substr(slash + 1), cap);
  }
  if (!f.exists) return std::nullopt;
  CapturedStream s;
  s.data = std::move(f.data);
  s.total_bytes = f.size;
  s.truncated = f.truncated;
  return s;
}

RunResult SlurmExecutor::run(const RunRequest& req) {
  RunResult res;
  res.id = req.id;
  if (!req.jobscript) {
    if (arrays_) return run_array_task(req);
    res.message = "the slurm executor runs jobscripts; run '" + req.id + "' has a command";
    return res;
  }
  const std::string ws = req.workdir.string();
  std::string jobdir;
  {
    std::lock_guard<std::mutex> lock(dirs_mu_);
    auto it = job_dirs_.find(ws);
    jobdir = it != job_dirs_.end() ? it->second : req.workdir.parent_path().string();
  }
  const std::string tag = file_tag(req.id);
  const std::string out_path = jobdir + "/" + tag + ".out", err_path = jobdir + "/" + tag + ".err";
  const std::string script = ws + "/" + *req.jobscript;

  std::optional<std::string> head;
  {
    std::lock_guard<std::mutex> lock(transport_mu_);
    head = transport_.read_file(script, 1);
  }
  if (!head) {
    res.status = RunStatus::NonzeroExit;
    res.message = "there is no jobscript '" + *req.jobscript + "' in the submission";
    return res;
  }

  std::vector<std::string> argv = {"sbatch",
                                   "--parsable",
                                   "--job-name=grader-" + tag,
                                   "--chdir=" + ws,
                                   "--output=" + out_path,
                                   "--error=" + err_path,
                                   "--open-mode=truncate"};
  argv.insert(argv.end(), opt_.sbatch_flags.begin(), opt_.sbatch_flags.end());
  argv.push_back(script);
  std::map<std::string, std::string> env = req.env;
  for (const auto& [k, v] : opt_.command_env) env[k] = v;

  const auto submitted = Clock::now();
  const auto deadline =
      submitted + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(req.timeout_s));
  slurm::CommandOutput sb = submit(argv, env);
  if (!sb.ran || sb.exit_code != 0) {
    res.err.data = sb.err;
    res.err.total_bytes = sb.err.size();
    if (infrastructure_error(sb)) {
      res.status = RunStatus::RunnerError;
      res.message = "could not submit the job: " + (sb.ran ? sbatch_message(sb.err) : sb.error);
    } else {
      // The cluster refused what the learner wrote: a bad directive, account, partition, limit.
      res.status = RunStatus::NonzeroExit;
      res.exit_code = sb.exit_code;
      res.message = "sbatch refused the jobscript: " + sbatch_message(sb.err);
    }
    return res;
  }
  auto job_id = slurm::parse_sbatch_parsable(sb.out);
  if (!job_id) {
    res.message = "sbatch printed no job id: " + sbatch_message(sb.out + sb.err);
    return res;
  }

  slurm::JobOutcome oc = tracker_->wait(*job_id, deadline);
  forget(*job_id);
  double waited = std::chrono::duration<double>(Clock::now() - submitted).count();
  return job_result(req, *job_id, oc, waited, req.timeout_s, out_path, err_path);
}

RunResult SlurmExecutor::job_result(const RunRequest& req, const std::string& job_id,
                                    const slurm::JobOutcome& oc, double waited, double allowed_s,
                                    const std::string& out_path, const std::string& err_path) {
  RunResult res;
  res.id = req.id;
  const std::string ws = req.workdir.string();

  // Accounting: slurmctld's row (squeue) for the job, sacct's for its steps.
  SlurmAccounting a;
  a.job_id = job_id;
  a.state = oc.state;
  a.exit_code = oc.exit_code;
  const slurm::AcctRow* alloc = nullptr;
  double step_cpu = 0;
  bool have_step_cpu = false;
  for (const auto& row : oc.acct) {
    if (!row.is_step()) {
      alloc = &row;
      continue;
    }
    if (row.total_cpu_s) step_cpu += *row.total_cpu_s, have_step_cpu = true;
    if (row.max_rss_kb) a.max_rss_kb = std::max(a.max_rss_kb, *row.max_rss_kb);
  }
  if (oc.queue) {
    const auto& q = *oc.queue;
    a.cluster = q.cluster;
    a.partition = q.partition;
    a.account = q.account;
    a.alloc_tres = q.alloc_tres;
    a.time_limit = slurm_time(q.time_limit);
    if (oc.started && q.start && q.submit)
      a.queue_wait_s = static_cast<double>(std::max<std::int64_t>(0, *q.start - *q.submit));
    if (oc.started && q.start && q.end)
      a.elapsed_s = static_cast<double>(std::max<std::int64_t>(0, *q.end - *q.start));
  }
  if (alloc && slurm::is_terminal_state(alloc->state)) {
    if (!alloc->cluster.empty()) a.cluster = alloc->cluster;
    if (!alloc->partition.empty()) a.partition = alloc->partition;
    if (!alloc->account.empty()) a.account = alloc->account;
    if (!alloc->alloc_tres.empty()) a.alloc_tres = alloc->alloc_tres;
    if (!alloc->time_limit.empty()) a.time_limit = alloc->time_limit;
    if (alloc->elapsed_s) a.elapsed_s = *alloc->elapsed_s;
    if (alloc->total_cpu_s) a.total_cpu_s = *alloc->total_cpu_s;
    if (alloc->start && alloc->submit)
      a.queue_wait_s = static_cast<double>(std::max<std::int64_t>(0, *alloc->start - *alloc->submit));
  } else if (have_step_cpu) {
    a.total_cpu_s = step_cpu;
  }
  if (a.total_cpu_s == 0 && have_step_cpu) a.total_cpu_s = step_cpu;
  res.wall_s = a.elapsed_s;
  res.cpu_s = a.total_cpu_s;
  res.max_rss_kb = a.max_rss_kb;

  // The job's output: written on the compute node; where the file system lags (NFS), it may
  // appear a moment after the job ends.
  auto read_output = [&](const std::string& path) {
    auto s = read_stream(path, req.output_limit);
    for (int i = 0; !s && oc.started && i < 10; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      s = read_stream(path, req.output_limit);
    }
    return s.value_or(CapturedStream{});
  };
  res.out = read_output(out_path);
  res.err = read_output(err_path);
  for (const auto& rel : req.collect) {
    std::lock_guard<std::mutex> lock(transport_mu_);
    res.files[rel] = transport_.collect_file(ws, rel, req.output_limit);
  }

  const std::string job = "job " + job_id;
  switch (oc.kind) {
    case slurm::JobOutcome::Kind::SchedulerError:
      res.status = RunStatus::RunnerError;
      res.message = job + ": " + oc.error;
      break;
    case slurm::JobOutcome::Kind::DeadlinePassed:
      if (!oc.error.empty()) {
        res.status = RunStatus::RunnerError;
        res.message = job + ": " + oc.error;
      } else if (!oc.started) {
        res.status = RunStatus::RunnerError;
        res.message =
            job + " stuck PENDING (reason " + (oc.reason.empty() ? "unknown" : oc.reason) + ") for " +
            format_duration(waited) + ", past the " + format_duration(allowed_s) + " it was allowed" +
            "; the grader cancelled it. A queue is not the submission's fault: grade it again later";
        a.state = a.state.empty() ? "CANCELLED" : a.state;
      } else {
        res.status = RunStatus::Timeout;
        res.message = job + " did not finish within the run's timeout of " + format_duration(req.timeout_s) +
                      " (queued " + format_duration(a.queue_wait_s) + "); the grader cancelled it";
      }
      break;
    case slurm::JobOutcome::Kind::Finished: {
      auto v = slurm::map_final_state(oc.state, oc.exit_code, oc.reason, res.err.data);
      res.status = v.status;
      res.exit_code = v.exit_code;
      res.signal = v.signal;
      res.message = v.message.empty() ? "" : job + ": " + v.message;
      break;
    }
  }
  if (!oc.note.empty()) res.message += (res.message.empty() ? "" : "; ") + oc.note;
  res.slurm = a;
  return res;
}

// ---- command runs as job array tasks ----

// The runs gathered into one array. Every member thread blocks in run() until the leader (the
// first to arrive) has submitted it, so the RunRequests it points to stay alive until then.
struct SlurmExecutor::Batch {
  slurm::ArrayShape shape;
  std::vector<const RunRequest*> runs;
  Clock::time_point first, last;  // arrivals
  bool closed = false;            // takes no more runs
  bool submitted = false;         // sbatch answered: job_id, or `failure`
  std::string job_id, dir;
  std::optional<RunResult> failure;
  Clock::time_point submit_time;
  std::size_t reading = 0;  // members not done with the batch directory; the last removes it
};

void SlurmExecutor::run_commands_as_arrays(ArrayOptions options) {
  options.expected = std::max<std::size_t>(1, std::min(options.expected, options.max_tasks));
  arrays_ = options;
}

ArrayStats SlurmExecutor::array_stats() const {
  std::lock_guard<std::mutex> lock(batch_mu_);
  return array_stats_;
}

void SlurmExecutor::submit_array(Batch& b) {
  const auto n = b.runs.size();
  auto fail = [&](std::string why) {
    RunResult r;
    r.status = RunStatus::RunnerError;
    r.message = std::move(why);
    b.failure = std::move(r);
  };
  b.submit_time = Clock::now();
  try {
    b.dir = make_job_dir();
    std::vector<slurm::ArrayTask> tasks(n);
    for (std::size_t i = 0; i < n; ++i) {
      tasks[i].request = b.runs[i];
      if (b.runs[i]->stdin_data) {
        tasks[i].stdin_path = b.dir + "/" + std::to_string(i) + ".in";
        std::lock_guard<std::mutex> lock(transport_mu_);
        transport_.write_file(tasks[i].stdin_path, *b.runs[i]->stdin_data);
      }
    }
    const std::string script = b.dir + "/array.sh";
    {
      std::lock_guard<std::mutex> lock(transport_mu_);
      transport_.write_file(script, slurm::array_script(tasks, b.dir, arrays_->kill_grace_s));
    }
    std::vector<std::string> argv = {"sbatch",
                                     "--parsable",
                                     "--job-name=grader-array",
                                     "--array=0-" + std::to_string(n - 1),
                                     "--chdir=" + b.dir,
                                     "--output=" + b.dir + "/%a.out",
                                     "--error=" + b.dir + "/%a.err",
                                     "--open-mode=truncate"};
    for (auto& f : slurm::array_sbatch_flags(tasks, arrays_->kill_grace_s)) argv.push_back(std::move(f));
    argv.insert(argv.end(), opt_.sbatch_flags.begin(), opt_.sbatch_flags.end());
    argv.push_back(script);
    slurm::CommandOutput sb = submit(argv, opt_.command_env);
    if (!sb.ran || sb.exit_code != 0) {
      // The array is the grader's own script and flags: whatever sbatch refuses is not a learner's.
      return fail("could not submit the job array for " + std::to_string(n) +
                  " command runs: " + (sb.ran ? sbatch_message(sb.err) : sb.error));
    }
    auto id = slurm::parse_sbatch_parsable(sb.out);
    if (!id) return fail("sbatch printed no job id for the job array: " + sbatch_message(sb.out + sb.err));
    b.job_id = *id;
  } catch (const std::exception& e) {
    fail(std::string("could not submit the job array: ") + e.what());
  }
}

RunResult SlurmExecutor::run_array_task(const RunRequest& req) {
  if (auto problem = invalid_remote_request(req)) return runner_error(req, *problem);
  const auto quiet =
      std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(arrays_->gather_quiet_s));
  const auto longest =
      std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(arrays_->gather_max_s));
  const slurm::ArrayShape shape = slurm::array_shape(req);

  std::shared_ptr<Batch> b;
  std::size_t index = 0;
  {
    std::unique_lock<std::mutex> lock(batch_mu_);
    auto& slot = open_batches_[shape];
    const bool leader = !slot;
    if (leader) {
      slot = std::make_shared<Batch>();
      slot->shape = shape;
      slot->first = Clock::now();
    }
    b = slot;
    index = b->runs.size();
    b->runs.push_back(&req);
    b->last = Clock::now();
    auto close = [&] {
      b->closed = true;
      auto it = open_batches_.find(shape);
      if (it != open_batches_.end() && it->second == b) open_batches_.erase(it);
    };
    if (b->runs.size() >= arrays_->expected) close();
    batch_cv_.notify_all();
    if (leader) {
      while (!b->closed) {
        const auto until = std::min(b->last + quiet, b->first + longest);
        if (Clock::now() >= until)
          close();
        else
          batch_cv_.wait_until(lock, until);
      }
      b->reading = b->runs.size();
      array_stats_.arrays++;
      array_stats_.tasks += b->runs.size();
      array_stats_.largest = std::max<std::uint64_t>(array_stats_.largest, b->runs.size());
      lock.unlock();
      submit_array(*b);
      lock.lock();
      b->submitted = true;
      batch_cv_.notify_all();
    } else {
      batch_cv_.wait(lock, [&] { return b->submitted; });
    }
  }

  RunResult res;
  if (b->failure) {
    res = *b->failure;
    res.id = req.id;
  } else {
    const std::string task = b->job_id + "_" + std::to_string(index);
    const std::string base = b->dir + "/" + std::to_string(index);
    const double allowed = arrays_->queue_timeout_s + req.timeout_s + arrays_->kill_grace_s;
    const auto deadline =
        b->submit_time + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(allowed));
    slurm::JobOutcome oc = tracker_->wait(task, deadline);
    double waited = std::chrono::duration<double>(Clock::now() - b->submit_time).count();
    res = job_result(req, task, oc, waited, allowed, base + ".out", base + ".err");
    if (oc.kind == slurm::JobOutcome::Kind::Finished) {
      // The command's own ending, from the status file the task wrote; without one, Slurm ended
      // the task (time limit, memory, cancel, node) and sacct's verdict stands.
      CollectedFile status;
      {
        std::lock_guard<std::mutex> lock(transport_mu_);
        status = transport_.collect_file(b->dir, std::to_string(index) + ".status", 256);
      }
      if (auto st = status.exists ? slurm::parse_task_status(status.data) : std::nullopt) {
        auto v = slurm::task_verdict(req, *st, res.err.data);
        res.status = v.status;
        res.exit_code = v.exit_code;
        res.signal = v.signal;
        res.message = v.message;
        if (!oc.note.empty()) res.message += (res.message.empty() ? "" : "; ") + oc.note;
        if (!st->workdir_missing) res.wall_s = st->wall_s;
      }
    }
  }
  bool last = false;
  {
    std::lock_guard<std::mutex> lock(batch_mu_);
    last = --b->reading == 0;
  }
  if (last && !b->job_id.empty()) forget(b->job_id);
  if (last && !b->dir.empty()) {
    try {
      std::lock_guard<std::mutex> lock(transport_mu_);
      transport_.remove_tree(b->dir);
    } catch (...) {
    }
  }
  return res;
}

}  // namespace grader
