// JobTracker against a scripted scheduler: the command runner answers squeue/sacct/scancel the
// way the real tools do (formats as in tests/unit/data/slurm_*), so the tracker's rounds, its
// one-query-per-round rule, deadlines and scheduler faults can be checked without a cluster.
// Faults the test cluster cannot produce (NODE_FAIL, PREEMPTED) are scripted here.
#include "runners/slurm/job_tracker.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

namespace grader::slurm {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// Each job advances one step of its script per squeue query that names it.
struct FakeJob {
  std::vector<std::string> states;  // squeue states, one per round; the last one sticks
  std::string reason = "None";
  std::string final_exit = "0:0";
  bool batch_row = true;
  std::size_t step = 0;
};

class FakeScheduler {
 public:
  std::map<std::string, FakeJob> jobs;
  bool down = false;
  bool purged = false;  // squeue no longer knows any job
  std::vector<std::size_t> squeue_sizes;
  std::vector<std::string> cancelled;
  int sacct_calls = 0;

  CommandOutput operator()(const std::vector<std::string>& argv, double) {
    std::lock_guard<std::mutex> lock(mu_);
    CommandOutput r;
    r.ran = true;
    if (argv[0] == "scancel") {
      for (std::size_t i = 1; i < argv.size(); ++i) {
        cancelled.push_back(argv[i]);
        if (jobs.count(argv[i])) jobs[argv[i]].states = {"CANCELLED"};
      }
      return r;
    }
    // squeue and sacct both name their jobs after -j.
    auto j = std::find(argv.begin(), argv.end(), "-j");
    EXPECT_TRUE(j != argv.end() && j + 1 != argv.end()) << argv[0] << " without -j";
    if (j == argv.end() || j + 1 == argv.end()) return r;
    auto ids = split(*(j + 1));
    if (down) {
      r.exit_code = 1;
      r.err = "slurm_load_jobs error: Unable to contact slurm controller (connect failure)\n";
      return r;
    }
    std::ostringstream out;
    if (argv[0] == "squeue") {
      squeue_sizes.push_back(ids.size());
      if (purged) {
        r.exit_code = 1;
        r.err = "slurm_load_jobs error: Invalid job id specified\n";
        return r;
      }
      for (const auto& id : ids) {
        FakeJob& j = jobs.at(id);
        const std::string& s = j.states[std::min(j.step, j.states.size() - 1)];
        ++j.step;
        out << id << "|" << s << "|" << (s == "PENDING" ? j.reason : "None")
            << "|main|naiss2024-22-107|5:00|1795500935|1795500936|1795500937|cpu=1,mem=2000M,node=1,billing="
               "1|"
               "gradertest|\n";
      }
    } else {
      ++sacct_calls;
      for (const auto& id : ids) {
        FakeJob& j = jobs.at(id);
        const std::string& s = j.states.back();
        out << id << "|" << s << "|" << j.final_exit
            << "|1|00:00.021||billing=1,cpu=1,mem=2000M,node=1|main|naiss2024-22-107|gradertest|00:05:00|"
               "1795500935|1795500936|1795500937|None\n";
        if (j.batch_row)
          out << id << ".batch|" << (s == "COMPLETED" ? "COMPLETED" : "CANCELLED") << "|" << j.final_exit
              << "|1|00:00.021|11416K|cpu=1,mem=2000M,node=1||naiss2024-22-107|gradertest||1795500936|"
                 "1795500936|"
                 "1795500937|\n";
      }
    }
    r.out = out.str();
    return r;
  }

