// SlurmExecutor against the real test cluster (ci/cluster: slurmctld, slurmd, slurmdbd). Every
// job here is a real sbatch; the executor's JobTracker polls the real squeue/sacct. No sleeps for
// synchronisation: run() returns once Slurm says the job is over and sacct has its record.
// Without the cluster these tests fail, saying how to start it.
#include "runners/slurm/slurm_executor.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "runners/local/local_transport.h"

namespace grader {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

std::map<std::string, std::string> cluster_env() {
  std::map<std::string, std::string> env;
  for (const char* k : {"PATH", "SLURM_CONF", "BASH_ENV", "MODULEPATH", "LANG"})
    if (const char* v = std::getenv(k)) env[k] = v;
  if (!env.count("PATH")) env["PATH"] = "/usr/local/bin:/usr/bin:/bin";
  return env;
}

class SlurmExecutorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* conf = std::getenv("SLURM_CONF");
    ASSERT_TRUE(conf && *conf && fs::exists(conf))
        << "start the test cluster: ci/cluster start; eval \"$(ci/cluster env)\" (SLURM_CONF is not set)";
    RunRequest ping;
    ping.argv = {"scontrol", "ping"};
    ping.workdir = "/";
    ping.env = cluster_env();
    RunResult r = transport_.run(ping);
    ASSERT_TRUE(r.status == RunStatus::Ok && r.out.data.find("is UP") != std::string::npos)
        << "start the test cluster: ci/cluster start (scontrol ping: " << r.out.data << r.err.data << ")";
    std::string tmpl = (fs::temp_directory_path() / "slurm_executor_test_XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr) << std::strerror(errno);
    dir_ = tmpl;
  }
  void TearDown() override {
    if (!dir_.empty()) fs::remove_all(dir_);
  }

  SlurmOptions options() {
    SlurmOptions o;
    o.command_env = cluster_env();
    if (const char* d = std::getenv("GRADER_CLUSTER_DIR")) o.scratch_dir = std::string(d) + "/jobs";
    o.contain_binary = GRADER_CONTAIN;
    o.tracker.min_interval_s = 0.1;
    o.tracker.max_interval_s = 1;
    return o;
  }

  // A submission with one jobscript; returns its staged copy's directory.
  fs::path submission(const std::string& script, const std::string& name = "sub") {
    fs::path d = dir_ / name;
    fs::create_directories(d);
    std::ofstream(d / "job.sh") << script;
    return d;
  }

  RunResult run(SlurmExecutor& ex, const fs::path& sub, double timeout_s = 120,
                std::uint64_t output_limit = 1 << 20, std::vector<std::string> collect = {}) {
    fs::path ws = ex.prepare_workspace(sub);
    RunRequest req;
    req.id = run_id_;
    req.jobscript = "job.sh";
    req.workdir = ws;
    req.env = cluster_env();
    req.timeout_s = timeout_s;
    req.job_limits = limits_;
    req.output_limit = output_limit;
    req.collect = std::move(collect);
    RunResult r = ex.run(req);
    ex.release_workspace(ws);
    EXPECT_FALSE(fs::exists(ws)) << "the job's directory outlives release_workspace";
    return r;
  }

  std::string squeue_state(const std::string& job_id) {
    RunRequest q;
    q.argv = {"squeue", "-h", "-t", "all", "-j", job_id, "-o", "%T"};
    q.workdir = "/";
    q.env = cluster_env();
    std::string s = transport_.run(q).out.data;
    while (!s.empty() && s.back() == '\n') s.pop_back();
    return s;
  }

  LocalTransport transport_;
  fs::path dir_;
  JobLimits limits_;            // what run()'s jobs may ask for: the rubric's defaults unless a test says
  std::string run_id_ = "job";  // run()'s run id; its job is named grader-ID
};

TEST_F(SlurmExecutorTest, CompletedJobIsOkWithItsAccounting) {
  SlurmExecutor ex(transport_, options());
  auto r = run(ex, submission("#!/bin/bash\n#SBATCH -A naiss2024-22-107\n#SBATCH -t 00:05:00\n"
                              "echo hello from $SLURM_JOB_ID in $(basename $PWD)\necho to stderr >&2\n"));
  ASSERT_EQ(r.status, RunStatus::Ok) << r.message << r.err.data;
  EXPECT_EQ(r.exit_code, 0);
  ASSERT_TRUE(r.slurm);
  const auto& a = *r.slurm;
  EXPECT_TRUE(std::regex_match(a.job_id, std::regex("[0-9]+")));
  EXPECT_EQ(r.out.data, "hello from " + a.job_id + " in ws\n");
  EXPECT_EQ(r.err.data, "to stderr\n");
  EXPECT_EQ(a.state, "COMPLETED");
  EXPECT_EQ(a.exit_code, "0:0");
  EXPECT_EQ(a.cluster, "gradertest");
  EXPECT_EQ(a.partition, "main");
  EXPECT_EQ(a.account, "naiss2024-22-107");
  EXPECT_EQ(a.time_limit, "00:05:00");
  EXPECT_NE(a.alloc_tres.find("cpu=1"), std::string::npos) << a.alloc_tres;
  EXPECT_EQ(r.wall_s, a.elapsed_s);
  EXPECT_GE(a.queue_wait_s, 0);
}

