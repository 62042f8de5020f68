// How much of the cluster a jobscript asks for, read from its directives the way Slurm adds them
// up (sbatch(1)): nodes given with -N or implied by -n over --ntasks-per-node, and GPUs in all
// and per node from --gpus, --gres=gpu:N, --gpus-per-node and --gpus-per-task. Shared by the
// vetting of graded jobs and by the jobscript check's judgement of a job's shape. Pure.
#pragma once

#include <cstdint>
#include <optional>

#include "grader/jobscript/parser.h"

namespace grader::jobscript {

// One kind of request: the amount, and the directive that asks for it (null: nothing asked,
// the amount is Slurm's default).
struct Asked {
  std::int64_t amount = 0;
  const Directive* where = nullptr;
};

// The largest value of a count ("4", or "2-4" for a range: Slurm may give the most).
std::optional<std::int64_t> most(const Directive* d);

// Nodes: -N, or more when -n over --ntasks-per-node needs more (`where` then names the latter).
Asked nodes_asked(const JobScript& js);

// GPUs in all over `nodes` nodes: --gpus, --gres=gpu:N and --gpus-per-node per node,
// --gpus-per-task per task; the largest of them.
Asked gpus_asked(const JobScript& js, std::int64_t nodes);

// GPUs on each node, where the directives fix it: --gres=gpu:N and --gpus-per-node, and
// --gpus-per-task times --ntasks-per-node; nullopt when Slurm decides how they are spread.
std::optional<Asked> gpus_per_node_asked(const JobScript& js);

std::int64_t ceil_div(std::int64_t a, std::int64_t b);

}  // namespace grader::jobscript
