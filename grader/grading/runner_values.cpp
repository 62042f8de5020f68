// Filling in the runner placeholders; see runner_values.h.
#include "grader/grading/runner_values.h"

#include "grader/rubric/placeholders.h"
#include "grader/util/text.h"

namespace grader {

namespace {

bool mentions(const std::string& text, std::string_view placeholder) {
  return text.find(placeholder) != std::string::npos;
}

bool uses_python_modules(const Rubric& rubric) {
  for (const RunSpec& run : rubric.runs) {
    for (const auto& arg : run.command)
      if (mentions(arg, kPythonModulesPlaceholder)) return true;
    for (const auto& [key, value] : run.env)
      if (mentions(value, kPythonModulesPlaceholder)) return true;
  }
  return false;
}

void fill(std::string& text, std::string_view placeholder, const std::string& value) {
  text = replace_all(std::move(text), placeholder, value);
}

}  // namespace

RunnerValues runner_values(const ClusterProfile* profile) {
  RunnerValues v;
  if (!profile) return v;
  v.profile = profile->name;
  if (!profile->python.recommended.empty()) v.python_modules = join(profile->python.recommended, " ");
  v.project_storage = profile->project_dir;
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
  if (uses_python_modules(rubric) && !values.python_modules) {
    problem = "the rubric loads {{python_modules}}, and " +
              (values.profile.empty()
                   ? std::string("no cluster profile is known for this runner")
                   : "the profile '" + values.profile + "' names no Python module ([python] recommended)") +
              "; name a cluster profile with --runner NAME";
    return rubric;
  }
  const std::string module = values.python_modules.value_or("");
  Rubric out = rubric;
  for (RunSpec& run : out.runs) {
    for (auto& arg : run.command) fill(arg, kPythonModulesPlaceholder, module);
    for (auto& [key, value] : run.env) {
      fill(value, kPythonModulesPlaceholder, module);
      fill(value, kProjectDirPlaceholder, project_dir);
    }
  }
  for (CheckSpec& check : out.checks) {
    fill(check.title, kPythonModulesPlaceholder, module);
    if (check.hint) fill(*check.hint, kPythonModulesPlaceholder, module);
    if (auto* e = std::get_if<EnvironmentCheck>(&check.kind)) {
      fill(e->setup, kPythonModulesPlaceholder, module);
      fill(e->base_setup, kPythonModulesPlaceholder, module);
    }
  }
  return out;
}

}  // namespace grader
