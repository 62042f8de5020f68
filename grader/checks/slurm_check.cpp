// Slurm accounting checks; see slurm_check.h.
#include "grader/checks/slurm_check.h"

#include <algorithm>

#include "grader/util/text.h"

namespace grader {

namespace {

bool is_launch_step(const SlurmStep& s) {
  return s.id != "batch" && s.id != "extern";
}

std::string describe_steps(const std::vector<SlurmStep>& steps) {
  std::string out;
  for (const SlurmStep& s : steps) {
    if (!is_launch_step(s)) continue;
    std::string state = s.state.empty() || s.state == "COMPLETED" ? "" : ", " + s.state;
    out += (out.empty() ? "" : ", ") + ("step " + s.id + ": " + counted(s.ntasks, "task") + state);
  }
  return out;
}

}  // namespace

Verdict eval_slurm(const SlurmCheck& c, const RunResult& r) {
  if (!r.slurm) return error("run '" + r.id + "' has no Slurm accounting: it was not a Slurm job");
  const std::vector<SlurmStep>& steps = r.slurm->steps;
  const std::int64_t want = *c.tasks;
  const std::string job = "job " + r.slurm->job_id;
  bool ran = std::any_of(steps.begin(), steps.end(),
                         [&](const SlurmStep& s) { return is_launch_step(s) && s.ntasks == want; });
  if (ran)
    return pass("sacct: a step of " + job + " ran " + counted(want, "task") + " (" + describe_steps(steps) +
                ")");
  std::string listed = describe_steps(steps);
  std::string msg;
  if (listed.empty()) {
    msg = "sacct: " + job +
          " started no step of its own: the program ran inside the batch step, which Slurm counts as 1 task. "
          "srun starts " +
          counted(want, "task") +
          " as one step that Slurm accounts for (ranks that mpirun starts itself on one node are no step)";
  } else {
    msg = "sacct: no step of " + job + " ran " + counted(want, "task") + " (" + listed + ")";
  }
  return fail(msg, msg);
}

}  // namespace grader
