// The parallel exercise end to end (issue 11): its solution, fixtures and speedup checks graded
// for real, with real multiprocessing runs. Timing on a shared machine: the speedup checks must
// never flake, which the repetition test shows by grading the solution and the serial fixture
// 20 times each in one class and asserting every verdict. A verdict is then exact, or the
// honest "unavailable" (even the reference solution showed no speedup at that moment), never
// the wrong one.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <set>
#include <vector>

#include "tests/support/cli_runner.h"

using namespace grader::testing;
namespace fs = std::filesystem;

namespace {

const fs::path kRepo = GRADER_SOURCE_DIR;
const fs::path kExercise = kRepo / "exercises" / "parallel";
const std::set<std::string> kTimed = {"speedup", "cores-busy"};

const nlohmann::json& check_of(const nlohmann::json& report, const std::string& id) {
  for (const auto& c : report["checks"])
    if (c["id"] == id) return c;
  static const nlohmann::json none;
  return none;
}

const nlohmann::json& run_of(const nlohmann::json& report, const std::string& id) {
  for (const auto& r : report["runs"])
    if (r["id"] == id) return r;
  static const nlohmann::json none;
  return none;
}

bool unavailable(const nlohmann::json& c) {
  return c["status"] == "skipped" && c["unavailable"] == true;
}

void copy_submission(const fs::path& from, const fs::path& to) {
  fs::create_directories(to);
  fs::copy_file(from / "integration2d.py", to / "integration2d.py");
}

// Counts how the timed checks of one report ended.
struct Tally {
  int measured = 0;
  int unavailable = 0;
};

// Keeps every core of this machine busy while it lives: the CI machine as it was when another
// job loaded it (the reference solution reached only 1.36x there).
class BusyCores {
 public:
  BusyCores() {
    for (long i = 0, n = sysconf(_SC_NPROCESSORS_ONLN); i < n; ++i) {
      pid_t pid = fork();
      if (pid == 0) {
        execl("/bin/sh", "sh", "-c", "while :; do :; done", static_cast<char*>(nullptr));
        _exit(127);
      }
      if (pid > 0) pids_.push_back(pid);
    }
  }
  ~BusyCores() {
    for (pid_t pid : pids_) kill(pid, SIGKILL);
    for (pid_t pid : pids_) waitpid(pid, nullptr, 0);
  }
  BusyCores(const BusyCores&) = delete;
  BusyCores& operator=(const BusyCores&) = delete;

 private:
  std::vector<pid_t> pids_;
};

}  // namespace

// The CI failure of 2026-12-02, kept: on a busy machine a fixture that declares only speedup
// (hardcoded-workers) counted cores-busy's points in its score, which could not be measured
// then; validate called it wrong. Now both timed checks are unmeasured, and validate says so.
TEST(ParallelExercise, ValidateOnABusyMachineSaysWhatItCouldNotMeasure) {
  CliResult r;
  {
    BusyCores busy;
    r = run_grader({"validate", "--exercise", "parallel"}, kRepo);
  }
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(
      r.out.find("fixture hardcoded-workers: the checks run here score as declared (7/12; the declared 9"),
      std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("timed checks this machine was too busy to measure"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("need a cluster"), std::string::npos) << "nothing here needs a cluster\n" << r.out;
}

TEST(ParallelExercise, ValidatesWithItsFixtures) {
  CliResult r = run_grader({"validate", "--exercise", "parallel"}, kRepo);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("solution"), std::string::npos);
  for (const char* f :
       {"pool-of-one", "whole-grid-each", "threads", "spawn-module-state", "hardcoded-workers"})
    EXPECT_NE(r.out.find(std::string("fixture ") + f), std::string::npos) << f << "\n" << r.out;
}

