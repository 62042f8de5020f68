// --runner end to end: the test cluster over SSH (libssh + Slurm), cluster profiles, and a
// cluster that cannot be reached. Needs the test cluster: ci/cluster start; eval "$(ci/cluster env)".
#include <gtest/gtest.h>

#include <cstdlib>
#include <nlohmann/json.hpp>

#include "tests/support/cli_runner.h"
#include "tests/support/ssh_cluster.h"

using namespace grader::testing;
namespace fs = std::filesystem;

namespace {

const fs::path kRepo = GRADER_SOURCE_DIR;

void require_cluster() {
  const char* conf = std::getenv("GRADER_SSH_CONFIG");
  ASSERT_TRUE(conf && *conf && fs::exists(conf))
      << "start the test cluster: ci/cluster start && eval \"$(ci/cluster env)\"";
}

}  // namespace

TEST(Runner, JobscriptOverSshToTheTestClusterGetsFullMarks) {
  require_cluster();
  auto r = run_grader({"check", "batch-script", (kRepo / "exercises/batch-script/solution").string(),
                       "--runner", "ssh://gradertest", "--format", "json"},
                      kRepo);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["runner"]["transport"], "ssh");
  EXPECT_EQ(j["runs"][0]["slurm"]["state"], "COMPLETED");
  EXPECT_EQ(j["score"], j["max_score"]);
}

TEST(Runner, CommandRunsOverSshSeeTheLoginNodesModules) {
  require_cluster();
  auto r = run_grader({"check", "python-modules", (kRepo / "exercises/python-modules/solution").string(),
                       "--runner", "ssh://gradertest", "--format", "json"},
                      kRepo);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["runner"]["transport"], "ssh");
}

// The 2FA login node through the CLI: a master opened once (one code), then the whole grading
// (upload, sbatch, squeue, sacct, files) rides on it with GRADER_SSH_CLIENT=openssh, and auto
// finds it by itself; no further code is asked for.
TEST(Runner, JobscriptOverAnOpenSshControlMasterToThe2faLoginNode) {
  require_cluster();
  auto env = cluster_env();
  ASSERT_FALSE(env.empty()) << "start the test cluster: ci/cluster start";
  ScratchDir dir;
  const fs::path cfg = config_with_private_control_path(env, dir.path);
  auto master_env = env;
  master_env["GRADER_SSH_CONFIG"] = cfg.string();
  ControlMaster master(master_env, env["GRADER_SSH_2FA_ALIAS"],
                       configured_control_path(cfg, env["GRADER_SSH_2FA_ALIAS"]));
  ASSERT_TRUE(master.open()) << master.error();
  const int codes = otp_codes_issued(env);
  for (const char* client : {"openssh", "auto"}) {
    auto r = run_grader({"check", "batch-script", (kRepo / "exercises/batch-script/solution").string(),
                         "--runner", "ssh://" + env["GRADER_SSH_2FA_ALIAS"], "--format", "json"},
                        kRepo, {{"GRADER_SSH_CONFIG", cfg.string()}, {"GRADER_SSH_CLIENT", client}});
    ASSERT_EQ(r.exit_code, 0) << client << ": " << r.out << r.err;
    auto j = nlohmann::json::parse(r.out);
    EXPECT_EQ(j["runner"]["transport"], "openssh") << client;
    EXPECT_EQ(j["runs"][0]["slurm"]["state"], "COMPLETED");
    EXPECT_EQ(j["score"], j["max_score"]);
  }
  EXPECT_EQ(otp_codes_issued(env), codes) << "the grading asked for another code";

  master.close();
  auto r = run_grader({"check", "batch-script", (kRepo / "exercises/batch-script/solution").string(),
                       "--runner", "ssh://" + env["GRADER_SSH_2FA_ALIAS"], "--format", "json"},
                      kRepo, {{"GRADER_SSH_CONFIG", cfg.string()}, {"GRADER_SSH_CLIENT", "openssh"}});
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_NE(r.out.find("no OpenSSH ControlMaster answers"), std::string::npos) << r.out;
}

TEST(Runner, BadSshClientIsAUsageError) {
  auto r = run_grader({"check", "python-script", ".", "--runner", "ssh://gradertest"}, kRepo,
                      {{"GRADER_SSH_CLIENT", "putty"}});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("GRADER_SSH_CLIENT must be libssh, openssh or auto, not 'putty'"), std::string::npos)
      << r.err;
}

TEST(Runner, UnreachableClusterIsARunnerErrorWithAValidReport) {
  auto r = run_grader({"check", "python-script", (kRepo / "exercises/python-script/solution").string(),
                       "--runner", "ssh://root@127.0.0.1:1", "--format", "json"},
                      kRepo);
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["runs"][0]["status"], "runner_error");
  EXPECT_NE(j["runs"][0]["message"].get<std::string>().find("127.0.0.1"), std::string::npos) << j["runs"][0];
  EXPECT_EQ(j["checks"][0]["status"], "error");
}

TEST(Runner, UnknownRunnerNamesTheProfiles) {
  auto r = run_grader({"check", "python-script", ".", "--runner", "rackam"}, kRepo);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("unknown runner 'rackam'"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("did you mean 'rackham'?"), std::string::npos) << r.err;
}
