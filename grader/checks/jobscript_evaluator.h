// Parts of the jobscript check (grader/checks/jobscript_check.h): the evaluator each requirement
// is one method of. Its methods live by subject: the script's validity and the options it must
// give (jobscript_check.cpp), resources and placement (jobscript_resources.cpp), GPUs
// (jobscript_gpu.cpp), what the script runs (jobscript_python.cpp).
#pragma once

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "grader/checks/jobscript_check.h"
#include "grader/jobscript/parser.h"

namespace grader::jobscript_eval {

namespace js = jobscript;

// RE2 full match; false for a pattern that does not compile.
bool full_match(const std::string& text, const std::string& pattern);
// How sbatch's option is usually written: "-t" for time, "--gres" for gres.
std::string flag(const std::string& option);
// "--time (-t)", "--gres".
std::string flag_names(const std::string& option);
// What the cluster has instead of `word`: "; did you mean 'x'?" when `word` is a likely typo of
// one of `known`, else " (" + `list_intro` + the list + ")".
std::string known_instead(const std::string& word, const std::vector<std::string>& known,
                          const std::string& list_intro);

// How a job asks for GPUs, gathered once for the gpu requirement.
struct GpuRequest {
  const GpuRules* rules = nullptr;           // the profile's, if any
  const js::Directive* partition = nullptr;  // -p
  bool gpu_partition = false;                // -p names one of the profile's GPU partitions
  std::vector<const js::Directive*> asks;    // --gres=gpu..., --gpus..., -G
  bool requested = false;                    // asks, or a GPU partition where that is the syntax
  std::string example;                       // "; on alvis write e.g. ..." or ""
};

class Evaluator {
 public:
  Evaluator(const JobscriptCheck& c, std::string_view text);

  JobscriptEvaluation run();

 private:
  // "job.sh:3: '#SBATCH -t 30:00'": a line of the script, as messages quote it.
  std::string at(int line) const;
  std::string at(const js::Directive& d) const { return at(d.line); }
  std::string cluster_name() const { return profile_ ? profile_->name : "the cluster"; }

  // Where the author tried to give `option` but sbatch will not see it.
  std::string near_miss(const std::string& option) const;

  void add(std::string name, bool met, std::string message) {
    out_.requirements.push_back({std::move(name), met, std::move(message)});
  }

  // jobscript_check.cpp
  void valid();
  void misspelt_gres(const js::Directive& d, std::vector<std::string>& problems) const;
  void unknown_features(const js::Directive& d, std::vector<std::string>& problems) const;
  void unknown_partitions(const js::Directive& d, std::vector<std::string>& problems) const;
  void required(const std::string& option);
  bool judges_gpu() const;  // whether the gpu requirement runs with its GPU-type judgement
  void untold_issues();

  // jobscript_resources.cpp
  void max_time(std::int64_t max_s);
  void exact_count(const std::string& name, const std::string& noun, std::int64_t got, std::int64_t want,
                   const std::string& from, const std::string& near);
  void cores(std::int64_t want);
  void tasks(std::int64_t want);
  void max_memory(std::uint64_t max);
  void account(const std::string& pattern);
  void partition_pattern(const std::string& pattern);
  void partition_required();
  void cluster(const std::string& want);

  // jobscript_shape.cpp
  void impossible_shape(std::vector<std::string>& problems) const;
  void spread_shape();

  // jobscript_gpu.cpp
  void gpu();
  GpuRequest gpu_request() const;
  bool is_gpu_type(const GpuRules& rules, const std::string& type) const;
  std::vector<std::string> gpu_ask_problems(const GpuRequest& r, std::set<std::string>& used) const;
  void gpu_syntax_problem(const GpuRequest& r, const std::set<std::string>& used,
                          std::vector<std::string>& problems) const;

  // jobscript_python.cpp
  const js::Command* first_python() const;
  std::vector<std::string> loaded_before(const js::Command& cmd) const;
  void module_before_python();
  void python_modules(const std::vector<std::string>& patterns);
  std::string python_from(const std::vector<std::string>& loaded,
                          const std::vector<std::string>& patterns) const;
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

}  // namespace grader::jobscript_eval