TEST(ParallelExercise, ReportSaysWhatTheReferenceSolutionMeasured) {
  CliResult r =
      run_grader({"check", "parallel", (kExercise / "solution").string(), "--format", "json"}, kRepo);
  ASSERT_TRUE(r.exit_code == 0 || r.exit_code == 1) << r.out << r.err;
  nlohmann::json j = nlohmann::json::parse(r.out);
  for (const char* id : {"@reference:one-worker", "@reference:all-cores"}) {
    const nlohmann::json& run = run_of(j, id);
    ASSERT_FALSE(run.is_null()) << id << " missing: " << j["runs"].dump();
    EXPECT_EQ(run["status"], "ok");
    EXPECT_GT(run["wall_s"].get<double>(), 0.1);
    EXPECT_EQ(run["hidden"], true);
    EXPECT_TRUE(run["command"].is_null())
        << "the solution's command and output stay out of a learner's report";
  }
  EXPECT_TRUE(run_of(j, "@reference:three-workers").is_null()) << "only the runs a speedup check compares";
  const nlohmann::json& s = check_of(j, "speedup");
  const std::string message = s["message"];
  if (unavailable(s))
    EXPECT_NE(message.find("the reference solution reached only"), std::string::npos) << message;
  else
    EXPECT_NE(message.find("the reference solution measured"), std::string::npos) << message;
  EXPECT_NE(s["status"], "failed") << message;
}

TEST(ParallelExercise, SolutionAndSerialFixtureKeepTheirVerdictsTwentyTimes) {
  constexpr int kRounds = 20;
  ScratchDir dir;
  fs::path subs = dir.path / "class";
  for (int i = 0; i < kRounds; ++i) {
    std::string n = (i < 10 ? "0" : "") + std::to_string(i);
    copy_submission(kExercise / "solution", subs / ("r" + n + "-solution"));
    copy_submission(kExercise / "fixtures" / "pool-of-one", subs / ("r" + n + "-serial"));
  }
  CliResult r = run_grader({"grade", "parallel", subs.string(), "--out", (dir.path / "out").string()}, kRepo);
  ASSERT_TRUE(r.exit_code == 0 || r.exit_code == 1) << r.out << r.err;

  Tally solution, serial;
  std::multiset<double> reference_walls;
  std::vector<double> solution_reference_walls;
  for (int i = 0; i < kRounds; ++i) {
    std::string n = (i < 10 ? "0" : "") + std::to_string(i);
    for (bool is_solution : {true, false}) {
      std::string name = "r" + n + (is_solution ? "-solution" : "-serial");
      nlohmann::json j = nlohmann::json::parse(slurp(dir.path / "out" / (name + ".json")));
      Tally& t = is_solution ? solution : serial;
      for (const auto& c : j["checks"]) {
        const std::string id = c["id"];
        if (!kTimed.count(id)) {
          EXPECT_EQ(c["status"], "passed") << name << " " << id << ": " << c["message"];
          continue;
        }
        if (unavailable(c)) {
          ++t.unavailable;
          continue;
        }
        ++t.measured;
        EXPECT_EQ(c["status"], is_solution ? "passed" : "failed")
            << name << " " << id << ": " << c["message"];
      }
      const double wall = run_of(j, "@reference:all-cores")["wall_s"].get<double>();
      reference_walls.insert(wall);
      if (is_solution) solution_reference_walls.push_back(wall);
    }
  }
  std::cout << "timed verdicts: solution " << solution.measured << " measured, " << solution.unavailable
            << " unavailable; serial fixture " << serial.measured << " measured, " << serial.unavailable
            << " unavailable; reference measured "
            << std::set<double>(reference_walls.begin(), reference_walls.end()).size() << " times for "
            << 2 * kRounds << " submissions\n";
  // "Unavailable" is honest, but shows nothing: a machine too loaded to measure at all is a skip.
  if (solution.measured + serial.measured == 0)
    GTEST_SKIP() << "this machine was too loaded for the reference solution to show a speedup in any round";
  EXPECT_GE(solution.measured, 1) << "the solution's speedup was never measured";
  EXPECT_GE(serial.measured, 1) << "the serial fixture's speedup was never measured";
  // Shared, not paid per submission: a solution that passes against the last measurement reuses it,
  // and only a submission that falls short of a reused one (every serial one, a solution that lost
  // a burst of load) pays for one more (reference_runs.h). Paid per submission, every solution's
  // reference would be a measurement of its own; CI's loaded runs had 2 of 20 measure afresh.
  int reused = 0;
  for (double wall : solution_reference_walls) reused += reference_walls.count(wall) > 1;
  std::cout << reused << " of " << kRounds << " solutions reused the last measurement\n";
  EXPECT_GE(reused, kRounds / 4) << "the reference is shared between submissions, not paid per submission";
}
