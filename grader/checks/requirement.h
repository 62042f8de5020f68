// One requirement of a check that holds several (jobscript, environment, requirements,
// conda_env): met or not, with the line a learner reads. A check with `partial` earns the share met.
#pragma once

#include <string>

namespace grader {

struct Requirement {
  std::string name;  // "time", "account", "module_before_python", ...
  bool met = false;
  std::string message;  // "job.sh:3: '#SBATCH -t 30:00' asks for 30 min, more than the allowed 10 min"
};

}  // namespace grader
