// What a graded Slurm job may ask of the cluster (a jobscript run's `job_limits`, docs/rubrics.md):
// checked against the learner's #SBATCH lines before anything is submitted
// (grader/jobscript/vetting.h). Plain data, shared by the rubric, the run request and the check.
#pragma once

#include <cstdint>
#include <optional>

namespace grader {

struct JobLimits {
  std::optional<double> time_s = {};               // --time; none: the run's timeout waits anyway
  std::optional<std::int64_t> nodes = 1;           // --nodes, or what --ntasks-per-node implies
  std::optional<std::int64_t> tasks = {};          // --ntasks
  std::optional<std::int64_t> cores = {};          // tasks x --cpus-per-task
  std::optional<std::int64_t> gpus = 0;            // every GPU request, in all
  std::optional<std::uint64_t> memory_bytes = {};  // per node: --mem, or --mem-per-cpu x cores
};

}  // namespace grader