TEST_F(SlurmExecutorTest, ExitCodeThreeIsANonzeroExit) {
  SlurmExecutor ex(transport_, options());
  auto r = run(ex, submission("#!/bin/bash\necho failing\nexit 3\n"));
  EXPECT_EQ(r.status, RunStatus::NonzeroExit) << r.message;
  EXPECT_EQ(r.exit_code, 3);
  ASSERT_TRUE(r.slurm);
  EXPECT_EQ(r.slurm->exit_code, "3:0");
  EXPECT_EQ(r.slurm->state, "FAILED");
  EXPECT_EQ(r.out.data, "failing\n");
}

TEST_F(SlurmExecutorTest, RubricTimeoutCancelsARunningJob) {
  SlurmExecutor ex(transport_, options());
  auto start = Clock::now();
  auto r = run(ex, submission("#!/bin/bash\necho started\nsleep 120\necho never\n"), 3);
  double took = std::chrono::duration<double>(Clock::now() - start).count();
  EXPECT_EQ(r.status, RunStatus::Timeout) << r.message;
  EXPECT_NE(r.message.find("timeout of 3 s"), std::string::npos) << r.message;
  EXPECT_EQ(r.out.data, "started\n");
  ASSERT_TRUE(r.slurm);
  EXPECT_EQ(r.slurm->state.rfind("CANCELLED", 0), 0u) << r.slurm->state;
  EXPECT_LT(took, 45) << "a cancel must not take Slurm's KillWait many times over";
}

TEST_F(SlurmExecutorTest, MemoryOverTheJobsLimitIsTheMemoryLimit) {
  // The test cluster enforces --mem as the clusters do, with a cgroup memory limit (task/cgroup):
  // the job ends OUT_OF_MEMORY. On a host without a v1 memory hierarchy ci/cluster falls back to
  // jobacct_gather's OverMemoryKill: FAILED 0:9 and slurmstepd's banner. Either is the limit.
  std::ifstream conf_file(std::getenv("SLURM_CONF"));
  std::stringstream conf;
  conf << conf_file.rdbuf();
  const bool cgroup = conf.str().find("\nTaskPlugin=task/cgroup\n") != std::string::npos;
  SlurmExecutor ex(transport_, options());
  auto r =
      run(ex, submission("#!/bin/bash\n#SBATCH --mem=50M\n"
                         "python3 -c 'import time; a = bytearray(400 * 1024 * 1024); time.sleep(10)'\n"));
  EXPECT_EQ(r.status, RunStatus::MemoryLimit) << r.message << r.err.data;
  ASSERT_TRUE(r.slurm);
  if (cgroup) {
    EXPECT_EQ(r.slurm->state, "OUT_OF_MEMORY") << r.message;
    EXPECT_NE(r.message.find("ran out of memory (sacct: OUT_OF_MEMORY"), std::string::npos) << r.message;
  } else {
    EXPECT_EQ(r.slurm->state, "FAILED") << r.message;
    EXPECT_NE(r.message.find("exceeding its memory limit"), std::string::npos) << r.message;
  }
}

TEST_F(SlurmExecutorTest, JobscriptTheClusterRefusesIsAGradedFailure) {
  SlurmExecutor ex(transport_, options());
  auto r = run(ex, submission("#!/bin/bash\n#SBATCH -c 99\necho hi\n"));
  EXPECT_EQ(r.status, RunStatus::NonzeroExit) << r.message;
  EXPECT_NE(r.message.find("sbatch refused the jobscript"), std::string::npos) << r.message;
  EXPECT_NE(r.err.data.find("More processors requested than permitted"), std::string::npos) << r.err.data;
  EXPECT_FALSE(r.slurm);
}

TEST_F(SlurmExecutorTest, MissingJobscriptIsAGradedFailure) {
  SlurmExecutor ex(transport_, options());
  fs::path d = dir_ / "empty";
  fs::create_directories(d);
  std::ofstream(d / "other.sh") << "#!/bin/bash\n";
  auto r = run(ex, d);
  EXPECT_EQ(r.status, RunStatus::NonzeroExit);
  EXPECT_NE(r.message.find("no jobscript 'job.sh'"), std::string::npos) << r.message;
}

