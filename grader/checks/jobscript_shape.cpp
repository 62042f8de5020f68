// The jobscript check's judgement of a job's shape: nodes and GPUs beyond what the cluster's
// nodes have. A job that asks for more GPUs on one node than any node has never starts (sbatch:
// "Requested node configuration is not available"); one that asks for more in all, or for many
// tasks one per node, is spread over as many nodes and waits for them all, which the course's
// single-process GPU and multiprocessing programs never use. See jobscript_evaluator.h.
#include "grader/checks/jobscript_evaluator.h"
#include "grader/jobscript/asked.h"
#include "grader/util/text.h"

namespace grader::jobscript_eval {

namespace {

std::int64_t gpu_nodes_per(const GpuRules& rules) {
  return rules.per_node.value_or(0);
}

}  // namespace

// Errors, for valid(): more GPUs on one node than any GPU node of the cluster has.
void Evaluator::impossible_shape(std::vector<std::string>& problems) const {
  if (!profile_ || !profile_->gpu || gpu_nodes_per(*profile_->gpu) == 0) return;
  const std::int64_t per = gpu_nodes_per(*profile_->gpu);
  std::optional<js::Asked> on_one = js::gpus_per_node_asked(script_);
  if (!on_one || on_one->amount <= per || !on_one->where) return;
  problems.push_back(at(*on_one->where) + " asks for " + counted(on_one->amount, "GPU") +
                     " on one node, but the GPU nodes of " + profile_->name + " have at most " +
                     std::to_string(per) + ": the job would never start");
}

// Warnings: a job spread over many nodes without saying -N.
void Evaluator::spread_shape() {
  if (script_.find("nodes")) return;  // -N says how many nodes are meant
  js::Asked nodes = js::nodes_asked(script_);
  if (nodes.amount > 1 && nodes.where) {
    out_.notes.push_back(
        at(*nodes.where) + " with -n " + std::to_string(script_.tasks()) + " asks for " +
        counted(nodes.amount, "node") + ", " + counted(js::most(nodes.where).value_or(1), "task") +
        " on each; a program on one node (multiprocessing, numba, one GPU) asks for -N 1, or "
        "-n 1 -c N");
    return;
  }
  if (!profile_ || !profile_->gpu || gpu_nodes_per(*profile_->gpu) == 0) return;
  const std::int64_t per = gpu_nodes_per(*profile_->gpu);
  js::Asked gpus = js::gpus_asked(script_, 1);
  if (gpus.amount <= per || !gpus.where) return;
  out_.notes.push_back(at(*gpus.where) + " asks for " + counted(gpus.amount, "GPU") + " in all" +
                       (gpus.where->option == "gpus-per-task"
                            ? " (one set per task, " + counted(script_.tasks(), "task") + ")"
                            : "") +
                       ", but the GPU nodes of " + profile_->name + " have " +
                       (per == 1 ? "one each" : "at most " + std::to_string(per)) +
                       ": the job is spread over " + counted(js::ceil_div(gpus.amount, per), "GPU node") +
                       " and waits for them all; one process that uses a GPU asks for -n 1");
}

}  // namespace grader::jobscript_eval
