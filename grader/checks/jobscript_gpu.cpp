// The jobscript check's GPU requirement: a GPU asked for (or not) as the job needs and, with a
// profile, in the syntax, of a type and in a partition the cluster takes. See
// jobscript_evaluator.h.
#include <algorithm>

#include "grader/checks/jobscript_evaluator.h"
#include "grader/util/text.h"

namespace grader::jobscript_eval {

namespace {

bool is_gpu_option(const std::string& option) {
  return option == "gpus" || option == "gpus-per-node" || option == "gpus-per-task" ||
         option == "gpus-per-socket";
}

bool in(const std::vector<std::string>& items, const std::string& item) {
  return std::find(items.begin(), items.end(), item) != items.end();
}

// "gpu", or one letter from it (gpus, GPU): meant as a GPU, whatever sbatch makes of it.
bool names_gpu(const std::string& gres) {
  return gres == "gpu" || !did_you_mean(gres, {"gpu"}).empty();
}

bool is_typed(const std::string& syntax) {
  return syntax.ends_with("-typed");
}

// Whether the cluster takes a GPU request written in `syntax`. Where its GPUs are typed
// generic resources (it takes one typed form), Slurm resolves every typed form to the same gres:
// sbatch(1) gives --gpus, --gpus-per-node and --gpus-per-task as [type:]N and --gres as
// name[[:type]:count], so Pelle's --gres=gpu:l40s:1 is its --gpus=l40s:1, and Alvis's
// --gpus=T4:1 its --gpus-per-node=T4:1 on one node.
bool takes(const GpuRules& rules, const std::string& syntax) {
  if (in(rules.request, syntax)) return true;
  return is_typed(syntax) && std::any_of(rules.request.begin(), rules.request.end(), is_typed);
}

}  // namespace

GpuRequest Evaluator::gpu_request() const {
  GpuRequest r;
  r.rules = profile_ && profile_->gpu ? &*profile_->gpu : nullptr;
  r.partition = script_.find("partition");
  r.gpu_partition = r.rules && r.partition && in(r.rules->partitions, r.partition->value);
  for (const auto& d : script_.directives) {
    if (is_gpu_option(d.option)) {
      r.asks.push_back(&d);
    } else if (d.option == "gres") {
      auto g = js::parse_gres(d.value);
      bool gpuish =
          g ? std::any_of(g->begin(), g->end(), [](const js::GresSpec& s) { return names_gpu(s.name); })
            : to_lower(d.value).find("gpu") != std::string::npos;
      if (gpuish) r.asks.push_back(&d);
    }
  }
  r.requested = !r.asks.empty() || (r.gpu_partition && r.rules && in(r.rules->request, "partition"));
  if (r.rules && !r.rules->example.empty())
    r.example = "; on " + profile_->name + " write e.g. " + r.rules->example;
  return r;
}

void Evaluator::gpu() {
  GpuRequest r = gpu_request();
  bool want = c_.gpu.value_or(r.rules && r.rules->required);
  if (!want) {
    if (r.requested) {
      const js::Directive* d = r.asks.empty() ? r.partition : r.asks.front();
      add("gpu", false, at(*d) + " asks for a GPU, which this job does not need");
    } else {
      add("gpu", true, file_ + ": asks for no GPU");
    }
    return;
  }
  if (!r.requested) {
    std::string why =
        r.rules && r.rules->required && !c_.gpu ? " (every job on " + profile_->name + " must)" : "";
    add("gpu", false, file_ + ": asks for no GPU" + why + r.example + near_miss("gres") + near_miss("gpus"));
    return;
  }
  if (r.rules && !r.rules->available) {
    add("gpu", false, at(*r.asks.front()) + " asks for a GPU, but " + profile_->name + " has no GPUs");
    return;
  }
  if (!r.rules) {
    add("gpu", true, at(*r.asks.front()) + " asks for a GPU");
    return;
  }

  std::set<std::string> used;  // the request syntaxes the job's GPU options are written in
  std::vector<std::string> problems = gpu_ask_problems(r, used);
  if (r.gpu_partition) used.insert("partition");
  if (problems.empty() && !r.rules->request.empty() &&
      std::none_of(used.begin(), used.end(),
                   [&](const std::string& syntax) { return takes(*r.rules, syntax); }))
    gpu_syntax_problem(r, used, problems);
  if (problems.empty() && !r.rules->partitions.empty() && !r.gpu_partition) {
    problems.push_back(file_ + ": GPU jobs on " + profile_->name + " run in partition " +
                       join(r.rules->partitions, " or ") + ": add #SBATCH -p " + r.rules->partitions.front() +
                       near_miss("partition"));
  }
  if (!problems.empty()) {
    add("gpu", false, join(problems, "\n"));
    return;
  }
  const js::Directive* d = r.asks.empty() ? r.partition : r.asks.front();
  add("gpu", true, at(*d) + " asks for a GPU as " + profile_->name + " wants it");
}

bool Evaluator::is_gpu_type(const GpuRules& rules, const std::string& type) const {
  return std::any_of(rules.types.begin(), rules.types.end(),
                     [&](const std::string& k) { return to_lower(k) == to_lower(type); });
}

// Each GPU option: well formed, of a type the cluster has; the syntaxes used go into `used`.
std::vector<std::string> Evaluator::gpu_ask_problems(const GpuRequest& r, std::set<std::string>& used) const {
  const GpuRules& rules = *r.rules;
  // The -C features that name a GPU type: with --gpus=N, the gpus-constraint syntax.
  const js::Directive* constraint = script_.find("constraint");
  bool typed_by_constraint = false;
  if (constraint)
    for (const auto& f : js::constraint_features(constraint->value))
      if (is_gpu_type(rules, f) || in(rules.features, to_lower(f))) typed_by_constraint = true;

  std::vector<std::string> problems;
  for (const js::Directive* d : r.asks) {
    std::string type;
    if (d->option == "gres") {
      auto g = js::parse_gres(d->value);
      if (!g) {
        problems.push_back(at(*d) + ": '" + d->value +
                           "' is not a gres specification; write gpu:N or gpu:TYPE:N");
        continue;
      }
      for (const auto& s : *g) {
        if (s.name != "gpu" && names_gpu(s.name))
          problems.push_back(at(*d) + " asks for the gres '" + s.name + "', which Slurm does not know" +
                             did_you_mean(s.name, {"gpu"}));
        if (s.name != "gpu") continue;
        used.insert(s.type.empty() ? "gres" : "gres-typed");
        type = s.type;
      }
    } else {
      auto g = js::parse_gpus(d->value);
      if (!g) {
        problems.push_back(at(*d) + ": '" + d->value + "' is not a GPU count ([TYPE:]N)");
        continue;
      }
      type = g->type;
      std::string base = d->option == "gpus-per-socket" ? "gpus" : d->option;
      used.insert(type.empty() ? base : base + "-typed");
      if (d->option == "gpus-per-task" && !type.empty()) used.insert("gpus-per-task");
      if (d->option == "gpus" && type.empty() && typed_by_constraint) used.insert("gpus-constraint");
    }
    if (!type.empty() && !rules.types.empty() && !is_gpu_type(rules, type)) {
      problems.push_back(at(*d) + ": '" + type + "' is not a GPU type of " + profile_->name +
                         known_instead(to_lower(type), rules.types, ""));
    }
  }
  return problems;
}

// The job asks for a GPU in none of the syntaxes the cluster takes: say what is wrong with it.
void Evaluator::gpu_syntax_problem(const GpuRequest& r, const std::set<std::string>& used,
                                   std::vector<std::string>& problems) const {
  const GpuRules& rules = *r.rules;
  const js::Directive* constraint = script_.find("constraint");
  bool wants_constraint = in(rules.request, "gpus-constraint");
  if (wants_constraint && used.count("gpus") && constraint) {
    std::vector<std::string> features = js::constraint_features(constraint->value);
    std::string bad = features.empty() ? constraint->value : features.front();
    problems.push_back(at(*constraint) + ": '" + bad + "' is not a GPU type of " + profile_->name +
                       known_instead(to_lower(bad), rules.types, ""));
  } else if (wants_constraint && used.count("gpus")) {
    problems.push_back(at(*r.asks.front()) + " asks for a GPU without its type: add #SBATCH -C TYPE (" +
                       join(rules.types) + ")");
  } else {
    const js::Directive* d = r.asks.empty() ? r.partition : r.asks.front();
    problems.push_back(at(*d) + " is not how " + profile_->name + " takes GPU requests" + r.example);
    // The form is wrong, and the -C beside it may be a slip of its own (Kebnekaise's
    // --gres=gpu:1 -C l40a): say both, since fixing the form alone still fails.
    if (!constraint) return;
    for (const std::string& f : js::constraint_features(constraint->value)) {
      const std::string lower = to_lower(f);
      if (is_gpu_type(rules, f) || in(rules.features, lower)) continue;
      std::string guess = did_you_mean(lower, rules.types);
      if (!guess.empty())
        problems.push_back(at(*constraint) + ": '" + f + "' is not a GPU type of " + profile_->name + guess);
    }
  }
}

}  // namespace grader::jobscript_eval