TEST_F(SlurmExecutorTest, JobStuckPendingIsARunnerErrorAndCancelled) {
  SlurmExecutor ex(transport_, options());
  // Partition closed takes jobs and never starts them (ci/cluster).
  auto r = run(ex, submission("#!/bin/bash\n#SBATCH -p closed\necho too late\n"), 2);
  EXPECT_EQ(r.status, RunStatus::RunnerError) << r.message;
  EXPECT_NE(r.message.find("stuck PENDING (reason PartitionDown)"), std::string::npos) << r.message;
  ASSERT_TRUE(r.slurm);
  EXPECT_EQ(squeue_state(r.slurm->job_id), "CANCELLED") << "the grader leaves no job behind";
}

TEST_F(SlurmExecutorTest, SchedulerDownAtSubmitIsARunnerError) {
  // A copy of the cluster's config that points at a port where no slurmctld listens: the real
  // cluster stays up for the tests running beside this one.
  fs::path conf_dir = dir_ / "deadconf";
  fs::create_directories(conf_dir);
  std::ifstream in(std::getenv("SLURM_CONF"));
  std::stringstream conf;
  conf << in.rdbuf();
  std::string text = std::regex_replace(conf.str(), std::regex("SlurmctldPort=[0-9]+"), "SlurmctldPort=9");
  std::ofstream(conf_dir / "slurm.conf") << text;
  fs::copy_file(fs::path(std::getenv("SLURM_CONF")).parent_path() / "gres.conf", conf_dir / "gres.conf");
  SlurmOptions o = options();
  o.command_env["SLURM_CONF"] = (conf_dir / "slurm.conf").string();
  o.submit_timeout_s = 30;
  SlurmExecutor ex(transport_, o);
  auto start = Clock::now();
  auto r = run(ex, submission("#!/bin/bash\necho hi\n"));
  EXPECT_EQ(r.status, RunStatus::RunnerError) << r.message;
  EXPECT_NE(r.message.find("Unable to contact slurm controller"), std::string::npos) << r.message;
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(35));
}

TEST_F(SlurmExecutorTest, SchedulerDownWhileWaitingIsARunnerError) {
  // The job was submitted to the real cluster; the tracker then asks a dead controller.
  SlurmExecutor real(transport_, options());
  fs::path conf_dir = dir_ / "deadconf";
  fs::create_directories(conf_dir);
  std::ifstream in(std::getenv("SLURM_CONF"));
  std::stringstream conf;
  conf << in.rdbuf();
  std::ofstream(conf_dir / "slurm.conf")
      << std::regex_replace(conf.str(), std::regex("SlurmctldPort=[0-9]+"), "SlurmctldPort=9");
  std::map<std::string, std::string> dead = cluster_env();
  dead["SLURM_CONF"] = (conf_dir / "slurm.conf").string();
  slurm::TrackerOptions t;
  t.min_interval_s = 0.05;
  t.query_timeout_s = 2;  // squeue retries a dead controller for ~18 s; the tracker does not wait
  t.max_query_failures = 2;
  slurm::JobTracker tracker(
      [&](const std::vector<std::string>& argv, double timeout_s) {
        RunRequest q;
        q.argv = argv;
        q.workdir = "/";
        q.env = dead;
        q.timeout_s = timeout_s;
        RunResult r = transport_.run(q);
        slurm::CommandOutput o;
        o.ran = r.status == RunStatus::Ok || r.status == RunStatus::NonzeroExit;
        o.exit_code = r.exit_code.value_or(-1);
        o.out = r.out.data;
        o.err = r.err.data;
        if (!o.ran) o.error = "squeue did not answer within 2 s";
        return o;
      },
      t);
  auto start = Clock::now();
  auto oc = tracker.wait("999999", Clock::now() + std::chrono::seconds(60));
  EXPECT_EQ(oc.kind, slurm::JobOutcome::Kind::SchedulerError);
  EXPECT_NE(oc.error.find("did not answer 2 queries in a row"), std::string::npos) << oc.error;
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(20));
}

TEST_F(SlurmExecutorTest, ManyJobsShareOneQueueQueryPerRound) {
  SlurmExecutor ex(transport_, options());
  const int n = 8;
  std::vector<fs::path> subs;
  for (int i = 0; i < n; ++i)
    subs.push_back(
        submission("#!/bin/bash\necho job " + std::to_string(i) + "\nsleep 1\n", "s" + std::to_string(i)));
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < n; ++i)
    threads.emplace_back([&, i] {
      auto r = run(ex, subs[static_cast<std::size_t>(i)]);
      if (r.status == RunStatus::Ok && r.out.data == "job " + std::to_string(i) + "\n") ++ok;
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok, n);
  auto st = ex.stats();
  EXPECT_EQ(st.squeue_queries, st.rounds) << "one squeue per poll round";
  EXPECT_GE(st.max_jobs_per_query, 2u) << "jobs in flight together are asked about together";
  EXPECT_LE(st.sacct_queries, st.rounds);
}

