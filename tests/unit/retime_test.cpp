// Which runs a failed speedup check has timed again, and which attempt is kept (grading/retime.h).
// Pure: a rubric, a score and run results in; no process runs here.
#include "grader/grading/retime.h"

#include <gtest/gtest.h>

#include "grader/rubric/loader.h"

using namespace grader;

namespace {

const char* kRubric = R"(exercise = "p"
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
id = "value"
run = "other"
stdout.contains = "x"
[[check]]
id = "s"
speedup = { serial = "one", parallel = "many", value = 1.6, lower = -0.3 }
)";

RunResult timed(const std::string& id, RunStatus status, double wall) {
  RunResult r;
  r.id = id;
  r.status = status;
  r.wall_s = wall;
  r.cpu_s = wall;
  return r;
}

Score scored(CheckStatus value, CheckStatus speedup) {
  Score s;
  s.checks.resize(2);
  s.checks[0].id = "value";
  s.checks[0].status = value;
  s.checks[1].id = "s";
  s.checks[1].status = speedup;
  return s;
}

RunResults ok_runs() {
  RunResults r;
  for (const char* id : {"one", "many", "other"}) r[id] = timed(id, RunStatus::Ok, 1.0);
  return r;
}

}  // namespace

TEST(Retime, AFailedSpeedupTimesItsTwoRunsAgain) {
  Rubric rubric = parse_rubric(kRubric, "r.toml");
  EXPECT_EQ(runs_to_retime(rubric, scored(CheckStatus::Failed, CheckStatus::Failed), ok_runs()),
            (std::vector<std::string>{"one", "many"}));
}

TEST(Retime, NothingWhenTheSpeedupPassedOrWasSkipped) {
  Rubric rubric = parse_rubric(kRubric, "r.toml");
  for (CheckStatus s : {CheckStatus::Passed, CheckStatus::Skipped, CheckStatus::Error})
    EXPECT_TRUE(runs_to_retime(rubric, scored(CheckStatus::Failed, s), ok_runs()).empty()) << to_string(s);
}

TEST(Retime, NotARunThatDidNotComplete) {
  Rubric rubric = parse_rubric(kRubric, "r.toml");
  RunResults runs = ok_runs();
  runs["many"] = timed("many", RunStatus::Timeout, 60);
  EXPECT_TRUE(runs_to_retime(rubric, scored(CheckStatus::Passed, CheckStatus::Failed), runs).empty())
      << "a crash is the learner's; timing it again could only hide it";
}

TEST(Retime, KeepsTheFasterAttemptAndCountsBoth) {
  RunResult kept = timed("many", RunStatus::Ok, 1.0);
  kept.out.data = "first";
  RunResult again = timed("many", RunStatus::Ok, 0.6);
  again.out.data = "second";
  keep_faster(kept, again);
  EXPECT_DOUBLE_EQ(kept.wall_s, 0.6);
  EXPECT_EQ(kept.out.data, "second") << "the whole attempt is kept, its output with its time";
  EXPECT_EQ(kept.attempts, 2);
  keep_faster(kept, timed("many", RunStatus::Ok, 0.9));
  EXPECT_DOUBLE_EQ(kept.wall_s, 0.6);
  EXPECT_EQ(kept.attempts, 3);
}

TEST(Retime, AFailedAttemptNeverReplacesACompletedOne) {
  RunResult kept = timed("many", RunStatus::Ok, 1.0);
  keep_faster(kept, timed("many", RunStatus::Signaled, 0.1));
  EXPECT_EQ(kept.status, RunStatus::Ok);
  EXPECT_DOUBLE_EQ(kept.wall_s, 1.0);
  EXPECT_EQ(kept.attempts, 2);
}
