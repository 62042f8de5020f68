// Ctrl-C during grading: the grader cancels every Slurm job it has in flight, so that no job is
// left behind on the cluster. Needs the test cluster: ci/cluster start; eval "$(ci/cluster env)".
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>

#include "tests/support/cli_runner.h"

using namespace grader::testing;
namespace fs = std::filesystem;

namespace {

std::string command_output(const std::string& cmd) {
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return out;
  char buf[256];
  while (fgets(buf, sizeof buf, p)) out += buf;
  pclose(p);
  return out;
}

// Asks the scheduler until `done` holds or the deadline passes; polling squeue is how Slurm is
// watched, here as in the grader.
template <class Pred>
bool poll_scheduler(Pred done, std::chrono::seconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return done();
}

}  // namespace

TEST(Interrupt, CtrlCCancelsTheJobsInFlight) {
  const char* conf = std::getenv("SLURM_CONF");
  ASSERT_TRUE(conf && *conf) << "start the test cluster: ci/cluster start && eval \"$(ci/cluster env)\"";
  ScratchDir repo;
  std::string run_id = "ctrlc" + std::to_string(getpid());
  repo.write("rubrics/ex.toml",
             "exercise = \"ex\"\n[[run]]\nid = \"" + run_id +
                 "\"\njobscript = \"job.sh\"\ntimeout = \"5m\"\n[[check]]\nid = \"ok\"\nexit_code = 0\n");
  fs::create_directories(repo.path / "exercises" / "ex");
  repo.write("sub/job.sh", "#!/bin/bash\n#SBATCH -A naiss2024-22-107\n#SBATCH -t 5\nsleep 300\n");
  std::string job_name = "grader-" + run_id;
  std::string squeue = "squeue -h -n " + job_name + " -o %i";

  // This grading's own scratch (GRADER_CLUSTER_DIR/jobs), so that what it leaves is told apart
  // from the directories of gradings beside it; the job's user must pass through it.
  const fs::path scratch = repo.path / "cluster";
  fs::create_directories(scratch);
  fs::permissions(repo.path, fs::perms::others_exec, fs::perm_options::add);
  fs::permissions(scratch, fs::perms::others_exec, fs::perm_options::add);
  pid_t pid = fork();
  if (pid == 0) {
    setenv("GRADER_CLUSTER_DIR", scratch.c_str(), 1);
    if (chdir(repo.path.c_str()) != 0) _exit(120);
    freopen("/dev/null", "w", stdout);
    execl(GRADER_BINARY, GRADER_BINARY, "check", "ex", "sub", "--runner", "local", "--format", "json",
          nullptr);
    _exit(121);
  }
  ASSERT_TRUE(poll_scheduler([&] { return !command_output(squeue).empty(); }, std::chrono::seconds(30)))
      << "the job never showed up in squeue";
  std::string job_id = command_output(squeue);
  ASSERT_EQ(kill(pid, SIGINT), 0);
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGINT) << "the grader dies of the signal, as usual";
  EXPECT_TRUE(poll_scheduler([&] { return command_output(squeue).empty(); }, std::chrono::seconds(30)))
      << "job " << job_id << " was left behind after Ctrl-C";
  // Nor its directory on the scratch (its workspace, output, contained script).
  std::vector<std::string> left;
  for (const auto& d : fs::directory_iterator(scratch / "jobs")) left.push_back(d.path().filename().string());
  EXPECT_TRUE(left.empty()) << left.size() << " directories left behind after Ctrl-C, first " << left.front();
}