TEST_F(SlurmExecutorTest, GpuRequestIsAccountingNotUse) {
  SlurmExecutor ex(transport_, options());
  limits_.gpus = 1;
  auto r = run(ex, submission("#!/bin/bash\n#SBATCH -p gpu\n#SBATCH --gres=gpu:1\necho gpu job\n"));
  ASSERT_EQ(r.status, RunStatus::Ok) << r.message << r.err.data;
  ASSERT_TRUE(r.slurm);
  EXPECT_EQ(r.slurm->partition, "gpu");
  EXPECT_NE(r.slurm->alloc_tres.find("gres/gpu=1"), std::string::npos) << r.slurm->alloc_tres;
}

TEST_F(SlurmExecutorTest, OutputIsCappedAndFilesCollected) {
  SlurmExecutor ex(transport_, options());
  auto r = run(ex, submission("#!/bin/bash\nhead -c 100000 /dev/zero | tr '\\0' x\necho 42 > result.txt\n"),
               120, 1000, {"result.txt", "absent.txt"});
  ASSERT_EQ(r.status, RunStatus::Ok) << r.message;
  EXPECT_TRUE(r.out.truncated);
  EXPECT_EQ(r.out.data.size(), 1000u);
  EXPECT_EQ(r.out.total_bytes, 100000u);
  ASSERT_TRUE(r.files.count("result.txt"));
  EXPECT_TRUE(r.files["result.txt"].exists);
  EXPECT_EQ(r.files["result.txt"].data, "42\n");
  EXPECT_FALSE(r.files["absent.txt"].exists);
}

TEST_F(SlurmExecutorTest, CollectedFilesNeverLeaveTheWorkspace) {
  // The job runs as the grader's user on the cluster: a symlink it leaves must not make the
  // grader read that user's files (its ~/.ssh, /etc/shadow as root) into a report.
  SlurmExecutor ex(transport_, options());
  auto r = run(ex,
               submission("#!/bin/bash\nln -s /etc/shadow shadow.txt\nln -s \"$HOME\" home\n"
                          "echo inside > real.txt\nln -s real.txt link.txt\nmkdir dir\n"),
               120, 1 << 20, {"shadow.txt", "home/.bashrc", "link.txt", "dir"});
  ASSERT_EQ(r.status, RunStatus::Ok) << r.message << r.err.data;
  EXPECT_FALSE(r.files["shadow.txt"].exists) << r.files["shadow.txt"].data;
  EXPECT_FALSE(r.files["home/.bashrc"].exists);
  EXPECT_FALSE(r.files["dir"].exists);
  EXPECT_TRUE(r.files["link.txt"].exists) << "a link inside the workspace is fine";
  EXPECT_EQ(r.files["link.txt"].data, "inside\n");

  // Nor can it swap the output file Slurm writes beside the workspace for such a link.
  auto swapped = run(ex, submission("#!/bin/bash\necho visible\nfor f in ../*.out; do rm -f \"$f\"; "
                                    "ln -s /etc/shadow \"$f\"; done\n",
                                    "swap"));
  // Contained, the job cannot even reach the file (Landlock; JOBDIR is the grader's): its output
  // is read back whole. Uncontained, the link would read as absent: never /etc/shadow.
  EXPECT_EQ(swapped.out.data.find("root:"), std::string::npos) << swapped.out.data;
  EXPECT_EQ(swapped.out.data, "visible\n") << swapped.err.data;
  EXPECT_NE(swapped.err.data.find("Permission denied"), std::string::npos) << swapped.err.data;
}

TEST_F(SlurmExecutorTest, NothingIsSubmittedAfterCancelAll) {
  // Ctrl-C: a grading thread that reaches sbatch after the interrupt must not leave a job behind.
  SlurmExecutor ex(transport_, options());
  EXPECT_EQ(ex.cancel_all("the grader was interrupted (Interrupt)"), 0u);
  auto r = run(ex, submission("#!/bin/bash\necho never\n"));
  EXPECT_EQ(r.status, RunStatus::RunnerError) << r.message;
  EXPECT_NE(r.message.find("not submitted: the grader was interrupted"), std::string::npos) << r.message;
  EXPECT_FALSE(r.slurm);
}

