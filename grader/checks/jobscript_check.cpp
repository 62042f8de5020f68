// The jobscript check; see jobscript_check.h. Each requirement is one function of the parsed
// script that says met or not, and why, naming the line.
#include "grader/checks/jobscript_check.h"

#include <re2/re2.h>

#include <algorithm>
#include <cstdlib>
#include <set>

#include "grader/jobscript/parser.h"
#include "grader/util/slurm_time.h"
#include "grader/util/text.h"
#include "grader/util/units.h"

namespace grader {

namespace js = jobscript;

int JobscriptEvaluation::met() const {
  return static_cast<int>(
      std::count_if(requirements.begin(), requirements.end(), [](const Requirement& r) { return r.met; }));
}

namespace {

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool full_match(const std::string& text, const std::string& pattern) {
  RE2::Options o;
  o.set_log_errors(false);
  RE2 re(pattern, o);
  return re.ok() && RE2::FullMatch(text, re);
}

// How sbatch's option is usually written: "-t" for time, "--gres" for gres.
std::string flag(const std::string& option) {
  for (char c = '0'; c <= 'z'; ++c) {
    if (std::isalpha(static_cast<unsigned char>(c)) && js::long_option(c) == option)
      return std::string("-") + c;
  }
  return "--" + option;
}

std::string flag_names(const std::string& option) {
  std::string f = flag(option);
  return f == "--" + option ? f : "--" + option + " (" + f + ")";
}

class Evaluator {
 public:
  Evaluator(const JobscriptCheck& c, std::string_view text)
      : c_(c), script_(js::parse(text)), file_(c.file), profile_(c.profile ? &*c.profile : nullptr) {
    std::string_view t = text;
    std::size_t begin = 0;
    while (begin <= t.size()) {
      auto nl = t.find('\n', begin);
      std::string_view l =
          t.substr(begin, nl == std::string_view::npos ? std::string_view::npos : nl - begin);
      if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
      lines_.emplace_back(l);
      if (nl == std::string_view::npos) break;
      begin = nl + 1;
    }
  }

  JobscriptEvaluation run();

 private:
  std::string at(int line) const {
    std::string text =
        line >= 1 && line <= static_cast<int>(lines_.size()) ? std::string(trim(lines_[line - 1])) : "";
    return file_ + ":" + std::to_string(line) + ": '" + excerpt(text, 120) + "'";
  }
  std::string at(const js::Directive& d) const { return at(d.line); }
  std::string cluster_name() const { return profile_ ? profile_->name : "the cluster"; }

  // Where the author tried to give `option` but sbatch will not see it.
  std::string near_miss(const std::string& option) const;

  void add(std::string name, bool met, std::string message) {
    out_.requirements.push_back({std::move(name), met, std::move(message)});
  }

  void valid();
  void required(const std::string& option);
  void max_time(std::int64_t max_s);
  void cores(std::int64_t want);
  void max_memory(std::uint64_t max);
  void account(const std::string& pattern);
  void partition_pattern(const std::string& pattern);
  void partition_required();
  void cluster(const std::string& want);
  void gpu();
  const js::Command* first_python() const;
  std::vector<std::string> loaded_before(const js::Command& cmd) const;
  void module_before_python();
  void python_modules(const std::vector<std::string>& patterns);
  void runs(const std::string& script);
  void srun_for_parallel();
  void no_home_paths();

