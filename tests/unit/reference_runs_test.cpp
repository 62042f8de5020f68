// The reference solution's runs for relative speedup checks: measured once and shared while
// fresh, measured again when stale, kept as hidden "@reference:ID" runs of the submission's
// report, and an exercise without a solution/ an error of the check, not a runner failure. A
// scripted executor stands in for the processes: what is tested is when and what gets run.
#include "grader/grading/reference_runs.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <vector>

#include "grader/rubric/loader.h"

using namespace grader;
namespace fs = std::filesystem;

namespace {

const std::string kRubric = R"(exercise = "p"
[[run]]
id = "one"
command = ["python3", "p.py", "1"]
[[run]]
id = "many"
command = ["python3", "p.py", "2"]
[[run]]
id = "other"
command = ["python3", "p.py", "3"]
[[check]]
id = "fast"
speedup = { serial = "one", parallel = "many", value = 1.0, lower = -0.25, reference = "solution" }
)";

// Every run takes 2 s with one worker and 1 s with more, 1 s of CPU per worker-second; counts
// what it ran.
class ScriptedExecutor : public Executor {
 public:
  RunResult run(const RunRequest& request) override {
    ran.push_back(request.id);
    RunResult r;
    r.status = RunStatus::Ok;
    r.exit_code = 0;
    bool serial = request.argv.back() == "1";
    r.wall_s = serial ? 2.0 : parallel_wall;
    if (!serial && !parallel_walls.empty()) {
      r.wall_s = parallel_walls.front();
      parallel_walls.erase(parallel_walls.begin());
    }
    r.cpu_s = 2.0;
    return r;
  }
  std::string name() const override { return "scripted"; }
  std::vector<std::string> isolation() const override { return {}; }
  std::vector<std::string> ran;
  double parallel_wall = 1.0;          // raised to play a machine that got loaded
  std::vector<double> parallel_walls;  // the next parallel runs' walls, in order, before that
};

struct ReferenceRunsTest : ::testing::Test {
  fs::path dir = fs::temp_directory_path() / ("reference-runs-" + std::to_string(::getpid()));
  Rubric rubric = parse_rubric(kRubric, "r.toml");
  ScriptedExecutor executor;

  void SetUp() override {
    for (const char* d : {"exercise/solution", "learner"}) {
      fs::create_directories(dir / d);
      std::ofstream(dir / d / "p.py") << "print(1)\n";
    }
  }
  void TearDown() override { fs::remove_all(dir); }

  // The learner's submission graded against `reference`.
  Report graded_against(ReferenceRuns* reference) {
    GradeOptions o;
    o.reference = reference;
    return grade_submission(rubric, dir / "learner", executor, o);
  }
};

}  // namespace

TEST_F(ReferenceRunsTest, OnlyTheRunsRelativeChecksCompare) {
  EXPECT_EQ(reference_run_ids(rubric), (std::vector<std::string>{"one", "many"}));
  Rubric absolute = parse_rubric(kRubric.substr(0, kRubric.find(", reference")) + " }\n", "r.toml");
  EXPECT_TRUE(reference_run_ids(absolute).empty());
  EXPECT_EQ(make_reference_runs(absolute, dir / "exercise", executor, {}), nullptr) << "nothing to measure";
}

TEST_F(ReferenceRunsTest, MeasuredOnceAndSharedWhileFresh) {
  auto reference = make_reference_runs(rubric, dir / "exercise", executor, {});
  ASSERT_NE(reference, nullptr);
  std::vector<RunSummary> first = reference->runs();
  std::vector<RunSummary> second = reference->runs();
  EXPECT_EQ(reference->measurements(), 1);
  EXPECT_EQ(executor.ran.size(), 2u) << "the two compared runs, once";
  ASSERT_EQ(first.size(), 2u);
  EXPECT_EQ(first[0].result.id, "@reference:one");
  EXPECT_EQ(first[1].result.id, "@reference:many");
  EXPECT_TRUE(first[0].hidden);
  EXPECT_EQ(second[1].result.wall_s, 1.0);
}