TEST_F(SlurmExecutorTest, PreemptedJobIsARunnerError) {
  // ci/cluster's partition urgent preempts (cancels) jobs in partition scavenger. Once squeue
  // says the job runs, the test submits an urgent job that needs the whole node. (The job runs as
  // nobody, contained where the node allows it: it cannot tell the test itself that it started.)
  SlurmExecutor ex(transport_, options());
  run_id_ = "preempted-" + std::to_string(::getpid());
  RunResult r;
  std::thread grading([&] {
    r = run(ex,
            submission("#!/bin/bash\n#SBATCH -p scavenger\n#SBATCH --exclusive\n#SBATCH -t 10\nsleep 300\n"),
            240);
  });
  const auto deadline = Clock::now() + std::chrono::seconds(180);
  bool running = false;
  while (!running && Clock::now() < deadline) {
    RunRequest q;
    q.argv = {"squeue", "-h", "-t", "running", "-n", "grader-" + run_id_, "-o", "%i"};
    q.workdir = "/";
    q.env = cluster_env();
    running = !transport_.run(q).out.data.empty();
    if (!running) std::this_thread::sleep_for(std::chrono::milliseconds(200));  // polls squeue's state
  }
  EXPECT_TRUE(running) << "the scavenger job did not start within 180 s";
  if (running) {
    // Running: now a job that needs its node. (If a job of a test beside this one preempted it
    // first, the outcome is the same.)
    RunRequest urgent;
    urgent.argv = {"sbatch", "-p", "urgent", "--exclusive", "-t", "1", "-o", "/dev/null", "--wrap", "true"};
    urgent.workdir = "/";
    urgent.env = cluster_env();
    RunResult sb = transport_.run(urgent);
    EXPECT_EQ(sb.status, RunStatus::Ok) << sb.err.data;
  } else {
    ex.cancel_all("the test gave up");
  }
  grading.join();
  EXPECT_EQ(r.status, RunStatus::RunnerError) << r.message;
  EXPECT_NE(r.message.find("preempted by a higher-priority job (PREEMPTED)"), std::string::npos) << r.message;
  ASSERT_TRUE(r.slurm);
  EXPECT_EQ(r.slurm->state, "PREEMPTED");
  EXPECT_EQ(r.slurm->partition, "scavenger");
}

// ---- command runs as job array tasks ----

// Runs `requests` from as many threads at once, as grade --jobs does, each in a workspace of its
// own prepared by the executor; returns the results in order.
std::vector<RunResult> run_together(SlurmExecutor& ex, std::vector<RunRequest> requests,
                                    const fs::path& sub) {
  std::vector<RunResult> results(requests.size());
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < requests.size(); ++i)
    threads.emplace_back([&, i] {
      fs::path ws = ex.prepare_workspace(sub);
      if (requests[i].workdir.empty()) requests[i].workdir = ws;
      results[i] = ex.run(requests[i]);
      ex.release_workspace(ws);
    });
  for (auto& t : threads) t.join();
  return results;
}

RunRequest command(std::vector<std::string> argv, double timeout_s = 60) {
  RunRequest r;
  r.id = "cmd";
  r.argv = std::move(argv);
  r.env = cluster_env();
  r.timeout_s = timeout_s;
  return r;
}

TEST_F(SlurmExecutorTest, CommandRunsDueTogetherAreOneArray) {
  SlurmExecutor ex(transport_, options());
  ArrayOptions arrays;
  arrays.expected = 4;
  arrays.gather_quiet_s = 30;  // so that only the count closes the batch: all four must be in it
  arrays.gather_max_s = 60;
  ex.run_commands_as_arrays(arrays);
  fs::path sub = dir_ / "sub";
  fs::create_directories(sub);
  std::ofstream(sub / "given.txt") << "given\n";

  RunRequest echo =
      command({"python3", "-c",
               "import os, sys; print(sys.stdin.read().upper(), os.environ['GREETING'], sys.argv[1], "
               "open('given.txt').read().strip())",
               "it's $HOME; `true`"});
  echo.stdin_data = "from stdin";
  echo.env["GREETING"] = "hej då";
  RunRequest fail = command({"sh", "-c", "echo partial > out.txt; echo oops >&2; exit 3"});
  fail.collect = {"out.txt"};
  RunRequest killed = command({"sh", "-c", "kill -TERM $$"});
  RunRequest slow = command({"sleep", "30"}, 1.5);

  auto r = run_together(ex, {echo, fail, killed, slow}, sub);

  ASSERT_EQ(r[0].status, RunStatus::Ok) << r[0].message << r[0].err.data;
  EXPECT_EQ(r[0].out.data, "FROM STDIN hej då it's $HOME; `true` given\n");
  EXPECT_GT(r[0].wall_s, 0);
  EXPECT_LT(r[0].wall_s, 10);

  ASSERT_EQ(r[1].status, RunStatus::NonzeroExit) << r[1].message << r[1].err.data;
  EXPECT_EQ(r[1].exit_code, 3);
  EXPECT_EQ(r[1].err.data, "oops\n");
  ASSERT_TRUE(r[1].files.count("out.txt"));
  EXPECT_EQ(r[1].files["out.txt"].data, "partial\n");

  ASSERT_EQ(r[2].status, RunStatus::Signaled) << r[2].message << r[2].err.data;
  EXPECT_EQ(r[2].signal, 15);

  ASSERT_EQ(r[3].status, RunStatus::Timeout) << r[3].message << r[3].err.data;
  EXPECT_GE(r[3].wall_s, 1.5);
  EXPECT_LT(r[3].wall_s, 10);

  // One array, four tasks: JOB_0 .. JOB_3 in arrival order.
  std::set<std::string> arrays_seen;
  std::set<std::string> tasks;
  for (const auto& x : r) {
    ASSERT_TRUE(x.slurm) << x.message;
    std::smatch m;
    ASSERT_TRUE(std::regex_match(x.slurm->job_id, m, std::regex("([0-9]+)_([0-3])"))) << x.slurm->job_id;
    arrays_seen.insert(m[1]);
    tasks.insert(m[2]);
    EXPECT_EQ(x.slurm->cluster, "gradertest");
  }
  EXPECT_EQ(arrays_seen.size(), 1u);
  EXPECT_EQ(tasks.size(), 4u);
  auto st = ex.array_stats();
  EXPECT_EQ(st.arrays, 1u);
  EXPECT_EQ(st.tasks, 4u);
  EXPECT_EQ(ex.stats().squeue_queries, ex.stats().rounds) << "one squeue per poll round for all tasks";
}

