// Runner selection; see runner_factory.h.
#include "runners/runner_factory.h"

#include <cstdlib>

#include "grader/grading/grade.h"
#include "grader/repo/repo.h"
#include "runners/executor_factory.h"
#include "runners/local/local_transport.h"

extern char** environ;

namespace grader {

std::string runner_help() { return "local (the test cluster), ssh://user@host[:port]"; }

Runner make_runner(const std::optional<std::string>& runner, const std::string& executor_name) {
  Runner r;
  r.executor = make_executor(executor_name);
  if (!runner) {
    r.description = "local";
    return r;
  }
  if (*runner == "local") {
    const char* conf = std::getenv("SLURM_CONF");
    if (!conf || !*conf)
      throw std::runtime_error(
          "--runner local needs the test cluster: SLURM_CONF is not set (start it with ci/cluster start, then "
          "eval \"$(ci/cluster env)\")");
    r.description = "local";
    r.transport = std::make_unique<LocalTransport>();
    SlurmOptions o;
    // The scheduler commands see what the grader's environment allows through (PATH, SLURM_CONF,
    // the module variables); jobs get the run's environment, as if sbatch ran in it.
    o.command_env = base_environment(environ);
    if (const char* dir = std::getenv("GRADER_CLUSTER_DIR"); dir && *dir) o.scratch_dir = std::string(dir) + "/jobs";
    r.batch = std::make_unique<SlurmExecutor>(*r.transport, o);
    return r;
  }
  if (runner->rfind("ssh://", 0) == 0)
    // TODO(ssh): wire runners/ssh/SshTransport (SshTarget::parse) once it is in the build.
    throw UsageError("--runner " + *runner + ": the SSH transport is not built into this grader yet");
  throw UsageError("unknown runner '" + *runner + "'; known: " + runner_help());
}

}  // namespace grader
