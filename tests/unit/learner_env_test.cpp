// What the learner's process is given: the workdir renamed to /work in every variable inside a
// mount namespace, the private TMPDIR in place of the request's, PATH for the lookup, argv and
// envp as execve takes them; and the host trees a run is shown beyond the system's.
#include "runners/sandbox/learner_env.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace grader::sandbox {
namespace {

namespace fs = std::filesystem;

RunRequest request(std::map<std::string, std::string> env) {
  RunRequest req;
  req.argv = {"python3", "main.py", "x y"};
  req.workdir = "/host/ws";
  req.env = std::move(env);
  return req;
}

std::vector<std::string> strings(const std::vector<char*>& ptrs) {
  std::vector<std::string> out;
  for (char* p : ptrs) {
    if (p != nullptr) out.emplace_back(p);
  }
  return out;
}

TEST(ReplaceWorkdir, RenamesEachEntryThatIsOrLiesUnderTheWorkdir) {
  EXPECT_EQ(replace_workdir("/host/ws", "/host/ws"), "/work");
  EXPECT_EQ(replace_workdir("/host/ws/bin:/usr/bin:/host/ws", "/host/ws"), "/work/bin:/usr/bin:/work");
  EXPECT_EQ(replace_workdir("/host/wsx:/host:relative/host/ws", "/host/ws"),
            "/host/wsx:/host:relative/host/ws");
  EXPECT_EQ(replace_workdir("::/host/ws/a:", "/host/ws"), "::/work/a:");
  EXPECT_EQ(replace_workdir("", "/host/ws"), "");
}

TEST(LearnerCommand, InsideAMountNamespaceTheWorkdirIsWork) {
  const RunRequest req =
      request({{"HOME", "/host/ws"}, {"PATH", "/host/ws/.venv/bin:/usr/bin"}, {"A", "b=c"}});
  LearnerCommand cmd(req, "/host/ws", true, "");
  EXPECT_EQ(cmd.env, (std::vector<std::string>{"A=b=c", "HOME=/work", "PATH=/work/.venv/bin:/usr/bin"}));
  EXPECT_EQ(cmd.path_var, "/work/.venv/bin:/usr/bin");
}

TEST(LearnerCommand, WithoutOneTheValuesStayAsTheyAre) {
  const RunRequest req = request({{"HOME", "/host/ws"}, {"PATH", "/host/ws/bin"}});
  LearnerCommand cmd(req, "/host/ws", false, "");
  EXPECT_EQ(cmd.env, (std::vector<std::string>{"HOME=/host/ws", "PATH=/host/ws/bin"}));
  EXPECT_EQ(cmd.path_var, "/host/ws/bin");
}

TEST(LearnerCommand, APrivateTmpdirReplacesTheRequests) {
  const RunRequest req = request({{"TMPDIR", "/tmp"}, {"Z", "1"}});
  LearnerCommand cmd(req, "/host/ws", false, "/tmp/grader-run-tmp-abc");
  EXPECT_EQ(cmd.env, (std::vector<std::string>{"Z=1", "TMPDIR=/tmp/grader-run-tmp-abc"}));
  LearnerCommand kept(req, "/host/ws", false, "");
  EXPECT_EQ(kept.env, (std::vector<std::string>{"TMPDIR=/tmp", "Z=1"}));
}

TEST(LearnerCommand, PathDefaultsToExecvpsAndArraysAreNullTerminated) {
  const RunRequest req = request({});
  LearnerCommand cmd(req, "/host/ws", true, "");
  EXPECT_EQ(cmd.path_var, "/bin:/usr/bin");
  ASSERT_EQ(cmd.argv.size(), 4u);
  EXPECT_EQ(cmd.argv.back(), nullptr);
  EXPECT_EQ(strings(cmd.argv), req.argv);
  ASSERT_EQ(cmd.envp.size(), 1u);
  EXPECT_EQ(cmd.envp.back(), nullptr);
}

TEST(LearnerCommand, EnvpPointsAtTheStrings) {
  const RunRequest req = request({{"A", "1"}, {"B", "2"}});
  LearnerCommand cmd(req, "/host/ws", true, "");
  EXPECT_EQ(strings(cmd.envp), cmd.env);
}

class ShownHostTreesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "learner_env_test_XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = fs::canonical(tmpl);
    fs::create_directories(dir_ / "ws" / "bin");
    fs::create_directories(dir_ / "pyenv" / "bin");
    fs::create_directories(dir_ / "modules" / "Core");
    fs::create_directories(dir_ / "lib");
    const fs::path python = dir_ / "pyenv" / "bin" / "python3";
    std::ofstream(python) << "#!/bin/sh\n";
    fs::permissions(python, fs::perms::owner_all);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(ShownHostTreesTest, TheInterpretersInstallationAndTheTreesTheEnvironmentNames) {
  RunRequest req;
  req.argv = {"python3", "main.py"};
  const fs::path ws = dir_ / "ws";
  const std::string path = (ws / "bin").string() + ":" + (dir_ / "pyenv" / "bin").string() + ":/usr/bin";
  req.env = {{"PATH", path},
             {"MODULEPATH", (dir_ / "modules" / "Core").string()},
             {"PYTHONPATH", (dir_ / "lib").string() + ":" + (dir_ / "missing").string()},
             {"UNRELATED", (dir_ / "lib").string()}};
  const auto shown = shown_host_trees(req, ws, path, {"/opt/extra"});
  const std::vector<fs::path> want = {"/opt/extra",
                                      dir_ / "pyenv",  // the interpreter's installation
                                      dir_ / "modules" / "Core",
                                      dir_ / "modules",  // a hierarchy's Core brings its root
                                      dir_ / "pyenv" / "bin",
                                      "/usr/bin",
                                      dir_ / "lib"};
  std::vector<fs::path> sorted_shown = shown, sorted_want = want;
  std::sort(sorted_shown.begin(), sorted_shown.end());
  std::sort(sorted_want.begin(), sorted_want.end());
  EXPECT_EQ(sorted_shown, sorted_want);
  EXPECT_EQ(shown.front(), "/opt/extra");
}

TEST_F(ShownHostTreesTest, NothingInsideTheWorkdirAndNoInterpreterForAPath) {
  RunRequest req;
  req.argv = {"./run.sh"};
  const fs::path ws = dir_ / "ws";
  req.env = {{"PATH", (ws / "bin").string() + ":" + ws.string()}};
  EXPECT_TRUE(shown_host_trees(req, ws, "/work/bin", {}).empty());
}

}  // namespace
}  // namespace grader::sandbox