TEST_F(SlurmExecutorTest, ArrayTasksWithOtherLimitsGoToAnotherArray) {
  SlurmExecutor ex(transport_, options());
  ArrayOptions arrays;
  arrays.expected = 2;
  arrays.gather_quiet_s = 1;
  ex.run_commands_as_arrays(arrays);
  fs::path sub = dir_ / "sub";
  fs::create_directories(sub);
  RunRequest hog = command({"python3", "-c", "x = bytearray(400 * 1024 * 1024)"});
  hog.memory_bytes = 100ull << 20;
  RunRequest fine = command({"true"});
  auto r = run_together(ex, {hog, fine}, sub);
  ASSERT_EQ(r[0].status, RunStatus::MemoryLimit) << r[0].message << r[0].err.data;
  EXPECT_NE(r[0].message.find("100 MiB"), std::string::npos) << r[0].message;
  ASSERT_EQ(r[1].status, RunStatus::Ok) << r[1].message << r[1].err.data;
  ASSERT_TRUE(r[0].slurm && r[1].slurm);
  EXPECT_NE(r[0].slurm->job_id.substr(0, r[0].slurm->job_id.find('_')),
            r[1].slurm->job_id.substr(0, r[1].slurm->job_id.find('_')));
  EXPECT_EQ(ex.array_stats().arrays, 2u);
}

TEST_F(SlurmExecutorTest, ArrayTaskWithoutItsWorkspaceIsARunnerError) {
  SlurmExecutor ex(transport_, options());
  ex.run_commands_as_arrays({});
  RunRequest r = command({"true"});
  r.workdir = dir_ / "not-uploaded";
  RunResult res = ex.run(r);
  ASSERT_EQ(res.status, RunStatus::RunnerError) << res.message;
  EXPECT_NE(res.message.find("not there on the compute node"), std::string::npos) << res.message;
}

TEST_F(SlurmExecutorTest, CommandRunsAreRefusedUnlessArraysAreOn) {
  SlurmExecutor ex(transport_, options());
  RunRequest r = command({"true"});
  r.workdir = dir_;
  RunResult res = ex.run(r);
  EXPECT_EQ(res.status, RunStatus::RunnerError);
  EXPECT_NE(res.message.find("has a command"), std::string::npos) << res.message;
}

// Issue 12 §3, as a new user tried it: `#SBATCH --array=1-20` made the grader lose track of its
// job, and the 20 tasks ran on. Now it is the learner's failure, and Slurm never sees the job.
TEST_F(SlurmExecutorTest, ArrayJobIsRefusedAndNothingIsSubmitted) {
  SlurmExecutor ex(transport_, options());
  run_id_ = "array-escape";
  RunResult r = run(ex, submission("#!/bin/bash\n#SBATCH -A naiss2024-22-107\n#SBATCH -t 00:05:00\n"
                                   "#SBATCH --array=1-20\n#SBATCH --mail-type=END\n"
                                   "touch " +
                                   (dir_ / "ran").string() + "-$SLURM_ARRAY_TASK_ID\n"));
  EXPECT_EQ(r.status, RunStatus::NonzeroExit) << r.message;
  EXPECT_FALSE(r.slurm) << "no job, so no accounting";
  EXPECT_EQ(
      r.message,
      "not submitted: the jobscript asks for what a graded job may not have\n"
      "  job.sh:4: `#SBATCH --array=1-20` is not allowed in a graded job: it makes one job per index, which "
      "the grader does not follow; submit a single job\n"
      "  job.sh:5: `#SBATCH --mail-type=END` is not allowed in a graded job: a graded job sends no mail: the "
      "grader watches it");
  RunRequest q;
  q.argv = {"squeue", "-h", "-n", "grader-array-escape", "-o", "%i"};
  q.workdir = "/";
  q.env = cluster_env();
  RunResult queued = transport_.run(q);
  ASSERT_EQ(queued.status, RunStatus::Ok) << queued.err.data;
  EXPECT_EQ(queued.out.data, "") << "the array was submitted anyway";
}

