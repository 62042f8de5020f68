// Filling in the runner placeholders; see runner_values.h.
#include "grader/grading/runner_values.h"

#include "grader/rubric/placeholders.h"
#include "grader/util/text.h"

namespace grader {

namespace {

bool mentions(const std::string& text, std::string_view placeholder) {
  return text.find(placeholder) != std::string::npos;
}

void fill(std::string& text, std::string_view placeholder, const std::string& value) {
  text = replace_all(std::move(text), placeholder, value);
}

bool runs_use(const Rubric& rubric, std::string_view placeholder) {
  for (const RunSpec& run : rubric.runs) {
    for (const auto& arg : run.command)
      if (mentions(arg, placeholder)) return true;
    for (const auto& [key, value] : run.env)
      if (mentions(value, placeholder)) return true;
  }
  return false;
}

bool uses_cores(const Rubric& rubric) {
  if (runs_use(rubric, kCoresPlaceholder)) return true;
  for (const CheckSpec& check : rubric.checks)
    if (const auto* s = std::get_if<SpeedupCheck>(&check.kind); s && s->value_is_cores) return true;
  return false;
}

// Why this runner cannot fill the rubric's placeholders, or empty.
std::string unfillable(const Rubric& rubric, const RunnerValues& values) {
  const std::string where = values.profile.empty()
                                ? std::string("no cluster profile is known for this runner")
                                : "the profile '" + values.profile + "'";
  if (runs_use(rubric, kPythonModulesPlaceholder) && !values.python_modules)
    return "the rubric loads {{python_modules}}, and " +
           (values.profile.empty() ? where : where + " names no Python module ([python] recommended)") +
           "; name a cluster profile with --runner NAME";
  if (uses_cores(rubric) && !values.cores)
    return "the rubric uses {{cores}}, and " +
           (values.profile.empty() ? where : where + " gives no cores_per_node") +
           "; name a cluster profile that does with --runner NAME";
  return "";
}

// The check's parts that follow the runner: titles, hints, and a speedup's value.
void fill_check(CheckSpec& check, const std::string& module, const std::string& cores) {
  for (std::string* text : {&check.title, check.hint ? &*check.hint : nullptr}) {
    if (!text) continue;
    fill(*text, kPythonModulesPlaceholder, module);
    fill(*text, kCoresPlaceholder, cores);
  }
  if (auto* e = std::get_if<EnvironmentCheck>(&check.kind)) {
    fill(e->setup, kPythonModulesPlaceholder, module);
    fill(e->base_setup, kPythonModulesPlaceholder, module);
  }
  if (auto* s = std::get_if<SpeedupCheck>(&check.kind); s && s->value_is_cores && !cores.empty())
    s->value = std::stod(cores);
}

}  // namespace

RunnerValues runner_values(const ClusterProfile* profile) {
  RunnerValues v;
  if (!profile) return v;
  v.profile = profile->name;
  if (!profile->python.recommended.empty()) v.python_modules = join(profile->python.recommended, " ");
  v.project_storage = profile->project_dir;
  if (profile->cores_per_node) v.cores = static_cast<int>(*profile->cores_per_node);
  return v;
}

std::string project_dir_for(const RunnerValues& values, const std::string& token) {
  if (!values.project_storage) return std::string(kWorkdirPlaceholder) + "/project";
  std::string storage = *values.project_storage;
  while (storage.size() > 1 && storage.back() == '/') storage.pop_back();
  return storage + "/hpc-grader/" + token;
}

bool uses_project_dir(const Rubric& rubric) {
  for (const RunSpec& run : rubric.runs)
    for (const auto& [key, value] : run.env)
      if (mentions(value, kProjectDirPlaceholder)) return true;
  return false;
}

Rubric with_runner_values(const Rubric& rubric, const RunnerValues& values, const std::string& project_dir,
                          std::string& problem) {
  problem = unfillable(rubric, values);
  if (!problem.empty()) return rubric;
  const std::string module = values.python_modules.value_or("");
  const std::string cores = values.cores ? std::to_string(*values.cores) : "";
  Rubric out = rubric;
  for (RunSpec& run : out.runs) {
    for (auto& arg : run.command) {
      fill(arg, kPythonModulesPlaceholder, module);
      fill(arg, kCoresPlaceholder, cores);
    }
    for (auto& [key, value] : run.env) {
      fill(value, kPythonModulesPlaceholder, module);
      fill(value, kProjectDirPlaceholder, project_dir);
      fill(value, kCoresPlaceholder, cores);
    }
  }
  for (CheckSpec& check : out.checks) fill_check(check, module, cores);
  return out;
}

}  // namespace grader