 private:
  static std::vector<std::string> split(const std::string& s) {
    std::vector<std::string> v;
    std::stringstream ss(s);
    for (std::string x; std::getline(ss, x, ',');) v.push_back(x);
    return v;
  }
  std::mutex mu_;
};

TrackerOptions fast() {
  TrackerOptions o;
  o.min_interval_s = 0.005;
  o.max_interval_s = 0.02;
  o.settle_timeout_s = 2;
  o.cancel_grace_s = 2;
  o.max_query_failures = 3;
  return o;
}

CommandRunner runner(FakeScheduler& s) {
  return [&s](const std::vector<std::string>& argv, double t) { return s(argv, t); };
}

TEST(JobTracker, ManyJobsOneQueueQueryPerRound) {
  FakeScheduler sched;
  const int n = 40;
  for (int i = 1; i <= n; ++i) {
    FakeJob j;
    // Jobs end at different rounds, so that rounds see different numbers of jobs.
    j.states = std::vector<std::string>(static_cast<std::size_t>(i % 7), "RUNNING");
    j.states.insert(j.states.begin(), "PENDING");
    j.states.push_back("COMPLETED");
    sched.jobs[std::to_string(i)] = j;
  }
  JobTracker tracker(runner(sched), fast());
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int i = 1; i <= n; ++i)
    threads.emplace_back([&, i] {
      auto oc = tracker.wait(std::to_string(i), Clock::now() + 60s);
      if (oc.kind == JobOutcome::Kind::Finished && oc.state == "COMPLETED" && oc.exit_code == "0:0" &&
          oc.started && !oc.acct.empty())
        ++ok;
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok, n);
  auto st = tracker.stats();
  EXPECT_EQ(st.squeue_queries, st.rounds);  // one queue query per round, whatever the number of jobs
  EXPECT_GT(st.max_jobs_per_query, 1u);
  EXPECT_LE(st.sacct_queries, st.rounds);
  EXPECT_LT(st.rounds, 40u);  // not one round (or query) per job
}

TEST(JobTracker, PendingPastTheDeadlineIsCancelledAsStuck) {
  FakeScheduler sched;
  FakeJob j;
  j.states = {"PENDING"};
  j.reason = "BeginTime";
  sched.jobs["7"] = j;
  JobTracker tracker(runner(sched), fast());
  auto oc = tracker.wait("7", Clock::now() + 100ms);
  EXPECT_EQ(oc.kind, JobOutcome::Kind::DeadlinePassed);
  EXPECT_FALSE(oc.started);
  EXPECT_EQ(oc.reason, "BeginTime");
  EXPECT_EQ(sched.cancelled, std::vector<std::string>{"7"});
}

TEST(JobTracker, RunningPastTheDeadlineIsCancelledAndWaitedFor) {
  FakeScheduler sched;
  FakeJob j;
  j.states = {"RUNNING"};
  sched.jobs["8"] = j;
  JobTracker tracker(runner(sched), fast());
  auto oc = tracker.wait("8", Clock::now() + 100ms);
  EXPECT_EQ(oc.kind, JobOutcome::Kind::DeadlinePassed);
  EXPECT_TRUE(oc.started);
  EXPECT_EQ(oc.state, "CANCELLED");
  EXPECT_EQ(sched.cancelled, std::vector<std::string>{"8"});
}

TEST(JobTracker, SchedulerDownFailsTheJobsWithItsMessage) {
  FakeScheduler sched;
  sched.down = true;
  sched.jobs["9"] = FakeJob{{"RUNNING"}};
  JobTracker tracker(runner(sched), fast());
  auto start = Clock::now();
  auto oc = tracker.wait("9", Clock::now() + 60s);
  EXPECT_EQ(oc.kind, JobOutcome::Kind::SchedulerError);
  EXPECT_NE(oc.error.find("did not answer 3 queries in a row"), std::string::npos) << oc.error;
  EXPECT_NE(oc.error.find("Unable to contact slurm controller"), std::string::npos) << oc.error;
  EXPECT_LT(Clock::now() - start, 5s);
  EXPECT_EQ(tracker.stats().query_failures, 3u);
}

TEST(JobTracker, NodeFailureAndPreemptionComeBackAsTheirStates) {
  FakeScheduler sched;
  sched.jobs["10"] = FakeJob{{"RUNNING", "NODE_FAIL"}};
  sched.jobs["11"] = FakeJob{{"RUNNING", "PREEMPTED"}};
  JobTracker tracker(runner(sched), fast());
  JobOutcome a, b;
  std::thread t([&] { b = tracker.wait("11", Clock::now() + 60s); });
  a = tracker.wait("10", Clock::now() + 60s);
  t.join();
  EXPECT_EQ(a.kind, JobOutcome::Kind::Finished);
  EXPECT_EQ(a.state, "NODE_FAIL");
  EXPECT_EQ(map_final_state(a.state, a.exit_code).status, RunStatus::RunnerError);
  EXPECT_EQ(b.state, "PREEMPTED");
  EXPECT_EQ(map_final_state(b.state, b.exit_code).status, RunStatus::RunnerError);
}

TEST(JobTracker, JobPurgedFromTheQueueIsSettledFromSacct) {
  FakeScheduler sched;
  sched.purged = true;
  FakeJob j{{"FAILED"}};
  j.final_exit = "3:0";
  sched.jobs["12"] = j;
  JobTracker tracker(runner(sched), fast());
  auto oc = tracker.wait("12", Clock::now() + 60s);
  EXPECT_EQ(oc.kind, JobOutcome::Kind::Finished);
  EXPECT_EQ(oc.state, "FAILED");
  EXPECT_EQ(oc.exit_code, "3:0");
}

TEST(JobTracker, CancelAllEndsEveryWait) {
  FakeScheduler sched;
  sched.jobs["13"] = FakeJob{{"RUNNING"}};
  sched.jobs["14"] = FakeJob{{"PENDING"}};
  JobTracker tracker(runner(sched), fast());
  JobOutcome a, b;
  std::thread t1([&] { a = tracker.wait("13", Clock::now() + 60s); });
  std::thread t2([&] { b = tracker.wait("14", Clock::now() + 60s); });
  // Both are registered once the scheduler has been asked about both.
  while (true) {
    {
      auto st = tracker.stats();
      if (st.max_jobs_per_query == 2) break;
    }
    std::this_thread::yield();
  }
  EXPECT_EQ(tracker.cancel_all("interrupted"), 2u);
  t1.join();
  t2.join();
  EXPECT_EQ(a.kind, JobOutcome::Kind::DeadlinePassed);
  EXPECT_NE(a.error.find("interrupted"), std::string::npos);
  EXPECT_EQ(b.kind, JobOutcome::Kind::DeadlinePassed);
  std::set<std::string> c(sched.cancelled.begin(), sched.cancelled.end());
  EXPECT_EQ(c, (std::set<std::string>{"13", "14"}));
}

}  // namespace
}  // namespace grader::slurm