// What a job asks for is held to the run's job_limits before it goes to Slurm.
TEST_F(SlurmExecutorTest, JobBeyondItsLimitsIsRefusedBeforeSubmission) {
  SlurmExecutor ex(transport_, options());
  limits_.time_s = 600;
  RunResult r = run(ex, submission("#!/bin/bash\n#SBATCH -A naiss2024-22-107\n#SBATCH -t 10:00:00\n"
                                   "#SBATCH -N 2\necho hi\n"));
  EXPECT_EQ(r.status, RunStatus::NonzeroExit) << r.message;
  EXPECT_NE(
      r.message.find("job.sh:3: `#SBATCH -t 10:00:00` asks for 10 h; a graded job may run at most 10 min"),
      std::string::npos)
      << r.message;
  EXPECT_NE(r.message.find("job.sh:4: `#SBATCH -N 2` asks for 2 nodes; a graded job may use at most 1"),
            std::string::npos)
      << r.message;
}

// Issue 12 §3, as a new user tried it: the jobscript sbatch'ed a 5-minute job of its own, still
// queued after the grading had ended. Now the grader finds it when the graded job ends, cancels
// it, and the report says so.
TEST_F(SlurmExecutorTest, JobsTheJobSubmittedAreCancelledWhenItEnds) {
  SlurmExecutor ex(transport_, options());
  auto r = run(ex, submission("#!/bin/bash\n#SBATCH -A naiss2024-22-107\n#SBATCH -t 00:05:00\n"
                              "sbatch --parsable -A naiss2024-22-107 -t 00:05:00 -o /dev/null "
                              "--wrap 'sleep 300'\n"));
  ASSERT_EQ(r.status, RunStatus::Ok) << r.message << r.err.data;
  ASSERT_TRUE(r.slurm);
  std::string inner = r.out.data;
  while (!inner.empty() && (inner.back() == '\n' || inner.back() == ' ')) inner.pop_back();
  ASSERT_TRUE(std::regex_match(inner, std::regex("[0-9]+"))) << "the inner sbatch printed: " << r.out.data;
  EXPECT_EQ(r.slurm->leftover_jobs, std::vector<std::string>{inner});
  EXPECT_NE(r.message.find("the job submitted 1 job of its own (" + inner + ")"), std::string::npos)
      << r.message;
  // Cancelled, not just noted: squeue shows it ended (or has forgotten it), never pending or running.
  std::string state = squeue_state(inner);
  EXPECT_TRUE(state.empty() || state == "CANCELLED" || state == "COMPLETING") << inner << " is " << state;
}

// Issue 12 §3, as a new user tried it: with --runner local the job ran as root. The grader's
// login here is root (as in CI, where the test cluster needs it); its jobs run as nobody, in a
// workspace that user may write, and the report says whom.
TEST_F(SlurmExecutorTest, JobsOfARootLoginRunAsNobodyNeverRoot) {
  ASSERT_EQ(::geteuid(), 0u) << "the test cluster and this test need the grader to run as root";
  SlurmExecutor ex(transport_, options());
  auto r = run(ex, submission("#!/bin/bash\n#SBATCH -A naiss2024-22-107\n#SBATCH -t 00:05:00\n"
                              "id -u; id -un; touch made && echo wrote\n"));
  ASSERT_EQ(r.status, RunStatus::Ok) << r.message << r.err.data;
  EXPECT_EQ(r.out.data, "65534\nnobody\nwrote\n");
  ASSERT_TRUE(r.slurm);
  EXPECT_EQ(r.slurm->user, "nobody");
}

// Rather no job at all than one run as root: a user that the login node does not know stops
// the workspace from being made, saying why.
TEST_F(SlurmExecutorTest, UnknownJobUserOfARootLoginSubmitsNothing) {
  SlurmOptions o = options();
  o.root_job_user = "no-such-user-for-grader";
  SlurmExecutor ex(transport_, o);
  try {
    ex.prepare_workspace(submission("#!/bin/bash\necho hi\n"));
    FAIL() << "a workspace was made for a job that would run as root";
  } catch (const TransportError& e) {
    EXPECT_NE(std::string(e.what()).find("no graded job runs as root, but user 'no-such-user-for-grader'"),
              std::string::npos)
        << e.what();
  }
}

