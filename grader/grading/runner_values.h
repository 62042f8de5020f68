// What a rubric's runner placeholders stand for on the runner a submission is graded on
// (grader/rubric/placeholders.h): {{python_modules}} is what the cluster profile recommends to
// load for Python, in order, space-separated ("GCC/12.3.0 Python/3.11.3" at HPC2N), {{project_dir}} its
// project storage (a fresh directory there, removed after the submission's runs) or, without one, the
// workspace's "project" directory; {{cores}} the cores a run may use there. So `grader check venv` on the
// test cluster and `grader grade --runner rackham venv` run the same rubric.
#pragma once

#include <optional>
#include <string>

#include "grader/cluster/profile.h"
#include "grader/rubric/model.h"

namespace grader {

struct RunnerValues {
  std::string profile;                         // where the values come from, for messages: "local"
  std::optional<std::string> python_modules;   // "python/3.11.2", "GCC/12.3.0 Python/3.11.3"
  std::optional<std::string> project_storage;  // the profile's project_dir: "/proj/hpc-python"
  std::optional<int> cores;                    // {{cores}}: cores_per_node, else this machine's
};

// The values a profile gives; nullptr: none (every placeholder but {{workdir}} unresolved).
RunnerValues runner_values(const ClusterProfile* profile);

// Where {{project_dir}} points for one submission: under the project storage,
// "<storage>/hpc-grader/<token>" (token: unique to the submission); without storage,
// "{{workdir}}/project", which each run resolves to its own workspace.
std::string project_dir_for(const RunnerValues& values, const std::string& token);

// Does the rubric use {{project_dir}} anywhere in its runs' env?
bool uses_project_dir(const Rubric& rubric);

// The rubric with {{python_modules}} (commands, env, hints, titles) and {{project_dir}} (env)
// filled in. A placeholder the values cannot fill is returned as `problem` (a runner error: this
// runner cannot grade the rubric) and the rubric is returned as it was.
Rubric with_runner_values(const Rubric& rubric, const RunnerValues& values, const std::string& project_dir,
                          std::string& problem);

}  // namespace grader
