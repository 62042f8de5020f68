// grade --array end to end: a class's command runs go to the test cluster's compute node as the
// tasks of Slurm job arrays, submitted over SSH (libssh + sbatch on the login node), and every
// submission gets the score its fixture declares. Needs the test cluster: ci/cluster start;
// eval "$(ci/cluster env)".
#include <gtest/gtest.h>

#include <cstdlib>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>

#include "grader/repo/fixtures.h"
#include "tests/support/cli_runner.h"

using namespace grader::testing;
namespace fs = std::filesystem;

namespace {

const fs::path kRepo = GRADER_SOURCE_DIR;

TEST(GradeArray, AClassRunsAsArrayTasksAndScoresAsItsFixturesSay) {
  const char* conf = std::getenv("GRADER_SSH_CONFIG");
  ASSERT_TRUE(conf && *conf && fs::exists(conf))
      << "start the test cluster: ci/cluster start && eval \"$(ci/cluster env)\"";
  const fs::path exercise = kRepo / "exercises/python-script";
  auto fixtures = grader::load_fixtures(exercise);
  ASSERT_GE(fixtures.size(), 4u);
  std::string tmpl = (fs::temp_directory_path() / "grade-array-XXXXXX").string();
  const fs::path out = mkdtemp(tmpl.data());

  auto r = run_grader({"grade", "python-script", (exercise / "fixtures").string(), "--out", out.string(),
                       "--runner", "ssh://gradertest", "--array", "--jobs", std::to_string(fixtures.size())},
                      kRepo);
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;  // every fixture is short of full marks
  std::smatch m;
  ASSERT_TRUE(std::regex_search(r.out, m, std::regex("slurm: ([0-9]+) command runs in ([0-9]+) job arrays")))
      << r.out;
  const int runs = std::stoi(m[1]), arrays = std::stoi(m[2]);
  EXPECT_GT(runs, 0);
  EXPECT_LT(arrays, runs) << "runs due together share an array";

  std::set<std::string> array_ids;
  for (const auto& f : fixtures) {
    auto report = nlohmann::json::parse(slurp(out / (f.name + ".json")));
    EXPECT_EQ(report["score"].get<double>(), f.score) << f.name << ": " << report.dump(1);
    EXPECT_EQ(report["runner"]["executor"], "slurm") << f.name;
    for (const auto& run : report["runs"]) {
      if (!run.contains("slurm") || run["slurm"].is_null()) continue;
      std::string id = run["slurm"]["job_id"];
      ASSERT_TRUE(std::regex_match(id, m, std::regex("([0-9]+)_[0-9]+"))) << f.name << ": " << id;
      array_ids.insert(m[1]);
    }
  }
  EXPECT_EQ(static_cast<int>(array_ids.size()), arrays);
  fs::remove_all(out);
}

TEST(GradeArray, ArrayNeedsARunner) {
  auto r = run_grader({"grade", "python-script", (kRepo / "exercises/python-script/fixtures").string(),
                       "--out", (fs::temp_directory_path() / "never-written").string(), "--array"},
                      kRepo);
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("--array needs --runner"), std::string::npos) << r.err;
}

}  // namespace