TEST_F(ReferenceRunsTest, MeasuredAgainWhenStale) {
  ReferenceRuns reference(rubric, dir / "exercise" / "solution", executor, {}, 0.0);
  reference.runs();
  reference.runs();
  EXPECT_EQ(reference.measurements(), 2);
}

TEST_F(ReferenceRunsTest, TheSubmissionsReportKeepsTheReferenceAndTheCheckComparesWithIt) {
  auto reference = make_reference_runs(rubric, dir / "exercise", executor, {});
  Report r = graded_against(reference.get());
  ASSERT_EQ(r.runs.size(), 5u);
  EXPECT_EQ(r.runs[3].result.id, "@reference:one");
  EXPECT_EQ(r.runs[4].result.id, "@reference:many");
  EXPECT_EQ(executor.ran.size(), 5u) << "the submission's three runs, then the reference's two";
  ASSERT_EQ(r.checks.size(), 1u);
  EXPECT_EQ(r.checks[0].status, CheckStatus::Passed) << r.checks[0].message;
  EXPECT_NE(r.checks[0].message.find("the reference solution measured 2.00x"), std::string::npos);
}

TEST_F(ReferenceRunsTest, NoSolutionIsTheChecksErrorNotARunnerFailure) {
  auto reference = make_reference_runs(rubric, dir / "no-such-exercise", executor, {});
  Report r = graded_against(reference.get());
  EXPECT_FALSE(r.runner_failed());
  ASSERT_EQ(r.checks.size(), 1u);
  EXPECT_EQ(r.checks[0].status, CheckStatus::Error);
  EXPECT_NE(r.checks[0].message.find("the exercise has no reference solution at"), std::string::npos)
      << r.checks[0].message;
}

// Measured on a quiet machine, reused once the load rose: the submission's speedup falls short
// of the old measurement, so the reference is measured again, and the submission passes against
// what the reference shows under the same load.
TEST_F(ReferenceRunsTest, AReusedReferenceIsMeasuredAgainBeforeItFailsAnyone) {
  ReferenceRuns reference(rubric, dir / "exercise" / "solution", executor, {}, 3600.0);
  reference.runs();
  executor.parallel_wall = 1.9;
  Report r = graded_against(&reference);
  EXPECT_EQ(reference.measurements(), 2);
  ASSERT_EQ(r.checks.size(), 1u);
  EXPECT_EQ(r.checks[0].status, CheckStatus::Passed) << r.checks[0].message;
  EXPECT_NE(r.checks[0].message.find("the reference solution measured 1.05x"), std::string::npos)
      << r.checks[0].message;
  EXPECT_EQ(r.runs.size(), 5u) << "the first measurement's runs replaced, not added";

  Report again = graded_against(&reference);
  EXPECT_EQ(reference.measurements(), 2) << "a pass against a reused measurement costs nothing more";
}

// A burst of other work is one stretch of time: it slowed both of a correct submission's
// attempts and was over when the reference was measured after them (CI: 1.35x against 1.83x).
// The reference is measured between the attempts, so the burst slows it too, or spares the
// second attempt: here it covers the submission's first 'many' and the reference's ('other',
// not compared, runs quiet between them). Measured after both attempts, the reference would
// have been quiet (2.00x) against the submission's slow best (1.05x): a fail.
TEST_F(ReferenceRunsTest, TheReferenceIsMeasuredAgainBetweenTheSubmissionsAttempts) {
  ReferenceRuns reference(rubric, dir / "exercise" / "solution", executor, {}, 3600.0);
  reference.runs();  // measured quiet: 2.00x
  executor.parallel_walls = {1.9, 1.0, 1.9};
  Report r = graded_against(&reference);
  EXPECT_EQ(reference.measurements(), 2);
  ASSERT_EQ(r.checks.size(), 1u);
  EXPECT_EQ(r.checks[0].status, CheckStatus::Passed) << r.checks[0].message;
  EXPECT_NE(r.checks[0].message.find("the reference solution measured 1.05x"), std::string::npos)
      << r.checks[0].message;
}
