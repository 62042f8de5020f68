// Runners for the CLI's --runner: where learner work runs. A runner is a Transport (local or
// ssh), the Executor for ordinary command runs there, and the BatchExecutor (Slurm's) for
// jobscript runs.
//   (none)                 commands run here with --executor; jobscripts are runner errors
//   local                  the test cluster on this machine (needs SLURM_CONF; ci/cluster env)
//   ssh://user@host[:port] a cluster's login node over SSH (commands and jobs run there); the
//                          client is GRADER_SSH_CLIENT (libssh | openssh | auto), else the
//                          profile's ssh_client, else auto: OpenSSH when a ControlMaster for the
//                          host is running, libssh otherwise
//   NAME                   a cluster profile (runners/clusters/NAME.toml)
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "grader/cluster/profile.h"
#include "grader/grading/grade.h"
#include "grader/run/batch_executor.h"
#include "grader/run/transport.h"

namespace grader {

struct Runner {
  std::string description;               // "local", "ssh://root@127.0.0.1:2222"
  std::unique_ptr<Transport> transport;  // null when nothing but this machine is involved
  std::unique_ptr<Executor> executor;    // ordinary command runs
  std::unique_ptr<BatchExecutor> batch;  // jobscript runs (Slurm); null without a runner
  // The environment runs start from: this machine's allow-listed variables for local runners;
  // empty for a remote one, whose runs see the login node's own environment (its PATH, its
  // module system) with the rubric's env laid over it.
  std::map<std::string, std::string> base_env;
  // The cluster profile whose values the rubric's placeholders take ({{python_modules}}, ...): the
  // one named, else the test cluster's ("local": runs here use its module tree too, and ssh://
  // URLs name no cluster); nullopt when no profile is found.
  std::optional<ClusterProfile> profile;
};

// `runner`: the --runner value, nullopt when not given. `executor_name`: --executor, for command
// runs on this machine. Throws UsageError for a malformed or unknown runner, std::runtime_error
// when the runner cannot be used here (no SLURM_CONF for `local`).
Runner make_runner(const std::optional<std::string>& runner, const std::string& executor_name);

// What every grading through `runner` starts from: its environment, batch executor and
// placeholder values; `runner_name` is the --runner given ("" for none).
GradeOptions grade_options(const Runner& runner, const std::string& runner_name);

// For help texts: "local, ssh://user@host[:port]" and the profile names when there are any.
std::string runner_help();

}  // namespace grader
