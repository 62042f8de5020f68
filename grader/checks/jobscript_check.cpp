// The jobscript check; see jobscript_check.h. Each requirement is one method of the Evaluator
// (jobscript_evaluator.h) that says met or not, and why, naming the line; this file has the
// evaluator's frame, the script's validity and the options it must give.
#include "grader/checks/jobscript_check.h"

#include <re2/re2.h>

#include <algorithm>

#include "grader/checks/jobscript_evaluator.h"
#include "grader/jobscript/slips.h"
#include "grader/util/text.h"

namespace grader {

int JobscriptEvaluation::met() const {
  return static_cast<int>(
      std::count_if(requirements.begin(), requirements.end(), [](const Requirement& r) { return r.met; }));
}

JobscriptEvaluation evaluate_jobscript(const JobscriptCheck& check, std::string_view text) {
  return jobscript_eval::Evaluator(check, text).run();
}

namespace jobscript_eval {

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

std::string known_instead(const std::string& word, const std::vector<std::string>& known,
                          const std::string& list_intro) {
  std::string guess = did_you_mean(word, known);
  return guess.empty() ? " (" + list_intro + join(known) + ")" : guess;
}

std::string flag_names(const std::string& option) {
  std::string f = flag(option);
  return f == "--" + option ? f : "--" + option + " (" + f + ")";
}

Evaluator::Evaluator(const JobscriptCheck& c, std::string_view text)
    : c_(c), script_(js::parse(text)), file_(c.file), profile_(c.profile ? &*c.profile : nullptr) {
  std::string_view t = text;
  std::size_t begin = 0;
  while (begin <= t.size()) {
    auto nl = t.find('\n', begin);
    std::string_view l = t.substr(begin, nl == std::string_view::npos ? std::string_view::npos : nl - begin);
    if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
    lines_.emplace_back(l);
    if (nl == std::string_view::npos) break;
    begin = nl + 1;
  }
}

std::string Evaluator::at(int line) const {
  std::string text =
      line >= 1 && line <= static_cast<int>(lines_.size()) ? std::string(trim(lines_[line - 1])) : "";
  return file_ + ":" + std::to_string(line) + ": '" + excerpt(text, 120) + "'";
}

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
    auto pos = to_lower(std::string(t)).find("sbatch");
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
  for (const auto& d : script_.directives) {
    if (d.option == "gres") misspelt_gres(d, problems);
    if (profile_ && d.option == "constraint") unknown_features(d, problems);
    if (profile_ && d.option == "partition") unknown_partitions(d, problems);
  }
  impossible_shape(problems);
  if (problems.empty()) {
    add("valid", true, file_ + ": sbatch accepts it");
  } else {
    add("valid", false, join(problems, "\n"));
  }
}

// A gres one letter from Slurm's "gpu" (--gres=gpus:1, the course's legacy scikit-learn.sh):
// no cluster defines it, so sbatch refuses the job ("Invalid generic resource specification"),
// whether or not the check asks about GPUs.
void Evaluator::misspelt_gres(const js::Directive& d, std::vector<std::string>& problems) const {
  auto specs = js::parse_gres(d.value);
  if (!specs) return;  // malformed: the gpu requirement says how to write it
  for (const auto& g : *specs) {
    if (g.name == "gpu") continue;
    std::string guess = did_you_mean(g.name, {"gpu"});
    if (!guess.empty())
      problems.push_back(at(d) + " asks for the gres '" + g.name + "', which Slurm does not know" + guess);
  }
}

// -C features no node of the cluster has. A profile that lists its features says which exist
// (its GPU types and GPU features count too); one that lists only GPU types and features still
// catches a near miss of one (Kebnekaise's -C l40a for l40s), which no node has either; when
// the check judges the GPU request, the gpu requirement says so once, as a wrong GPU type.
void Evaluator::unknown_features(const js::Directive& d, std::vector<std::string>& problems) const {
  std::vector<std::string> known = profile_->features;
  const bool complete = !known.empty();
  if (profile_->gpu)
    for (const auto& t : profile_->gpu->types) known.push_back(t);
  if (profile_->gpu)
    for (const auto& f : profile_->gpu->features) known.push_back(f);
  for (const auto& f : js::constraint_features(d.value)) {
    bool ok = std::any_of(known.begin(), known.end(),
                          [&](const std::string& k) { return to_lower(k) == to_lower(f); });
    if (ok) continue;
    if (complete) {
      problems.push_back(at(d) + " asks for the feature '" + f + "', which no node of " + cluster_name() +
                         " has" + known_instead(f, known, "known: "));
    } else if (std::string guess = did_you_mean(to_lower(f), known); !guess.empty() && !judges_gpu()) {
      problems.push_back(at(d) + " asks for the feature '" + f + "', which no node of " + cluster_name() +
                         " has" + guess);
    }
  }
}

// -p partitions the cluster does not have, when the profile lists its partitions.
void Evaluator::unknown_partitions(const js::Directive& d, std::vector<std::string>& problems) const {
  if (profile_->partitions.empty()) return;
  for (const auto& p : js::constraint_features(d.value)) {
    if (std::find(profile_->partitions.begin(), profile_->partitions.end(), p) != profile_->partitions.end())
      continue;
    problems.push_back(at(d) + " names the partition '" + p + "', which " + cluster_name() +
                       " does not have" + known_instead(p, profile_->partitions, "its partitions: "));
  }
}

void Evaluator::required(const std::string& option) {
  if (const js::Directive* d = script_.find(option)) {
    add(option, true, at(*d) + " gives " + flag(option));
    return;
  }
  add(option, false, file_ + ": no #SBATCH " + flag_names(option) + near_miss(option));
}

bool Evaluator::judges_gpu() const {
  return c_.gpu.value_or(profile_ && profile_->gpu && profile_->gpu->required);
}

JobscriptEvaluation Evaluator::run() {
  valid();
  for (const auto& o : c_.require) required(o);
  if (c_.max_time_s) max_time(*c_.max_time_s);
  if (c_.cores) cores(*c_.cores);
  if (c_.tasks) tasks(*c_.tasks);
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
  spread_shape();
  untold_issues();
  return out_;
}

// Lines that look like directives but are not, which no requirement mentioned.
void Evaluator::untold_issues() {
  for (const auto& issue : script_.issues) {
    if (reported_lines_.count(issue.line)) continue;
    bool told = std::any_of(out_.requirements.begin(), out_.requirements.end(), [&](const Requirement& r) {
      return r.message.find(file_ + ":" + std::to_string(issue.line) + ":") != std::string::npos;
    });
    if (!told) out_.notes.push_back(at(issue.line) + " " + issue.message);
  }
  // Shell slips change no requirement (sbatch accepts them) but make the job do something else.
  for (const auto& slip : js::shell_slips(script_, lines_))
    out_.notes.push_back(at(slip.line) + " " + slip.message);
}

}  // namespace jobscript_eval

}  // namespace grader
