// [[run]] tables; see run_loader.h.
#include "grader/rubric/run_loader.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "grader/rubric/notebook_options.h"
#include "grader/rubric/placeholders.h"
#include "grader/rubric/value_rules.h"

namespace grader::rubric_loader {

namespace {

const std::vector<std::string> kRunKeys = {
    "id",  "command", "timeout", "memory",    "output_limit", "stdin",    "stdin_file",
    "env", "collect", "hidden",  "jobscript", "unavailable",  "notebook", "job_limits"};
const std::vector<std::string> kJobLimitKeys = {"time", "nodes", "tasks", "cores", "gpus", "memory"};
const std::vector<std::string> kUnavailableKeys = {"exit_code", "reason"};

// unavailable = { exit_code = 200, reason = "no conda on this runner" }: the run's way of saying
// that this runner lacks what it needs; its checks are then skipped, never passed or failed.
void load_unavailable(const TomlTable& s, RunSpec& run) {
  std::optional<TomlTable> u =
      s.get_table("unavailable", "a table like { exit_code = 200, reason = \"...\" }");
  if (!u) return;
  u->reject_unknown(kUnavailableKeys);
  std::optional<std::int64_t> code = u->get_integer("exit_code");
  std::optional<std::string> reason = get_line(*u, "reason");
  if (!code || *code < 1 || *code > 255)
    fail(u->pos(), "key 'unavailable' " + s.where() + " needs an exit_code from 1 to 255");
  if (!reason || reason->empty()) fail(u->pos(), "key 'unavailable' " + s.where() + " needs a reason");
  run.unavailable_exit = static_cast<int>(*code);
  run.unavailable_reason = *reason;
}

// job_limits = { time = "30m", nodes = 1, tasks = 4, cores = 8, gpus = 0, memory = "4G" }: what a
// jobscript may ask for before it is submitted (grader/jobscript/vetting.h); defaults 1 node, no GPU.
void load_job_limits(const TomlTable& s, const std::string& label, RunSpec& run) {
  std::optional<TomlTable> t = s.get_table(
      "job_limits",
      "a table like { time = \"30m\", nodes = 1, tasks = 4, cores = 8, gpus = 0, memory = \"4G\" }");
  if (!t) return;
  if (!run.jobscript)
    fail(s.key_pos("job_limits"),
         "'job_limits' " + s.where() + " is for a jobscript run; " + label + " runs no Slurm job");
  TomlTable l = t->named("in 'job_limits' " + s.where());
  l.reject_unknown(kJobLimitKeys);
  if (auto time = get_duration(l, "time")) {
    if (*time <= 0) fail(l.value_pos("time"), l.key_name("time") + " must be more than 0");
    run.job_limits.time_s = *time;
  }
  for (auto [key, field] :
       {std::pair{"nodes", &run.job_limits.nodes}, std::pair{"tasks", &run.job_limits.tasks},
        std::pair{"cores", &run.job_limits.cores}, std::pair{"gpus", &run.job_limits.gpus}}) {
    std::optional<std::int64_t> n = l.get_integer(key);
    if (!n) continue;
    const std::int64_t least = std::string_view(key) == "gpus" ? 0 : 1;
    if (*n < least)
      fail(l.value_pos(key), l.key_name(key) + " must be " + std::to_string(least) + " or more");
    *field = *n;
  }
  if (auto memory = get_size(l, "memory")) {
    if (*memory == 0) fail(l.value_pos("memory"), l.key_name("memory") + " must be more than 0");
    run.job_limits.memory_bytes = *memory;
  }
}

bool valid_env_name(std::string_view s) {
  auto letter = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; };
  if (s.empty() || !letter(s.front())) return false;
  return std::all_of(s.begin(), s.end(), [&](char c) { return letter(c) || (c >= '0' && c <= '9'); });
}

void load_id(const TomlTable& s, const std::string& label, const std::map<std::string, int>& earlier,
             RunSpec& run) {
  std::optional<std::string> id = s.get_string("id");
  if (!id) fail(run.pos, label + " has no 'id'; add e.g. id = \"main\"");
  if (!valid_id(*id)) {
    fail(s.value_pos("id"), "run id '" + *id +
                                "' must be lowercase letters, digits, '-' and '_', starting with a "
                                "letter or digit");
  }
  if (auto it = earlier.find(*id); it != earlier.end()) {
    fail(s.value_pos("id"), "run id '" + *id + "' is already used at line " + std::to_string(it->second));
  }
  run.id = *id;
}

// What runs: a notebook, a jobscript submitted with sbatch, or a command.
void load_program(const TomlTable& s, const std::string& label, RunSpec& run) {
  if (s.has("notebook")) return load_notebook_run(s, label, run);
  if (auto jobscript = s.get_string("jobscript")) {
    run.jobscript = checked_path(s, "jobscript", *jobscript, s.value_pos("jobscript"));
    if (s.has("command")) {
      fail(s.value_pos("command"),
           label +
               " has both 'jobscript' and 'command'; a jobscript run is submitted with sbatch, "
               "so give one of them");
    }
    return;
  }
  auto command = s.get_strings("command", "an array of strings like [\"python3\", \"main.py\"]");
  if (!command) {
    fail(run.pos, label +
                      " has no 'command'; add e.g. command = [\"python3\", \"main.py\"] "
                      "(or jobscript = \"job.sh\" for a Slurm job)");
  }
  if (command->empty()) {
    fail(s.value_pos("command"), s.key_name("command") + " is empty; give at least the program to run");
  }
  if (command->front().value.empty()) {
    fail(command->front().pos, "the program in 'command' " + s.where() + " is empty");
  }
  for (const TomlString& arg : *command) {
    check_placeholders(arg.value, arg.pos, command_placeholder_names(), "in 'command' " + s.where());
    run.command.push_back(arg.value);
  }
}

void load_limits(const TomlTable& s, RunSpec& run) {
  if (auto timeout = get_duration(s, "timeout")) {
    if (*timeout <= 0) fail(s.value_pos("timeout"), s.key_name("timeout") + " must be more than 0");
    run.timeout_s = *timeout;
  }
  if (auto memory = get_size(s, "memory")) {
    if (*memory == 0) fail(s.value_pos("memory"), s.key_name("memory") + " must be more than 0");
    run.memory_bytes = *memory;
  }
  if (auto limit = get_size(s, "output_limit")) {
    if (*limit == 0) fail(s.value_pos("output_limit"), s.key_name("output_limit") + " must be more than 0");
    run.output_limit = *limit;
  }
}

void load_stdin(const TomlTable& s, const std::string& label, RunSpec& run) {
  run.stdin_text = s.get_string("stdin");
  if (auto file = s.get_string("stdin_file")) {
    run.stdin_file = checked_path(s, "stdin_file", *file, s.value_pos("stdin_file"));
  }
  if (run.stdin_text && run.stdin_file) {
    // Point at whichever of the two was written second.
    SourcePos a = s.key_pos("stdin");
    SourcePos b = s.key_pos("stdin_file");
    SourcePos later = std::pair(a.line, a.column) > std::pair(b.line, b.column) ? a : b;
    fail(later, label + " has both 'stdin' and 'stdin_file'; give one");
  }
}

void load_env(const TomlTable& s, RunSpec& run) {
  auto env = s.get_table("env", "a table of strings like { OMP_NUM_THREADS = \"4\" }");
  if (!env) return;
  for (const TomlEntry& e : env->entries()) {
    if (!valid_env_name(e.key)) {
      fail(e.key_pos, "environment variable name '" + e.key + "' " + s.where() +
                          " is not valid; use letters, digits and '_', not "
                          "starting with a digit");
    }
    if (!e.value.is_string()) {
      fail(e.value.pos(), "environment variable '" + e.key + "' " + s.where() +
                              " must be a string like \"4\", not " + e.value.type_name());
    }
    check_placeholders(*e.value.as_string(), e.value.pos(), env_placeholder_names(),
                       "in env '" + e.key + "' " + s.where());
    run.env[e.key] = *e.value.as_string();
  }
}

}  // namespace

std::string table_label(const TomlTable& table, std::size_t index, const std::string& noun) {
  std::optional<TomlValue> id = table.get("id");
  return id && id->is_string() ? noun + " '" + *id->as_string() + "'"
                               : noun + " #" + std::to_string(index + 1);
}

RunSpec load_run(const TomlTable& table, std::size_t index, const std::map<std::string, int>& earlier) {
  RunSpec run;
  run.pos = table.pos();
  std::string label = table_label(table, index, "run");
  TomlTable s = table.named("in " + label);
  s.reject_unknown(kRunKeys);

  load_id(s, label, earlier, run);
  load_program(s, label, run);
  load_limits(s, run);
  load_stdin(s, label, run);
  load_env(s, run);
  load_job_limits(s, label, run);
  if (auto collect = s.get_strings("collect", "an array of paths like [\"out.txt\"]")) {
    for (const TomlString& path : *collect)
      run.collect.push_back(checked_path(s, "collect", path.value, path.pos));
  }
  run.hidden = s.get_bool("hidden").value_or(false);
  load_unavailable(s, run);
  return run;
}

}  // namespace grader::rubric_loader
