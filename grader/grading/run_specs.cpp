// Run specs and their differences; see run_specs.h.
#include "grader/grading/run_specs.h"

#include <set>

#include "grader/checks/evaluate.h"
#include "grader/notebook/notebook_command.h"
#include "grader/notebook/notebook_results.h"
#include "grader/util/json_optional.h"

namespace grader {

using nlohmann::json;

std::vector<std::string> files_to_collect(const Rubric& rubric, const RunSpec& run) {
  std::set<std::string> paths(run.collect.begin(), run.collect.end());
  if (run.notebook) paths.insert(notebook_results_path(run.id));
  for (const auto& check : rubric.checks) {
    if (check.run != run.id) continue;
    if (auto* o = std::get_if<OutputCheck>(&check.kind); o && o->stream == Stream::File)
      paths.insert(o->path);
    if (auto* e = std::get_if<FileExistsCheck>(&check.kind)) paths.insert(e->path);
    if (auto* r = std::get_if<RequirementsCheck>(&check.kind)) paths.insert(r->file);
  }
  return {paths.begin(), paths.end()};
}

std::vector<std::string> static_files(const Rubric& rubric) {
  std::vector<std::string> files;
  for (const auto& check : rubric.checks) {
    if (const auto* job = std::get_if<JobscriptCheck>(&check.kind)) files.push_back(job->file);
    if (const auto* conda = std::get_if<CondaEnvCheck>(&check.kind)) {
      files.push_back(conda->file);
      if (conda->script) files.push_back(*conda->script);
    }
  }
  return files;
}

namespace {

json job_limits_json(const JobLimits& l) {
  return {{"time_s", json_or_null(l.time_s)}, {"nodes", json_or_null(l.nodes)},
          {"tasks", json_or_null(l.tasks)},   {"cores", json_or_null(l.cores)},
          {"gpus", json_or_null(l.gpus)},     {"memory_bytes", json_or_null(l.memory_bytes)}};
}

json spec_of(const Rubric& rubric, const RunSpec& run) {
  return {{"command", run.command},
          {"jobscript", json_or_null(run.jobscript)},
          {"env", run.env},
          {"timeout_s", run.timeout_s},
          {"memory_bytes", json_or_null(run.memory_bytes)},
          {"output_limit", run.output_limit},
          {"stdin", json_or_null(run.stdin_text)},
          {"stdin_file", json_or_null(run.stdin_file)},
          {"collect", files_to_collect(rubric, run)},
          {"unavailable_exit", json_or_null(run.unavailable_exit)}};
}

// "command, timeout_s": the keys whose values differ.
std::string changed_keys(const json& before, const json& now) {
  std::string keys;
  for (const auto& [key, value] : now.items())
    if (!before.contains(key) || before.at(key) != value) keys += (keys.empty() ? "" : ", ") + key;
  for (const auto& [key, value] : before.items())
    if (!now.contains(key)) keys += (keys.empty() ? "" : ", ") + key;
  return keys;
}

}  // namespace

json run_specs(const Rubric& rubric) {
  json specs = json::object();
  specs[kSubmissionRun] = {{"files", static_files(rubric)}};
  json order = json::array();
  for (const auto& run : rubric.runs) {
    specs[run.id] = spec_of(rubric, run);
    // Only for notebooks: the records of other runs stay as they were.
    if (run.notebook) specs[run.id]["notebook"] = notebook_spec_json(*run.notebook);
    // Only for jobscripts: what the job may ask for decides whether it is submitted at all.
    if (run.jobscript) specs[run.id]["job_limits"] = job_limits_json(run.job_limits);
    order.push_back(run.id);
  }
  json workspace = {{"bytes", json_or_null(rubric.workspace.bytes)},
                    {"files", json_or_null(rubric.workspace.files)}};
  return {{"order", order}, {"runs", specs}, {"workspace", workspace}};
}

std::vector<std::string> run_spec_changes(const json& before, const json& now) {
  std::vector<std::string> out;
  const json& was = before.at("runs");
  const json& is = now.at("runs");
  if (was.value(kSubmissionRun, json()) != is.value(kSubmissionRun, json()))
    out.push_back("the files static checks read changed");
  for (const auto& id : now.at("order")) {
    const std::string name = id.get<std::string>();
    if (!was.contains(name))
      out.push_back("run '" + name + "' is new");
    else if (std::string keys = changed_keys(was.at(name), is.at(name)); !keys.empty())
      out.push_back("run '" + name + "' changed: " + keys);
  }
  for (const auto& id : before.at("order"))
    if (!is.contains(id.get<std::string>())) out.push_back("run '" + id.get<std::string>() + "' is gone");
  if (out.empty() && before.at("order") != now.at("order")) out.push_back("the runs are in another order");
  if (before.value("workspace", json()) != now.value("workspace", json()))
    out.push_back("the workspace's bounds changed (workspace_size, workspace_files)");
  return out;
}

}  // namespace grader