// Issue 12 §3: one learner's job must not read another's workspace. Both run as nobody, so
// only the containment of the job's shell part (grader-contain: Landlock) keeps them apart; the
// other workspace is staged and never run, so the test does not depend on two jobs overlapping.
TEST_F(SlurmExecutorTest, OneJobCannotReadAnothersWorkspace) {
  SlurmExecutor ex(transport_, options());
  fs::path other = submission("#!/bin/bash\necho other\n", "other");
  std::ofstream(other / "answer.txt") << "the other learner's answer\n";
  fs::path other_ws = ex.prepare_workspace(other);
  ASSERT_TRUE(fs::exists(other_ws / "answer.txt"));
  auto r = run(ex, submission("#!/bin/bash\n#SBATCH -A naiss2024-22-107\n#SBATCH -t 00:05:00\n"
                              "cat '" +
                              (other_ws / "answer.txt").string() +
                              "' && echo READ || echo DENIED\n"
                              "ls '" +
                              other_ws.parent_path().parent_path().string() +
                              "' >/dev/null 2>&1 && echo LISTED\n"
                              "echo mine > mine.txt && cat mine.txt\n"));
  ex.release_workspace(other_ws);
  ASSERT_EQ(r.status, RunStatus::Ok) << r.message << r.err.data;
  EXPECT_EQ(r.out.data, "DENIED\nmine\n") << r.err.data;
  EXPECT_NE(r.err.data.find("Permission denied"), std::string::npos) << r.err.data;
  ASSERT_TRUE(r.slurm);
  EXPECT_EQ(r.slurm->isolation,
            (std::vector<std::string>{"no_new_privs", "rlimits", "landlock", "landlock_scope", "seccomp"}))
      << "this machine's kernel has Landlock ABI 7 (docs/security.md); notes: "
      << (r.slurm->isolation_notes.empty() ? "" : r.slurm->isolation_notes[0]);
}

// Issue 12 §3, as a new user tried it: the job wrote files into the machine's /tmp. Contained,
// it writes its workspace and its own TMPDIR (beside the workspace, removed with it), and the
// host's /tmp is read-only to it.
TEST_F(SlurmExecutorTest, ContainedJobWritesItsWorkspaceAndTmpdirNotTheHostsTmp) {
  SlurmExecutor ex(transport_, options());
  const std::string leak = "/tmp/grader-test-leak-" + std::to_string(::getpid());
  auto r = run(ex, submission("#!/bin/bash\n#SBATCH -A naiss2024-22-107\n#SBATCH -t 00:05:00\n"
                              "echo a > \"$TMPDIR/scratch\" && echo tmpdir-ok\n"
                              "echo b > '" +
                              leak +
                              "' 2>/dev/null || echo host-tmp-refused\n"
                              "case \"$TMPDIR\" in \"$(dirname \"$PWD\")\"/tmp) echo beside-ws;; esac\n"));
  ASSERT_EQ(r.status, RunStatus::Ok) << r.message << r.err.data;
  EXPECT_EQ(r.out.data, "tmpdir-ok\nhost-tmp-refused\nbeside-ws\n") << r.err.data;
  EXPECT_FALSE(fs::exists(leak));
}

// Where grader-contain is missing, or does not run on the node, the job still runs, as it would
// without the grader, and the report says that nothing contained it: never claimed.
TEST_F(SlurmExecutorTest, UncontainedJobSaysWhyNothingWasInForce) {
  fs::path not_elf = dir_ / "grader-contain";
  std::ofstream(not_elf) << "not a program for this node\n";
  for (std::string binary : {std::string(), not_elf.string()}) {
    SlurmOptions o = options();
    o.contain_binary = binary;
    SlurmExecutor ex(transport_, o);
    auto r = run(ex, submission("#!/bin/bash\n#SBATCH -A naiss2024-22-107\n#SBATCH -t 00:05:00\necho ran\n",
                                binary.empty() ? "none" : "bad"));
    ASSERT_EQ(r.status, RunStatus::Ok) << r.message << r.err.data;
    EXPECT_EQ(r.out.data, "ran\n");
    ASSERT_TRUE(r.slurm);
    EXPECT_TRUE(r.slurm->isolation.empty());
    ASSERT_EQ(r.slurm->isolation_notes.size(), 1u);
    EXPECT_NE(r.slurm->isolation_notes[0].find(binary.empty() ? "grader-contain was not found"
                                                              : "grader-contain does not run on this node"),
              std::string::npos)
        << r.slurm->isolation_notes[0];
  }
}

}  // namespace
}  // namespace grader
