// What a learner's jobscript may ask of the cluster; see vetting.h.
#include "grader/jobscript/vetting.h"

#include <algorithm>
#include <utility>

#include "grader/jobscript/asked.h"
#include "grader/jobscript/values.h"
#include "grader/util/slurm_time.h"
#include "grader/util/text.h"
#include "grader/util/units.h"

namespace grader::jobscript {

namespace {

struct RefusedOption {
  std::string option;
  std::string why;
};

// sbatch(1) options that would take the job out of the grader's hands.
const std::vector<RefusedOption> kRefused = {
    {"array", "it makes one job per index, which the grader does not follow; submit a single job"},
    {"dependency", "it makes the job wait for another job"},
    {"begin", "it holds the job back until later"},
    {"deadline", "it lets Slurm drop the job unstarted"},
    {"hold", "it submits the job held, so it never starts by itself"},
    {"wait", "it makes sbatch wait for the job, which the grader does itself"},
    {"test-only", "it only tests the script: nothing would run"},
    {"wrap", "it replaces the script by a command line"},
    {"requeue", "it lets Slurm restart the job, and its output with it"},
    {"uid", "it runs the job as another user"},
    {"gid", "it runs the job as another group"},
    {"export", "the grader gives the job its environment"},
    {"export-file", "the grader gives the job its environment"},
    {"get-user-env", "the grader gives the job its environment"},
    {"mail-type", "a graded job sends no mail: the grader watches it"},
    {"mail-user", "a graded job sends no mail: the grader watches it"},
    {"chdir", "the job runs in the directory the grader staged your files in"},
    {"priority", "it changes the job's place among other users' jobs"},
};

std::string shown(const Directive& d) {
  return "`" + d.text + "`";
}

void over(std::vector<Refusal>& out, const Asked& a, std::optional<std::int64_t> limit, const char* noun) {
  if (!limit || a.amount <= *limit || !a.where) return;
  out.push_back({a.where->line, shown(*a.where) + " asks for " + counted(a.amount, noun) +
                                    "; a graded job may use at most " + std::to_string(*limit)});
}

void vet_time(const JobScript& js, const JobLimits& limits, std::vector<Refusal>& out) {
  const Directive* d = js.find("time");
  if (!limits.time_s || !d) return;
  std::optional<SlurmTime> t = parse_slurm_time(d->value);
  if (!t) return;  // a malformed value is sbatch's to refuse
  SlurmTime most_allowed{*limits.time_s, false};
  if (!t->unlimited && t->seconds <= *limits.time_s) return;
  out.push_back({d->line, shown(*d) + " asks for " +
                              (t->unlimited ? "no time limit" : describe_slurm_time(*t)) +
                              "; a graded job may run at most " + describe_slurm_time(most_allowed)});
}

void vet_memory(const JobScript& js, const JobLimits& limits, std::int64_t nodes, std::vector<Refusal>& out) {
  if (!limits.memory_bytes) return;
  const std::string allowed =
      "; a graded job may use at most " + format_size(*limits.memory_bytes) + " per node";
  if (const Directive* d = js.find("mem")) {
    std::optional<std::uint64_t> m = parse_memory(d->value);
    if (m && *m == 0) out.push_back({d->line, shown(*d) + " asks for all of a node's memory" + allowed});
    if (m && *m > *limits.memory_bytes)
      out.push_back({d->line, shown(*d) + " asks for " + format_size(*m) + " per node" + allowed});
    return;
  }
  if (const Directive* d = js.find("mem-per-cpu")) {
    std::optional<std::uint64_t> m = parse_memory(d->value);
    auto cores = static_cast<std::uint64_t>(std::max<std::int64_t>(1, ceil_div(js.cores(), nodes)));
    if (m && *m * cores > *limits.memory_bytes)
      out.push_back({d->line, shown(*d) + " asks for " + format_size(*m * cores) + " per node (" +
                                  counted(static_cast<std::int64_t>(cores), "core") + ")" + allowed});
  }
}

}  // namespace

std::vector<Refusal> vet(const JobScript& js, const JobLimits& limits) {
  std::vector<Refusal> out;
  for (const Directive& d : js.directives)
    for (const RefusedOption& r : kRefused)
      if (d.option == r.option)
        out.push_back({d.line, shown(d) + " is not allowed in a graded job: " + r.why});
  Asked nodes = nodes_asked(js);
  over(out, nodes, limits.nodes, "node");
  over(out, {js.tasks(), js.find("ntasks") ? js.find("ntasks") : js.find("ntasks-per-node")}, limits.tasks,
       "task");
  over(out, {js.cores(), js.find("cpus-per-task") ? js.find("cpus-per-task") : js.find("ntasks")},
       limits.cores, "core");
  over(out, gpus_asked(js, nodes.amount), limits.gpus, "GPU");
  vet_time(js, limits, out);
  vet_memory(js, limits, nodes.amount, out);
  std::stable_sort(out.begin(), out.end(),
                   [](const Refusal& a, const Refusal& b) { return a.line < b.line; });
  return out;
}

}  // namespace grader::jobscript
