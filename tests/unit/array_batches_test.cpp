// ArrayBatches (runners/slurm/array_batches.h): runs arriving on many threads gathered into job
// array batches by shape, submitted once by their leader, cleaned up by their last member. No
// scheduler: the submit step is the test's.
#include "runners/slurm/array_batches.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <set>
#include <thread>

namespace grader::slurm {
namespace {

using Clock = std::chrono::steady_clock;

// Batches that only their count closes in time, however slowly the threads start.
ArrayOptions by_count(std::size_t expected) {
  ArrayOptions o;
  o.expected = expected;
  o.gather_quiet_s = 30;
  o.gather_max_s = 30;
  return o;
}

RunRequest run(std::optional<std::uint64_t> memory = std::nullopt) {
  RunRequest r;
  r.argv = {"python3", "main.py"};
  r.memory_bytes = memory;
  return r;
}

// `runs` joined on a thread each; the places they got back.
std::vector<ArrayBatches::Place> join_all(ArrayBatches& batches, const std::vector<RunRequest>& runs,
                                          std::atomic<int>& submits) {
  std::vector<ArrayBatches::Place> places(runs.size());
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < runs.size(); ++i) {
    threads.emplace_back([&, i] {
      places[i] = batches.join(runs[i], [&](ArrayBatch& b) {
        b.job_id = std::to_string(100 + submits++);
        b.dir = "/scratch/" + b.job_id;
      });
    });
  }
  for (auto& t : threads) t.join();
  return places;
}

TEST(ArrayBatches, ExpectedRunsMakeOneArraySubmittedAtOnce) {
  ArrayBatches batches(by_count(3));
  std::atomic<int> submits{0};
  const auto start = Clock::now();
  auto places = join_all(batches, {run(), run(), run()}, submits);
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(10));
  EXPECT_EQ(submits, 1);
  std::set<std::size_t> indices;
  for (const auto& p : places) {
    EXPECT_EQ(p.batch, places[0].batch);
    EXPECT_EQ(p.batch->job_id, "100") << "every member sees the leader's submission";
    EXPECT_TRUE(p.batch->submitted);
    indices.insert(p.index);
  }
  EXPECT_EQ(indices, (std::set<std::size_t>{0, 1, 2}));
  ArrayStats st = batches.stats();
  EXPECT_EQ(st.arrays, 1u);
  EXPECT_EQ(st.tasks, 3u);
  EXPECT_EQ(st.largest, 3u);
}

TEST(ArrayBatches, OnlyTheLastMemberToLeaveCleansUp) {
  ArrayBatches batches(by_count(2));
  std::atomic<int> submits{0};
  auto places = join_all(batches, {run(), run()}, submits);
  EXPECT_FALSE(batches.leave(*places[0].batch));
  EXPECT_TRUE(batches.leave(*places[1].batch));
}

TEST(ArrayBatches, RunsWithAnotherMemoryLimitGoToAnotherArray) {
  ArrayBatches batches(by_count(2));
  std::atomic<int> submits{0};
  auto places = join_all(batches, {run(), run(64ull << 20), run(), run(64ull << 20)}, submits);
  EXPECT_EQ(submits, 2);
  EXPECT_EQ(places[0].batch, places[2].batch);
  EXPECT_EQ(places[1].batch, places[3].batch);
  EXPECT_NE(places[0].batch, places[1].batch);
  EXPECT_EQ(places[0].batch->runs.size(), 2u);
  EXPECT_EQ(batches.stats().arrays, 2u);
}

TEST(ArrayBatches, QuietTimeSubmitsWhatArrived) {
  ArrayOptions o;
  o.expected = 50;
  o.gather_quiet_s = 0.05;
  ArrayBatches batches(o);
  std::atomic<int> submits{0};
  auto places = join_all(batches, {run()}, submits);
  EXPECT_EQ(submits, 1);
  EXPECT_EQ(places[0].batch->runs.size(), 1u);
  // The batch is closed: the next run starts another.
  auto next = join_all(batches, {run()}, submits);
  EXPECT_NE(next[0].batch, places[0].batch);
  EXPECT_EQ(next[0].index, 0u);
}

TEST(ArrayBatches, FailedSubmissionReachesEveryMember) {
  ArrayBatches batches(by_count(2));
  RunRequest a = run(), b = run();
  std::vector<ArrayBatches::Place> places(2);
  auto fail = [](ArrayBatch& batch) { batch.failure = runner_error(RunRequest{}, "sbatch: error: no"); };
  std::thread t([&] { places[0] = batches.join(a, fail); });
  places[1] = batches.join(b, fail);
  t.join();
  for (const auto& p : places) {
    ASSERT_TRUE(p.batch->failure);
    EXPECT_EQ(p.batch->failure->message, "sbatch: error: no");
  }
}

TEST(ArrayBatches, ExpectedIsClampedToTheArraySize) {
  ArrayOptions o;
  o.expected = 5000;
  o.max_tasks = 1000;
  EXPECT_EQ(ArrayBatches(o).options().expected, 1000u);
  o.expected = 0;
  EXPECT_EQ(ArrayBatches(o).options().expected, 1u);
}

}  // namespace
}  // namespace grader::slurm
