// The jobscript check's requirements on resources and placement: time, cores, memory, account,
// partition and cluster (-M). See jobscript_evaluator.h.
#include <algorithm>

#include "grader/checks/jobscript_evaluator.h"
#include "grader/util/slurm_time.h"
#include "grader/util/text.h"
#include "grader/util/units.h"

namespace grader::jobscript_eval {

void Evaluator::max_time(std::int64_t max_s) {
  SlurmTime max{static_cast<double>(max_s), false};
  std::string allowed = describe_slurm_time(max);
  const js::Directive* d = script_.find("time");
  if (!d) {
    add("max_time", false,
        file_ + ": no #SBATCH -t: the job gets the partition's default time limit, not at most " + allowed +
            near_miss("time"));
    return;
  }
  auto t = parse_slurm_time(d->value);
  if (!t) {
    add("max_time", false,
        at(*d) + ": '" + d->value + "' is not a Slurm time (M, M:S, H:M:S, D-H, D-H:M, D-H:M:S)");
    return;
  }
  SlurmTime granted{static_cast<double>(t->minutes() * 60), t->unlimited};
  if (t->unlimited || granted.seconds > max_s) {
    add("max_time", false,
        at(*d) + " asks for " + describe_slurm_time(granted) + ", more than the allowed " + allowed);
    return;
  }
  add("max_time", true, at(*d) + " asks for " + describe_slurm_time(granted) + " (at most " + allowed + ")");
}

namespace {

// "-n 2 (line 4), --ntasks-per-node=1 (line 5)": the directives a count was read from.
std::string written_as(const js::JobScript& script, std::initializer_list<const char*> options) {
  std::vector<std::string> how;
  for (const char* o : options) {
    if (const js::Directive* d = script.find(o))
      how.push_back(d->written + (d->written.rfind("--", 0) == 0 ? "=" : " ") + d->value + " (line " +
                    std::to_string(d->line) + ")");
  }
  return join(how);
}

}  // namespace

// "job.sh: asks for 2 tasks (-n 2 (line 5))": met when the job asks for exactly `want`.
void Evaluator::exact_count(const std::string& name, const std::string& noun, std::int64_t got,
                            std::int64_t want, const std::string& from, const std::string& near) {
  std::string asked = file_ + ": asks for " + counted(got, noun) + " (" + from + ")";
  if (got == want) {
    add(name, true, asked);
  } else {
    add(name, false, asked + ", not " + std::to_string(want) + near);
  }
}

void Evaluator::cores(std::int64_t want) {
  std::string from = written_as(script_, {"nodes", "ntasks", "ntasks-per-node", "cpus-per-task"});
  exact_count("cores", "core", script_.cores(), want,
              from.empty() ? "no -n or -c, so 1 task of 1 core" : from,
              near_miss("ntasks") + near_miss("cpus-per-task"));
}

void Evaluator::tasks(std::int64_t want) {
  std::string from = written_as(script_, {"nodes", "ntasks", "ntasks-per-node"});
  exact_count("tasks", "task", script_.tasks(), want, from.empty() ? "no -n, so 1 task" : from,
              near_miss("ntasks"));
}

void Evaluator::max_memory(std::uint64_t max) {
  const js::Directive* mem = script_.find("mem");
  const js::Directive* per_cpu = script_.find("mem-per-cpu");
  if (!mem && !per_cpu) {
    add("max_memory", true, file_ + ": asks for no memory; the cluster's default per core applies");
    return;
  }
  const js::Directive* d = mem ? mem : per_cpu;
  auto bytes = js::parse_memory(d->value);
  if (!bytes) {
    add("max_memory", false, at(*d) + ": '" + d->value + "' is not a memory size");
    return;
  }
  std::uint64_t total =
      mem ? *bytes : *bytes * static_cast<std::uint64_t>(std::max<std::int64_t>(1, script_.cores()));
  if (total == 0 || total > max) {
    add("max_memory", false,
        at(*d) + " asks for " + (total == 0 ? "all the memory of the node" : format_size(total)) +
            ", more than the allowed " + format_size(max));
  } else {
    add("max_memory", true,
        at(*d) + " asks for " + format_size(total) + " (at most " + format_size(max) + ")");
  }
}

void Evaluator::account(const std::string& pattern) {
  const js::Directive* d = script_.find("account");
  std::string hint;
  if (profile_ && !profile_->course_accounts.empty())
    hint = "; the course's project on " + profile_->name + " is " + profile_->course_accounts.front();
  if (!d) {
    add("account_pattern", false, file_ + ": no #SBATCH -A (--account)" + near_miss("account") + hint);
    return;
  }
  if (!full_match(d->value, pattern)) {
    add("account_pattern", false,
        at(*d) + ": '" + d->value + "' is not a project account on " + cluster_name() + " (expected /" +
            pattern + "/)" + hint);
    return;
  }
  add("account_pattern", true, at(*d) + " uses the project " + d->value);
}

void Evaluator::partition_pattern(const std::string& pattern) {
  const js::Directive* d = script_.find("partition");
  if (!d) {
    add("partition", false, file_ + ": no #SBATCH -p (--partition)" + near_miss("partition"));
  } else if (!full_match(d->value, pattern)) {
    add("partition", false,
        at(*d) + ": partition '" + d->value + "' is not the one this job should use (/" + pattern + "/)");
  } else {
    add("partition", true, at(*d) + " uses partition " + d->value);
  }
}

void Evaluator::partition_required() {
  const js::Directive* d = script_.find("partition");
  if (d) {
    add("cluster_partition", true, at(*d) + " names a partition, as " + profile_->name + " requires");
  } else {
    add("cluster_partition", false,
        file_ + ": no #SBATCH -p: every job on " + profile_->name + " must name a partition (" +
            join(profile_->partitions) + ")" + near_miss("partition"));
  }
}

void Evaluator::cluster(const std::string& want) {
  const js::Directive* d = script_.find("clusters");
  if (!d) {
    add("cluster", false,
        file_ + ": no #SBATCH -M " + want +
            ": without it the job runs on the cluster it is submitted "
            "from, not on " +
            want + near_miss("clusters"));
    return;
  }
  auto names = js::constraint_features(d->value);
  if (std::find(names.begin(), names.end(), want) == names.end()) {
    add("cluster", false, at(*d) + " sends the job to " + d->value + ", not to " + want);
    return;
  }
  add("cluster", true, at(*d) + " sends the job to " + want);
}

}  // namespace grader::jobscript_eval
