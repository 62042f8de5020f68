// Job array scripts and task status files; see array_script.h.
#include "runners/slurm/array_script.h"

#include <cmath>
#include <cstdio>
#include <sstream>

#include "grader/util/units.h"
#include "runners/shell_quote.h"
#include "runners/ssh/remote_command.h"

namespace grader::slurm {

namespace {

// Room for bash, timeout and env around the learner's command under Slurm's --mem.
constexpr std::uint64_t kWrapperMb = 64;
// Slurm's time limit is the backstop behind `timeout`: a minute over the run's own limit.
constexpr double kSlurmSlackS = 60;

std::string seconds_text(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", std::min(s, 1e8));
  return buf;
}

}  // namespace

ArrayShape array_shape(const RunRequest& r) {
  ArrayShape shape;
  if (r.memory_bytes) shape.mem_mb = (*r.memory_bytes + (1u << 20) - 1) / (1u << 20) + kWrapperMb;
  return shape;
}

std::vector<std::string> array_sbatch_flags(const std::vector<ArrayTask>& tasks, double kill_grace_s) {
  double longest = 0;
  for (const auto& t : tasks) longest = std::max(longest, std::min(t.request->timeout_s, 1e7));
  long minutes = std::max(1L, static_cast<long>(std::ceil((longest + kill_grace_s + kSlurmSlackS) / 60.0)));
  std::vector<std::string> flags = {"--ntasks=1", "--time=" + std::to_string(minutes)};
  if (!tasks.empty()) {
    if (auto mem = array_shape(*tasks.front().request).mem_mb)
      flags.push_back("--mem=" + std::to_string(*mem) + "M");
  }
  return flags;
}

std::string array_script(const std::vector<ArrayTask>& tasks, const std::string& dir, double kill_grace_s) {
  std::ostringstream s;
  s << "#!/bin/bash\n"
       "# Written by hpc-grader: each task of this array job runs one learner command, then\n"
       "# writes TASK.status (exit status, start and end time) beside this script's outputs.\n"
       "d="
    << shell_quote(dir)
    << "\n"
       "now() { local t=${EPOCHREALTIME:-}; [ -n \"$t\" ] || t=$(date +%s.%N); printf '%s' \"$t\"; }\n"
       "case \"${SLURM_ARRAY_TASK_ID:-}\" in\n";
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    const RunRequest& r = *tasks[i].request;
    const std::string status = "\"$d/" + std::to_string(i) + ".status\"";
    s << i << ")\n"
      << "  cd -- " << shell_quote(r.workdir.string()) << " 2>/dev/null || { echo nodir >" << status
      << "; exit 125; }\n";
    if (r.memory_bytes) s << "  ulimit -v " << *r.memory_bytes / 1024 << "\n";
    s << "  t0=$(now)\n"
      << "  timeout -k " << seconds_text(kill_grace_s) << " " << seconds_text(r.timeout_s) << " env --";
    for (const auto& [key, value] : r.env) s << " " << shell_quote(key + "=" + value);
    for (const auto& a : r.argv) s << " " << shell_quote(a);
    s << " <" << (tasks[i].stdin_path.empty() ? std::string("/dev/null") : shell_quote(tasks[i].stdin_path))
      << "\n"
      << "  rc=$?\n"
      << "  echo \"$rc $t0 $(now)\" >" << status << "\n"
      << "  exit $rc ;;\n";
  }
  s << "*)\n"
       "  echo \"hpc-grader: this array has no task ${SLURM_ARRAY_TASK_ID:-(SLURM_ARRAY_TASK_ID unset)}\" "
       ">&2\n"
       "  exit 125 ;;\n"
       "esac\n";
  return s.str();
}

std::optional<TaskStatus> parse_task_status(const std::string& text) {
  std::istringstream in(text);
  std::string rc, t0, t1;
  in >> rc;
  TaskStatus st;
  if (rc == "nodir") {
    st.workdir_missing = true;
    return st;
  }
  in >> t0 >> t1;
  // $EPOCHREALTIME follows the locale's decimal point (a comma in sv_SE).
  for (auto* t : {&t0, &t1})
    for (char& c : *t)
      if (c == ',') c = '.';
  try {
    std::size_t used = 0;
    st.rc = std::stoi(rc, &used);
    if (used != rc.size() || st.rc < 0 || st.rc > 255) return std::nullopt;
    double start = std::stod(t0), end = std::stod(t1);
    st.wall_s = std::max(0.0, end - start);
  } catch (const std::exception&) {
    return std::nullopt;
  }
  return st;
}

TaskVerdict task_verdict(const RunRequest& request, const TaskStatus& status, const std::string& err) {
  TaskVerdict v;
  if (status.workdir_missing) {
    v.status = RunStatus::RunnerError;
    v.message = "the workspace " + request.workdir.string() +
                " is not there on the compute node: the scratch directory must be on a file system the "
                "compute nodes share with the login node (a cluster profile's scratch_dir)";
    return v;
  }
  // timeout(1) says 124 when it stopped the command (137 when the KILL after the grace did);
  // only the time taken tells that from a command that exits 124 itself.
  if ((status.rc == 124 || status.rc == 137) && status.wall_s + 0.05 >= request.timeout_s) {
    v.status = RunStatus::Timeout;
    v.message = "killed after the " + format_duration(request.timeout_s) + " time limit";
    return v;
  }
  RunResult ended;
  if (status.rc > 128 && status.rc <= 128 + 64)
    ended.signal = status.rc - 128;
  else
    ended.exit_code = status.rc;
  ended.err.data = err;
  v.exit_code = ended.exit_code;
  v.signal = ended.signal;
  if (status.rc == 0) {
    v.status = RunStatus::Ok;
  } else if (env_found_no_command(ended.exit_code, err)) {
    v.status = RunStatus::RunnerError;
    v.message = "command not found on the compute node: " + request.argv[0];
  } else if (shows_memory_exhaustion(request, ended)) {
    v.status = RunStatus::MemoryLimit;
    v.message = "ran out of memory under the " + format_size(*request.memory_bytes) + " limit (" +
                how_it_ended(ended) + ")";
  } else {
    v.status = ended.exit_code ? RunStatus::NonzeroExit : RunStatus::Signaled;
    v.message = how_it_ended(ended);
  }
  return v;
}

}  // namespace grader::slurm
