// Slurm jobs as runs; see slurm_executor.h.
#include "runners/slurm/slurm_executor.h"

#include <chrono>
#include <fstream>
#include <iterator>
#include <thread>
#include <utility>

#include "grader/jobscript/parser.h"
#include "grader/jobscript/vetting.h"
#include "grader/util/text.h"
#include "grader/util/units.h"
#include "runners/slurm/contained_job.h"
#include "runners/slurm/job_verdict.h"
#include "runners/ssh/remote_command.h"

namespace grader {

namespace {

using Clock = std::chrono::steady_clock;

// A jobscript is read whole to be vetted before it is submitted; sbatch itself takes at most
// 4 MiB (max_script_size), no real one comes near 1.
constexpr std::uint64_t kMaxJobscriptBytes = 1 << 20;

Clock::duration seconds(double s) {
  return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(s));
}

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

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
  std::string dir;
  {
    std::lock_guard<std::mutex> lock(dirs_mu_);
    dir = std::exchange(contain_dir_, std::string());
  }
  if (dir.empty()) return;
  try {
    std::lock_guard<std::mutex> lock(transport_mu_);
    transport_.remove_tree(dir);
  } catch (...) {
  }
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

slurm::CommandOutput SlurmExecutor::must(const std::vector<std::string>& argv, const std::string& what) {
  slurm::CommandOutput r = command(argv, 60, &opt_.command_env);
  if (!r.ran || r.exit_code != 0)
    throw TransportError(what + ": " + (r.ran ? sbatch_message(r.err) : r.error));
  return r;
}

std::string SlurmExecutor::make_job_dir() {
  if (opt_.scratch_dir.empty()) {
    std::lock_guard<std::mutex> lock(transport_mu_);
    return transport_.make_temp_dir("grader-slurm-");
  }
  const std::string what = "cannot make a job directory under " + opt_.scratch_dir;
  auto r = must({"sh", "-c", "mkdir -p -- \"$1\" && mktemp -d \"$1/grader-XXXXXX\"", "sh", opt_.scratch_dir},
                what);
  const std::string dir(trim_end(r.out));
  if (dir.empty()) throw TransportError(what + ": mktemp printed no directory");
  return dir;
}

const SlurmExecutor::JobUser& SlurmExecutor::job_user() {
  std::call_once(user_once_, [this] {
    const std::string& who = opt_.root_job_user;
    // The login's uid, name and home; then the uid and gid of the user its root jobs run as.
    auto r = command(
        {"sh", "-c",
         "id -u && id -un && printf '%s\\n' \"$HOME\" && { id -u -- \"$1\" && id -g -- \"$1\"; } 2>&1", "sh",
         who},
        30, &opt_.command_env);
    std::vector<std::string> lines;
    for (std::string_view line : split_lines(r.out)) lines.emplace_back(trim(line));
    if (!r.ran || lines.size() < 3) {
      user_.error = "cannot tell which user the login node runs jobs as (id: " +
                    (r.ran ? sbatch_message(r.out + r.err) : r.error) + ")";
      return;
    }
    user_.home = lines[2];
    if (lines[0] != "0") {
      user_.name = lines[1];
      return;
    }
    auto number = [](const std::string& s) {
      return !s.empty() && s.find_first_not_of("0123456789") == s.npos;
    };
    if (r.exit_code != 0 || lines.size() < 5 || !number(lines[3]) || !number(lines[4]) || lines[3] == "0") {
      user_.error = "the grader's login is root and no graded job runs as root, but user '" + who +
                    "' to run them as is not known there" +
                    (lines.size() > 3 ? " (" + lines[3] + ")" : std::string());
      return;
    }
    user_.name = who;
    user_.uid = lines[3];
    user_.gid = lines[4];
  });
  return user_;
}

void SlurmExecutor::give_to_job_user(const std::string& dir) {
  const JobUser& u = job_user();
  if (!u.error.empty()) throw TransportError(u.error);
  if (u.uid.empty()) return;
  must({"chown", "-R", "--", u.uid + ":" + u.gid, dir}, "cannot give " + dir + " to user " + u.name);
}

const std::string& SlurmExecutor::contain_on_login() {
  std::call_once(contain_once_, [this] {
    if (opt_.contain_binary.empty()) return;
    std::ifstream in(opt_.contain_binary, std::ios::binary);
    std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    if (bytes.empty()) return;
    // One copy for all of this executor's jobs (2 MB, static): the grader's, which jobs may run
    // but not change; removed with the executor.
    try {
      const std::string dir = make_job_dir();
      {
        std::lock_guard<std::mutex> lock(dirs_mu_);
        contain_dir_ = dir;  // removed with the executor, or by cancel_all
      }
      const std::string path = dir + "/grader-contain";
      {
        std::lock_guard<std::mutex> lock(transport_mu_);
        transport_.write_file(path, bytes);
      }
      must({"sh", "-c", "chmod 711 -- \"$1\" && chmod 755 -- \"$2\"", "sh", dir, path},
           "cannot open " + path);
      contain_path_ = path;
    } catch (const std::exception&) {
      // Without it the jobs run uncontained, and their isolation notes say so.
    }
  });
  return contain_path_;
}

std::string SlurmExecutor::stage_contained(const RunRequest& req, const std::string& text,
                                           const std::string& jobdir, const std::string& tag) {
  const std::string ws = req.workdir.string(), script = ws + "/" + *req.jobscript;
  const std::string out = jobdir + "/" + tag + ".out", err = jobdir + "/" + tag + ".err";
  const std::string report = jobdir + "/" + tag + ".isolation", tmp = jobdir + "/tmp";
  const std::string& contain = contain_on_login();
  const JobUser& u = job_user();
  slurm::ContainPaths p;
  p.contain = contain;
  p.report = report;
  p.script = script;
  p.tmp = tmp;
  p.rw = {ws};
  // Every job's directory is named grader-* (make_job_dir): this one's own too, but for its
  // workspace and TMPDIR. The login's ssh keys are the one thing of its home a job could use.
  p.hide_prefix = {std::filesystem::path(jobdir).parent_path().string() + "/grader-"};
  if (!u.home.empty() && u.home != "/") p.hide = {u.home + "/.ssh"};
  const std::string wrapper = jobdir + "/" + tag + ".sbatch";
  if (!contain.empty()) {
    std::lock_guard<std::mutex> lock(transport_mu_);
    transport_.write_file(wrapper,
                          slurm::contained_script(text, jobscript::parse(text).first_command_line, p));
  }
  // The files the job writes as its user, made now; its script executable for grader-contain.
  must({"sh", "-c",
        "set -e; chmod u+x \"$1\"; mkdir -p \"$2\"; : > \"$3\"; : > \"$4\"; : > \"$5\"; "
        "if [ -n \"$6\" ]; then chown \"$6\" \"$2\" \"$3\" \"$4\" \"$5\"; fi",
        "sh", script, tmp, out, err, report, u.uid.empty() ? "" : u.uid + ":" + u.gid},
       "cannot prepare the job's files in " + jobdir);
  if (contain.empty()) {
    std::lock_guard<std::mutex> lock(transport_mu_);
    transport_.write_file(
        report,
        "note: nothing in force: grader-contain was not found beside the grader, or could not be copied" +
            (opt_.contain_binary.empty() ? std::string() : " (" + opt_.contain_binary + ")") + "\n");
    return script;
  }
  return wrapper;
}

void SlurmExecutor::read_isolation(SlurmAccounting& a, const std::string& jobdir, const std::string& tag) {
  std::optional<std::string> text;
  {
    std::lock_guard<std::mutex> lock(transport_mu_);
    text = transport_.read_file(jobdir + "/" + tag + ".isolation", 64 * 1024);
  }
  slurm::Isolation iso = slurm::parse_isolation(text.value_or(""));
  a.isolation = std::move(iso.in_force);
  a.isolation_notes = std::move(iso.notes);
  if (a.isolation.empty() && a.isolation_notes.empty())
    a.isolation_notes.push_back("nothing in force: the job never reached its shell part");
}

std::filesystem::path SlurmExecutor::prepare_workspace(const std::filesystem::path& local_dir) {
  std::string jobdir = make_job_dir();
  std::string ws = jobdir + "/ws";
  try {
    must({"mkdir", "--", ws}, "cannot create " + ws);
    {
      std::lock_guard<std::mutex> lock(transport_mu_);
      transport_.upload(local_dir, ws);
    }
    // The job's user gets its workspace; the directory around it stays the grader's (the
    // contained script, grader-contain and the report are not the job's to change), and
    // may only be passed through.
    give_to_job_user(ws);
    if (!job_user().uid.empty())
      must({"chmod", "711", "--", jobdir}, "cannot open " + jobdir + " to user " + job_user().name);
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
  remove_job_dirs();
  return std::max(n, ids.size());
}

void SlurmExecutor::remove_job_dirs() {
  std::vector<std::string> dirs;
  {
    std::lock_guard<std::mutex> lock(dirs_mu_);
    for (const auto& [ws, dir] : job_dirs_) dirs.push_back(dir);
    job_dirs_.clear();
    // No job starts any more: grader-contain's copy goes too (no destructor runs on Ctrl-C).
    if (!contain_dir_.empty()) dirs.push_back(std::exchange(contain_dir_, std::string()));
  }
  std::lock_guard<std::mutex> lock(transport_mu_);
  for (const std::string& d : dirs) {
    try {
      transport_.remove_tree(d);
    } catch (...) {
    }
  }
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
  if (req.jobscript) return submit_jobscript(req);
  if (arrays_) return run_array_task(req);
  return runner_error(req, "the slurm executor runs jobscripts; run '" + req.id + "' has a command");
}

std::string SlurmExecutor::job_dir_of(const std::filesystem::path& workdir) {
  std::lock_guard<std::mutex> lock(dirs_mu_);
  auto it = job_dirs_.find(workdir.string());
  return it != job_dirs_.end() ? it->second : workdir.parent_path().string();
}

std::vector<std::string> SlurmExecutor::sbatch_argv(const std::string& job_name, const std::string& dir,
                                                    const std::string& out_path, const std::string& err_path,
                                                    const std::vector<std::string>& extra,
                                                    const std::string& script) const {
  std::vector<std::string> argv = {"sbatch",
                                   "--parsable",
                                   "--job-name=" + job_name,
                                   "--chdir=" + dir,
                                   "--output=" + out_path,
                                   "--error=" + err_path,
                                   "--open-mode=truncate"};
  if (!user_.uid.empty()) {
    argv.push_back("--uid=" + user_.uid);
    argv.push_back("--gid=" + user_.gid);
  }
  argv.insert(argv.end(), extra.begin(), extra.end());
  argv.insert(argv.end(), opt_.sbatch_flags.begin(), opt_.sbatch_flags.end());
  argv.push_back(script);
  return argv;
}

RunResult SlurmExecutor::submit_jobscript(const RunRequest& req) {
  const std::string ws = req.workdir.string();
  const std::string jobdir = job_dir_of(req.workdir);
  const std::string tag = file_tag(req.id);
  const std::string out_path = jobdir + "/" + tag + ".out", err_path = jobdir + "/" + tag + ".err";
  const std::string script = ws + "/" + *req.jobscript;
  std::optional<std::string> text;
  {
    std::lock_guard<std::mutex> lock(transport_mu_);
    text = transport_.read_file(script, kMaxJobscriptBytes);
  }
  if (!text) {
    RunResult res = runner_error(req, "there is no jobscript '" + *req.jobscript + "' in the submission");
    res.status = RunStatus::NonzeroExit;
    return res;
  }
  if (std::optional<RunResult> refused = vetted(req, *text)) return *refused;
  if (const JobUser& u = job_user(); !u.error.empty()) return runner_error(req, "not submitted: " + u.error);
  // The job's environment: the run's, with the scheduler commands' laid over it.
  std::map<std::string, std::string> env = req.env;
  for (const auto& [k, v] : opt_.command_env) env[k] = v;

  std::string submitted_script;
  try {
    submitted_script = stage_contained(req, *text, jobdir, tag);
  } catch (const std::exception& e) {
    return runner_error(req, std::string("not submitted: ") + e.what());
  }

  const auto submitted = Clock::now();
  slurm::CommandOutput sb =
      submit(sbatch_argv("grader-" + tag, ws, out_path, err_path, {}, submitted_script), env);
  if (!sb.ran || sb.exit_code != 0) return refused(req, sb);
  auto job_id = slurm::parse_sbatch_parsable(sb.out);
  if (!job_id) return runner_error(req, "sbatch printed no job id: " + sbatch_message(sb.out + sb.err));

  slurm::JobOutcome oc = tracker_->wait(*job_id, submitted + seconds(req.timeout_s));
  forget(*job_id);
  std::vector<std::string> left = cancel_leftovers(*job_id, jobdir);
  RunResult res = job_result(req, *job_id, oc, {seconds_since(submitted), req.timeout_s, req.timeout_s},
                             out_path, err_path);
  if (res.slurm) {
    res.slurm->user = job_user().name;
    read_isolation(*res.slurm, jobdir, tag);
  }
  if (!left.empty() && res.slurm) {
    res.slurm->leftover_jobs = left;
    std::string ids;
    for (const std::string& id : left) ids += (ids.empty() ? "" : ", ") + id;
    std::string note = "the job submitted " + counted(static_cast<std::int64_t>(left.size()), "job") +
                       " of its own (" + ids + "), still there when it ended; the grader cancelled " +
                       (left.size() == 1 ? "it" : "them") + ": a graded job submits no jobs";
    res.message = res.message.empty() ? note : res.message + "; " + note;
  }
  return res;
}

std::vector<std::string> SlurmExecutor::cancel_leftovers(const std::string& job_id,
                                                         const std::string& jobdir) {
  // The job's own sbatch submits as the job's user: where that is not the login's, ask for it.
  const JobUser& u = job_user();
  slurm::CommandOutput q = command(
      {"squeue", u.uid.empty() ? "--me" : "--user=" + u.uid, "-h", "-o", slurm::leftover_format()}, 30);
  if (!q.ran || q.exit_code != 0) return {};  // nothing known to cancel; the grading goes on
  std::vector<std::string> left = slurm::leftover_jobs(q.out, job_id, jobdir);
  if (left.empty()) return left;
  std::vector<std::string> argv = {"scancel"};
  argv.insert(argv.end(), left.begin(), left.end());
  command(argv, 30);
  return left;
}

std::optional<RunResult> SlurmExecutor::vetted(const RunRequest& req, const std::string& text) {
  std::vector<jobscript::Refusal> found = jobscript::vet(jobscript::parse(text), req.job_limits);
  if (found.empty()) return std::nullopt;
  // The learner's: a graded failure of this run, and nothing submitted.
  RunResult res;
  res.id = req.id;
  res.status = RunStatus::NonzeroExit;
  res.message = "not submitted: the jobscript asks for what a graded job may not have";
  for (const jobscript::Refusal& r : found)
    res.message += "\n  " + *req.jobscript + ":" + std::to_string(r.line) + ": " + r.message;
  res.err.data = res.message + "\n";
  res.err.total_bytes = res.err.data.size();
  return res;
}

RunResult SlurmExecutor::refused(const RunRequest& req, const slurm::CommandOutput& sb) {
  RunResult res;
  res.id = req.id;
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

CapturedStream SlurmExecutor::read_output(const std::string& path, std::uint64_t cap, bool started) {
  // Written on the compute node; where the file system lags (NFS), it may appear a moment after
  // the job ends.
  auto s = read_stream(path, cap);
  for (int i = 0; !s && started && i < 10; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    s = read_stream(path, cap);
  }
  return s.value_or(CapturedStream{});
}

RunResult SlurmExecutor::job_result(const RunRequest& req, const std::string& job_id,
                                    const slurm::JobOutcome& oc, const slurm::JobWait& wait,
                                    const std::string& out_path, const std::string& err_path) {
  RunResult res;
  res.id = req.id;
  SlurmAccounting a = slurm::job_accounting(job_id, oc);
  res.wall_s = a.elapsed_s;
  res.cpu_s = a.total_cpu_s;
  res.max_rss_kb = a.max_rss_kb;
  res.out = read_output(out_path, req.output_limit, oc.started);
  res.err = read_output(err_path, req.output_limit, oc.started);
  for (const auto& rel : req.collect) {
    std::lock_guard<std::mutex> lock(transport_mu_);
    res.files[rel] = transport_.collect_file(req.workdir.string(), rel, req.output_limit);
  }
  slurm::judge_job(res, a, job_id, oc, wait);
  res.slurm = a;
  return res;
}

// ---- command runs as job array tasks ----

void SlurmExecutor::run_commands_as_arrays(ArrayOptions options) {
  arrays_ = std::make_unique<slurm::ArrayBatches>(options);
}

ArrayStats SlurmExecutor::array_stats() const {
  return arrays_ ? arrays_->stats() : ArrayStats{};
}

void SlurmExecutor::submit_array(slurm::ArrayBatch& b) {
  const auto n = b.runs.size();
  auto fail = [&](std::string why) { b.failure = runner_error(RunRequest{}, std::move(why)); };
  const double grace = arrays_->options().kill_grace_s;
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
      transport_.write_file(script, slurm::array_script(tasks, b.dir, grace));
    }
    give_to_job_user(b.dir);
    std::vector<std::string> extra = {"--array=0-" + std::to_string(n - 1)};
    for (auto& f : slurm::array_sbatch_flags(tasks, grace)) extra.push_back(std::move(f));
    slurm::CommandOutput sb =
        submit(sbatch_argv("grader-array", b.dir, b.dir + "/%a.out", b.dir + "/%a.err", extra, script),
               opt_.command_env);
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
  auto [batch, index] = arrays_->join(req, [this](slurm::ArrayBatch& b) { submit_array(b); });
  RunResult res;
  if (batch->failure) {
    res = *batch->failure;
    res.id = req.id;
  } else {
    res = wait_for_task(req, *batch, index);
  }
  if (arrays_->leave(*batch)) release_batch(*batch);
  return res;
}

RunResult SlurmExecutor::wait_for_task(const RunRequest& req, const slurm::ArrayBatch& b, std::size_t index) {
  const ArrayOptions& o = arrays_->options();
  const std::string task = b.job_id + "_" + std::to_string(index);
  const std::string base = b.dir + "/" + std::to_string(index);
  const double allowed = o.queue_timeout_s + req.timeout_s + o.kill_grace_s;
  slurm::JobOutcome oc = tracker_->wait(task, b.submit_time + seconds(allowed));
  const slurm::JobWait wait{seconds_since(b.submit_time), allowed, req.timeout_s};
  RunResult res = job_result(req, task, oc, wait, base + ".out", base + ".err");
  if (oc.kind == slurm::JobOutcome::Kind::Finished) apply_task_status(res, req, b, index, oc.note);
  return res;
}

// The command's own ending, from the status file the task wrote; without one, Slurm ended the
// task (time limit, memory, cancel, node) and sacct's verdict stands.
void SlurmExecutor::apply_task_status(RunResult& res, const RunRequest& req, const slurm::ArrayBatch& b,
                                      std::size_t index, const std::string& note) {
  CollectedFile status;
  {
    std::lock_guard<std::mutex> lock(transport_mu_);
    status = transport_.collect_file(b.dir, std::to_string(index) + ".status", 256);
  }
  auto st = status.exists ? slurm::parse_task_status(status.data) : std::nullopt;
  if (!st) return;
  auto v = slurm::task_verdict(req, *st, res.err.data);
  res.status = v.status;
  res.exit_code = v.exit_code;
  res.signal = v.signal;
  res.message = v.message;
  if (!note.empty()) res.message += (res.message.empty() ? "" : "; ") + note;
  if (!st->workdir_missing) res.wall_s = st->wall_s;
}

void SlurmExecutor::release_batch(const slurm::ArrayBatch& b) {
  if (!b.job_id.empty()) forget(b.job_id);
  if (b.dir.empty()) return;
  try {
    std::lock_guard<std::mutex> lock(transport_mu_);
    transport_.remove_tree(b.dir);
  } catch (...) {
  }
}

}  // namespace grader
