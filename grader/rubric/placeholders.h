// The runner placeholders of a rubric's runs: "{{workdir}}", "{{python_modules}}", "{{project_dir}}"
// and "{{cores}}" in a run's env values ({{python_modules}} and {{cores}} also in its command), which the
// grader fills in from the runner a submission is graded on, so that one rubric grades on the
// test cluster and on a real one; and "{{seed}}" in env values, a number drawn per grading
// (grader/grading/seed.h). The loader refuses any other {{name}}; grading fills them in
// (grader/grading/runner_values.h). docs/rubrics.md, "Runner placeholders".
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace grader {

inline constexpr std::string_view kWorkdirPlaceholder = "{{workdir}}";
inline constexpr std::string_view kPythonModulesPlaceholder = "{{python_modules}}";
inline constexpr std::string_view kProjectDirPlaceholder = "{{project_dir}}";
// The cores a run may use there: the profile's cores_per_node, else (runs on this machine) the
// CPUs the grader may use (affinity mask, cgroup quota). Also a speedup check's `value`.
inline constexpr std::string_view kCoresPlaceholder = "{{cores}}";

// The names of the placeholders allowed in env values ("workdir", ...), and in commands.
const std::vector<std::string>& env_placeholder_names();
const std::vector<std::string>& command_placeholder_names();

// Each "{{name}}" in `text` whose name is lowercase letters and '_' (other braces, and the checks'
// "{{stdout:RUN}}", are not placeholders of this kind), in order, as (offset, name).
struct PlaceholderUse {
  std::size_t offset = 0;
  std::string name;
};
std::vector<PlaceholderUse> find_placeholders(std::string_view text);

// `text` with every `placeholder` replaced by `value`.
std::string replace_all(std::string text, std::string_view placeholder, std::string_view value);

}  // namespace grader
