// The environment exercises end to end (issue 10): the venv exercise built and probed for real in
// the sandbox and over SSH on the test cluster's login node, and the inputs that must give a
// clear graded failure (an environment that is a link out of project storage, an environment.yml
// far too large). Needs the test cluster's module tree: ci/cluster start; eval "$(ci/cluster env)".
#include <gtest/gtest.h>

#include <cstdlib>
#include <nlohmann/json.hpp>

#include "tests/support/cli_runner.h"

using namespace grader::testing;
namespace fs = std::filesystem;

namespace {

const fs::path kRepo = GRADER_SOURCE_DIR;
const fs::path kVenv = kRepo / "exercises" / "venv";

void require_cluster() {
  const char* conf = std::getenv("GRADER_SSH_CONFIG");
  const char* modules = std::getenv("MODULEPATH");
  ASSERT_TRUE(conf && *conf && fs::exists(conf) && modules && *modules)
      << "start the test cluster: ci/cluster start && eval \"$(ci/cluster env)\"";
}

const nlohmann::json& check(const nlohmann::json& report, const std::string& id) {
  for (const auto& c : report["checks"])
    if (c["id"] == id) return c;
  static const nlohmann::json none;
  return none;
}

nlohmann::json grade(const std::vector<std::string>& args, CliResult& r) {
  r = run_grader(args, kRepo);
  return nlohmann::json::parse(r.out);
}

}  // namespace

TEST(EnvironmentExercises, VenvSolutionBuildsAndProbesInTheSandbox) {
  require_cluster();
  CliResult r;
  auto j = grade({"check", "venv", (kVenv / "solution").string(), "--format", "json"}, r);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(j["runner"]["executor"], "sandbox");
  EXPECT_EQ(j["score"], 10.0) << r.out;
  // The probes ran as hidden runs after the rubric's own: never shown to the learner.
  bool probed = false;
  for (const auto& run : j["runs"])
    if (run["id"] == "@probe-1") probed = run["hidden"] == true && run["command"].is_null();
  EXPECT_TRUE(probed) << j["runs"].dump();
  for (const auto& run : j["runs"])
    EXPECT_NE(run["id"], "@cleanup") << "project storage here is the workspace's: nothing to remove";
}

TEST(EnvironmentExercises, VenvGradesOverSshOnTheLoginNode) {
  require_cluster();
  CliResult r;
  auto sol = grade(
      {"check", "venv", (kVenv / "solution").string(), "--runner", "ssh://gradertest", "--format", "json"},
      r);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(sol["runner"]["transport"], "ssh");
  EXPECT_EQ(sol["score"], 10.0);
  auto user = grade({"check", "venv", (kVenv / "fixtures/pip-user").string(), "--runner", "ssh://gradertest",
                     "--format", "json"},
                    r);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(user["score"], 5.0) << "as exercises/venv/fixtures/pip-user/expected.toml declares";
  EXPECT_NE(check(user, "hpcdemo-installed")["message"].get<std::string>().find("pip install --user"),
            std::string::npos);
}

// With --runner PROFILE the rubric takes that profile's Python modules and project storage: here
// a copy of the test cluster's profile that loads two modules (uppmax/1.0, then python/3.11.2)
// and has project storage of its own. The environment is made there and removed after grading.
TEST(EnvironmentExercises, VenvGradesWithAProfilesModulesAndProjectStorage) {
  require_cluster();
  ScratchDir dir;
  std::string profile = slurp(kRepo / "runners/clusters/local.toml");
  auto swap = [&](const std::string& from, const std::string& to) {
    auto at = profile.find(from);
    ASSERT_NE(at, std::string::npos) << from;
    profile.replace(at, from.size(), to);
  };
  const fs::path storage = dir.path / "proj";
  swap("name = \"local\"", "name = \"two-modules\"");
  swap("recommended = [\"python/3.11.2\"]", "recommended = [\"uppmax/1.0\", \"python/3.11.2\"]");
  swap("default_partition = \"main\"\n",
       "default_partition = \"main\"\nproject_dir = \"" + storage.string() + "/\"\n");
  dir.write("clusters/two-modules.toml", profile);
  fs::create_directories(storage);

  CliResult r = run_grader({"check", "venv", (kVenv / "solution").string(), "--runner", "two-modules",
                            "--format", "json", "--teacher"},
                           kRepo, {{"GRADER_CLUSTERS_DIR", (dir.path / "clusters").string()}});
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(j["score"], 10.0) << r.out;
  EXPECT_EQ(check(j, "from-module")["hint"],
            "module load uppmax/1.0 python/3.11.2 before python3 -m venv, and load the same module whenever "
            "you use the environment.");
  // Made in the profile's project storage, in a directory of its own, and gone afterwards.
  const nlohmann::json* cleanup = nullptr;
  for (const auto& run : j["runs"])
    if (run["id"] == "@cleanup") cleanup = &run;
  ASSERT_NE(cleanup, nullptr) << j["runs"].dump();
  EXPECT_EQ((*cleanup)["exit_code"], 0);
  EXPECT_EQ((*cleanup)["hidden"], true);
  EXPECT_TRUE(fs::is_directory(storage / "hpc-grader"));
  EXPECT_TRUE(fs::is_empty(storage / "hpc-grader"));
}

// An Example that is a link to an environment outside project storage is seen for what it is.
TEST(EnvironmentExercises, SymlinkedEnvOutsideProjectStorageIsRefused) {
  require_cluster();
  ScratchDir sub;
  sub.write("make-env.sh", R"(set -e
module load python/3.11.2
python3 -m venv --system-site-packages "$HOME/elsewhere"
ln -s "$HOME/elsewhere" "$PROJECT_DIR/Example"
"$PROJECT_DIR/Example/bin/pip" install --no-index --find-links "$WHEELHOUSE" hpcdemo==1.1.0
"$PROJECT_DIR/Example/bin/pip" freeze --local > requirements.txt
)");
  CliResult r;
  auto j = grade({"check", "venv", sub.path.string(), "--format", "json"}, r);
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  const auto& c = check(j, "in-project-storage");
  EXPECT_EQ(c["status"], "failed");
  EXPECT_NE(c["message"].get<std::string>().find("it lies at /work/elsewhere, not in $PROJECT_DIR"),
            std::string::npos)
      << c["message"];
}

TEST(EnvironmentExercises, HugeEnvironmentFileIsAGradedFailureWithValidJson) {
  ScratchDir sub;
  std::string big = "name: example\nchannels: [conda-forge]\ndependencies:\n";
  while (big.size() < 3 * 1024 * 1024) big += "  - numpy\n";
  sub.write("environment.yml", big);
  sub.write("create-env.sh", "module load conda\n");
  CliResult r;
  auto j = grade({"check", "conda-env", sub.path.string(), "--format", "json"}, r);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  const auto& c = check(j, "environment-file");
  EXPECT_EQ(c["status"], "failed");
  EXPECT_NE(c["message"].get<std::string>().find("too large to be an environment file"), std::string::npos)
      << c["message"];
  EXPECT_EQ(check(j, "solves")["status"], "skipped");
}