  const JobscriptCheck& c_;
  js::JobScript script_;
  std::string file_;
  const ClusterProfile* profile_;
  std::vector<std::string> lines_;
  JobscriptEvaluation out_;
  std::set<int> reported_lines_;  // issues already told in a requirement's message
};

std::string Evaluator::near_miss(const std::string& option) const {
  for (const auto& d : script_.ignored) {
    if (d.option == option) {
      return " (" + at(d) + " comes after the first command, line " +
             std::to_string(script_.first_command_line) + ", so sbatch ignores it)";
    }
  }
  for (const auto& issue : script_.issues) {
    if (issue.kind != js::Issue::Kind::NotADirective && issue.kind != js::Issue::Kind::LostHash) continue;
    std::string_view t = trim(issue.text);
    auto pos = lower(std::string(t)).find("sbatch");
    if (pos == std::string::npos) continue;
    js::JobScript probe = js::parse("#!/bin/sh\n#SBATCH " + std::string(t.substr(pos + 6)) + "\n");
    if (!probe.has(option)) continue;
    return issue.kind == js::Issue::Kind::LostHash
               ? " (" + at(issue.line) + " lost its '#': bash runs it as a command)"
               : " (" + at(issue.line) +
                     " is a comment, not a directive: "
                     "sbatch reads only lines that start with exactly '#SBATCH')";
  }
  return "";
}

void Evaluator::valid() {
  std::vector<std::string> problems;
  for (const auto& issue : script_.issues) {
    bool counts = issue.severity == js::Severity::Error || issue.kind == js::Issue::Kind::LostHash ||
                  issue.kind == js::Issue::Kind::IgnoredDirective;
    if (!counts) continue;
    reported_lines_.insert(issue.line);
    problems.push_back(at(issue.line) + " " + issue.message);
  }
  if (profile_) {
    // Only a profile that lists its features says which -C values exist; its GPU types count too.
    std::vector<std::string> known = profile_->features;
    if (profile_->gpu && !known.empty())
      for (const auto& t : profile_->gpu->types) known.push_back(t);
    for (const auto& d : script_.directives) {
      if (d.option == "constraint" && !known.empty()) {
        for (const auto& f : js::constraint_features(d.value)) {
          bool ok = std::any_of(known.begin(), known.end(),
                                [&](const std::string& k) { return lower(k) == lower(f); });
          if (ok) continue;
          std::string close = closest_match(f, known);
          problems.push_back(
              at(d) + " asks for the feature '" + f + "', which no node of " + cluster_name() + " has" +
              (close.empty() ? " (known: " + join(known) + ")" : "; did you mean '" + close + "'?"));
        }
      }
      if (d.option == "partition" && !profile_->partitions.empty()) {
        for (const auto& p : js::constraint_features(d.value)) {
          if (std::find(profile_->partitions.begin(), profile_->partitions.end(), p) !=
              profile_->partitions.end())
            continue;
          std::string close = closest_match(p, profile_->partitions);
          problems.push_back(at(d) + " names the partition '" + p + "', which " + cluster_name() +
                             " does not have" +
                             (close.empty() ? " (its partitions: " + join(profile_->partitions) + ")"
                                            : "; did you mean '" + close + "'?"));
        }
      }
    }
  }
  if (problems.empty()) {
    add("valid", true, file_ + ": sbatch accepts it");
  } else {
    add("valid", false, join(problems, "; "));
  }
}

void Evaluator::required(const std::string& option) {
  if (const js::Directive* d = script_.find(option)) {
    add(option, true, at(*d) + " gives " + flag(option));
    return;
  }
  add(option, false, file_ + ": no #SBATCH " + flag_names(option) + near_miss(option));
}

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

void Evaluator::cores(std::int64_t want) {
  std::int64_t got = script_.cores();
  std::vector<std::string> how;
  for (const char* o : {"nodes", "ntasks", "ntasks-per-node", "cpus-per-task"}) {
    if (const js::Directive* d = script_.find(o))
      how.push_back(d->written + (d->written.rfind("--", 0) == 0 ? "=" : " ") + d->value + " (line " +
                    std::to_string(d->line) + ")");
  }
  std::string from = how.empty() ? "no -n or -c, so 1 task of 1 core" : join(how);
  auto plural = [](std::int64_t n) { return std::to_string(n) + (n == 1 ? " core" : " cores"); };
  if (got == want) {
    add("cores", true, file_ + ": asks for " + plural(got) + " (" + from + ")");
  } else {
    add("cores", false,
        file_ + ": asks for " + plural(got) + " (" + from + "), not " + std::to_string(want) +
            near_miss("ntasks") + near_miss("cpus-per-task"));
  }
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

void Evaluator::gpu() {
  const GpuRules* rules = profile_ && profile_->gpu ? &*profile_->gpu : nullptr;
  bool want = c_.gpu.value_or(rules && rules->required);
  const js::Directive* partition = script_.find("partition");
  bool gpu_partition = rules && partition &&
                       std::find(rules->partitions.begin(), rules->partitions.end(), partition->value) !=
                           rules->partitions.end();
  std::vector<const js::Directive*> asks;
  for (const auto& d : script_.directives) {
    if (d.option == "gpus" || d.option == "gpus-per-node" || d.option == "gpus-per-task" ||
        d.option == "gpus-per-socket") {
      asks.push_back(&d);
    } else if (d.option == "gres") {
      auto g = js::parse_gres(d.value);
      bool gpuish =
          g ? std::any_of(g->begin(), g->end(), [](const js::GresSpec& s) { return s.name == "gpu"; })
            : lower(d.value).find("gpu") != std::string::npos;
      if (gpuish) asks.push_back(&d);
    }
  }
  bool requested = !asks.empty() || (gpu_partition && rules &&
                                     std::find(rules->request.begin(), rules->request.end(), "partition") !=
                                         rules->request.end());
  std::string example =
      rules && !rules->example.empty() ? "; on " + profile_->name + " write e.g. " + rules->example : "";

  if (!want) {
    if (requested) {
      const js::Directive* d = asks.empty() ? partition : asks.front();
      add("gpu", false, at(*d) + " asks for a GPU, which this job does not need");
    } else {
      add("gpu", true, file_ + ": asks for no GPU");
    }
    return;
  }
  if (!requested) {
    std::string why =
        rules && rules->required && !c_.gpu ? " (every job on " + profile_->name + " must)" : "";
    add("gpu", false, file_ + ": asks for no GPU" + why + example + near_miss("gres") + near_miss("gpus"));
    return;
  }
  if (rules && !rules->available) {
    add("gpu", false, at(*asks.front()) + " asks for a GPU, but " + profile_->name + " has no GPUs");
    return;
  }
  if (!rules) {
    add("gpu", true, at(*asks.front()) + " asks for a GPU");
    return;
  }

  // The types of GPU the cluster has, and the -C features that name one of them.
  auto is_type = [&](const std::string& t) {
    return std::any_of(rules->types.begin(), rules->types.end(),
                       [&](const std::string& k) { return lower(k) == lower(t); });
  };
  const js::Directive* constraint = script_.find("constraint");
  std::vector<std::string> type_features;
  if (constraint)
    for (const auto& f : js::constraint_features(constraint->value))
      if (is_type(f)) type_features.push_back(f);

  std::set<std::string> used;
  std::vector<std::string> problems;
  for (const js::Directive* d : asks) {
    std::string type;
    if (d->option == "gres") {
      auto g = js::parse_gres(d->value);
      if (!g) {
        problems.push_back(at(*d) + ": '" + d->value +
                           "' is not a gres specification; write gpu:N or gpu:TYPE:N");
        continue;
      }
      for (const auto& s : *g) {
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
      if (d->option == "gpus" && type.empty() && !type_features.empty()) used.insert("gpus-constraint");
    }
    if (!type.empty() && !rules->types.empty() && !is_type(type)) {
      std::string close = closest_match(lower(type), rules->types);
      problems.push_back(
          at(*d) + ": '" + type + "' is not a GPU type of " + profile_->name +
          (close.empty() ? " (" + join(rules->types) + ")" : "; did you mean '" + close + "'?"));
    }
  }
  if (gpu_partition) used.insert("partition");

  if (problems.empty() && !rules->request.empty() &&
      std::none_of(rules->request.begin(), rules->request.end(),
                   [&](const std::string& r) { return used.count(r) > 0; })) {
    bool wants_constraint =
        std::find(rules->request.begin(), rules->request.end(), "gpus-constraint") != rules->request.end();
    if (wants_constraint && used.count("gpus") && constraint) {
      std::vector<std::string> features = js::constraint_features(constraint->value);
      std::string bad = features.empty() ? constraint->value : features.front();
      std::string close = closest_match(lower(bad), rules->types);
      problems.push_back(
          at(*constraint) + ": '" + bad + "' is not a GPU type of " + profile_->name +
          (close.empty() ? " (" + join(rules->types) + ")" : "; did you mean '" + close + "'?"));
    } else if (wants_constraint && used.count("gpus")) {
      problems.push_back(at(*asks.front()) + " asks for a GPU without its type: add #SBATCH -C TYPE (" +
                         join(rules->types) + ")");
    } else {
      const js::Directive* d = asks.empty() ? partition : asks.front();
      problems.push_back(at(*d) + " is not how " + profile_->name + " takes GPU requests" + example);
    }
  }
  if (problems.empty() && !rules->partitions.empty() && !gpu_partition) {
    problems.push_back(file_ + ": GPU jobs on " + profile_->name + " run in partition " +
                       join(rules->partitions, " or ") + ": add #SBATCH -p " + rules->partitions.front() +
                       near_miss("partition"));
  }
  if (!problems.empty()) {
    add("gpu", false, join(problems, "; "));
    return;
  }
  const js::Directive* d = asks.empty() ? partition : asks.front();
  add("gpu", true, at(*d) + " asks for a GPU as " + profile_->name + " wants it");
}

const js::Command* Evaluator::first_python() const {
  for (const auto& cmd : script_.commands)
    if (cmd.kind == js::CommandKind::Python) return &cmd;
  return nullptr;
}

// The modules loaded when `cmd` starts, by the script's own module commands.
std::vector<std::string> Evaluator::loaded_before(const js::Command& cmd) const {
  std::vector<std::string> loaded;
  for (const auto& c : script_.commands) {
    if (&c == &cmd) break;
    if (c.kind != js::CommandKind::Module) continue;
    if (c.module_action == "purge") loaded.clear();
    auto same = [](const std::string& a, const std::string& b) {
      // "python" unloads "python/3.11.8"
      return a == b || a.rfind(b + "/", 0) == 0 || b.rfind(a + "/", 0) == 0;
    };
    for (const auto& u : c.unloads)
      loaded.erase(
          std::remove_if(loaded.begin(), loaded.end(), [&](const std::string& m) { return same(m, u); }),
          loaded.end());
    for (const auto& l : c.loads) loaded.push_back(l);
  }
  return loaded;
}

void Evaluator::module_before_python() {
  const js::Command* py = first_python();
  if (!py) {
    add("module_before_python", false, file_ + ": runs no python");
    return;
  }
  std::vector<std::string> loaded = loaded_before(*py);
  if (!loaded.empty()) {
    add("module_before_python", true, at(py->line) + " runs after 'module load " + join(loaded, " ") + "'");
    return;
  }
  std::string later;
  for (const auto& c : script_.commands) {
    if (c.kind == js::CommandKind::Module && !c.loads.empty() && c.line >= py->line) {
      later = " (the module load at line " + std::to_string(c.line) + " comes too late)";
      break;
    }
  }
  add("module_before_python", false, at(py->line) + " runs before any module is loaded" + later);
}

void Evaluator::python_modules(const std::vector<std::string>& patterns) {
  const js::Command* py = first_python();
  std::string hint;
  if (profile_ && !profile_->python.recommended.empty())
    hint = "; on " + profile_->name + " the course loads " + join(profile_->python.recommended, " ");
  if (!py) {
    add("python_modules", false, file_ + ": runs no python" + hint);
    return;
  }
  std::vector<std::string> loaded = loaded_before(*py);
  for (const auto& m : loaded) {
    for (const auto& p : patterns) {
      if (full_match(m, p)) {
        add("python_modules", true, at(py->line) + " runs with the module " + m);
        return;
      }
    }
  }
  std::string what = loaded.empty() ? "no module is loaded"
                                    : "the modules loaded are " + join(loaded, " ") +
                                          ", none a Python module for " + cluster_name();
  add("python_modules", false, at(py->line) + ": when it runs, " + what + hint);
}

void Evaluator::runs(const std::string& script) {
  for (const auto& cmd : script_.commands) {
    if (cmd.kind != js::CommandKind::Python) continue;
    auto base = [](const std::string& p) {
      auto s = p.rfind('/');
      return s == std::string::npos ? p : p.substr(s + 1);
    };
    if (base(cmd.program) == script) {
      add("runs", true, at(cmd.line) + " runs " + script);
      return;
    }
    for (const auto& a : cmd.args) {
      if (a.rfind("-", 0) == 0) continue;
      if (base(a) == script) {
        add("runs", true, at(cmd.line) + " runs " + script);
        return;
      }
      break;  // the first non-option argument is the script
    }
  }
  add("runs", false, file_ + ": no python command runs " + script);
}

void Evaluator::srun_for_parallel() {
  std::int64_t tasks = script_.tasks();
  std::vector<std::string> problems;
  bool any = false;
  for (const auto& cmd : script_.commands) {
    if (cmd.kind != js::CommandKind::Python) continue;
    any = true;
    if (tasks > 1 && cmd.launcher.empty()) {
      problems.push_back(at(cmd.line) + " runs one copy of python, though the job asks for " +
                         std::to_string(tasks) + " tasks: start it with srun (or mpirun)");
    }
    if (cmd.launcher == "mpirun" || cmd.launcher == "mpiexec") {
      for (std::size_t i = 0; i + 1 < cmd.launcher_args.size(); ++i) {
        const std::string& o = cmd.launcher_args[i];
        if ((o == "-np" || o == "-n") &&
            std::strtoll(cmd.launcher_args[i + 1].c_str(), nullptr, 10) != tasks) {
          problems.push_back(at(cmd.line) + " starts " + cmd.launcher_args[i + 1] +
                             " processes, but the job asks for " + std::to_string(tasks) + " tasks");
        }
      }
    }
  }
  if (!any) problems.push_back(file_ + ": runs no python");
  if (problems.empty()) {
    add("srun_for_parallel", true,
        file_ + (tasks > 1 ? ": python runs under a launcher for its " + std::to_string(tasks) + " tasks"
                           : ": one task, so python needs no launcher"));
  } else {
    add("srun_for_parallel", false, join(problems, "; "));
  }
}

void Evaluator::no_home_paths() {
  static const RE2 kHome(
      R"((?:^|[\s='":;(])(/home\d*/[^\s'"]*|/Users/[^\s'"]*|/cfs/klemming/home/[^\s'"]*|/pfs/[^\s/]+/users/home/[^\s'"]*|~[a-z_][a-z0-9_-]*))");
  std::vector<std::string> problems;
  for (std::size_t i = 0; i < lines_.size(); ++i) {
    std::string_view t = trim(lines_[i]);
    if (t.empty() || (t.front() == '#' && t.rfind("#SBATCH", 0) != 0)) continue;
    std::string path;
    if (RE2::PartialMatch(std::string(t), kHome, &path)) {
      problems.push_back(
          at(static_cast<int>(i) + 1) + " uses " + path +
          ", a path into someone's home directory; use a relative path, $HOME or the project's directory");
    }
  }
  if (problems.empty()) {
    add("no_home_paths", true, file_ + ": no absolute paths into a home directory");
  } else {
    add("no_home_paths", false, join(problems, "; "));
  }
}

JobscriptEvaluation Evaluator::run() {
  valid();
  for (const auto& o : c_.require) required(o);
  if (c_.max_time_s) max_time(*c_.max_time_s);
  if (c_.cores) cores(*c_.cores);
  if (c_.max_memory) max_memory(*c_.max_memory);
  if (c_.account) account(*c_.account);
  if (c_.partition) partition_pattern(*c_.partition);
  if (profile_ && profile_->partition_required && !c_.partition) partition_required();
  std::string want_cluster = c_.cluster.value_or(profile_ ? profile_->cluster : "");
  if (!want_cluster.empty()) cluster(want_cluster);
  if (c_.gpu || (profile_ && profile_->gpu && profile_->gpu->required)) gpu();
  if (c_.module_before_python) module_before_python();
  if (!c_.python_modules.empty()) python_modules(c_.python_modules);
  if (c_.runs) runs(*c_.runs);
  if (c_.srun_for_parallel) srun_for_parallel();
  if (c_.no_home_paths) no_home_paths();

  // Lines that look like directives but are not, which no requirement mentioned.
  for (const auto& issue : script_.issues) {
    if (reported_lines_.count(issue.line)) continue;
    bool told = std::any_of(out_.requirements.begin(), out_.requirements.end(), [&](const Requirement& r) {
      return r.message.find(file_ + ":" + std::to_string(issue.line) + ":") != std::string::npos;
    });
    if (!told) out_.notes.push_back(at(issue.line) + " " + issue.message);
  }
  return out_;
}

}  // namespace

JobscriptEvaluation evaluate_jobscript(const JobscriptCheck& check, std::string_view text) {
  return Evaluator(check, text).run();
}

}  // namespace grader
