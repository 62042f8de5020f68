// Reading the Slurm tools' output; see slurm_parse.h.
#include "runners/slurm/slurm_parse.h"

#include <charconv>
#include <cmath>
#include <set>

#include "grader/util/slurm_time.h"
#include "grader/util/text.h"

namespace grader::slurm {

namespace {

std::vector<std::string> split(std::string_view line, char sep) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (true) {
    auto pos = line.find(sep, start);
    out.emplace_back(
        line.substr(start, pos == std::string_view::npos ? std::string_view::npos : pos - start));
    if (pos == std::string_view::npos) break;
    start = pos + 1;
  }
  return out;
}

std::optional<std::int64_t> parse_epoch(std::string_view s) {
  s = trim(s);
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || s.empty()) return std::nullopt;
  if (v <= 0) return std::nullopt;
  return v;
}

std::optional<double> parse_number(std::string_view s) {
  if (s.empty()) return std::nullopt;
  double v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

std::string first_word(std::string_view s) {
  s = trim(s);
  auto sp = s.find(' ');
  return std::string(s.substr(0, sp));
}

}  // namespace

std::string squeue_format() {
  // ':|' after each field: no padding, '|' between fields (and one trailing).
  return "JobArrayID:|,State:|,Reason:|,Partition:|,Account:|,TimeLimit:|,SubmitTime:|,StartTime:|,EndTime:|,"
         "tres-alloc:|,Cluster:|";
}

std::string leftover_format() {
  return "%i|%Z";
}

namespace {

// "123", or an array task's "123_4" / a pending array's "123_[1-20]": the job id Slurm gave at
// submission; nullopt when not a job id.
std::optional<std::uint64_t> submitted_id(std::string_view id) {
  id = id.substr(0, id.find('_'));
  std::uint64_t n = 0;
  auto [end, ec] = std::from_chars(id.data(), id.data() + id.size(), n);
  if (ec != std::errc() || end != id.data() + id.size() || id.empty()) return std::nullopt;
  return n;
}

bool inside(std::string_view dir, std::string_view root) {
  if (dir.substr(0, root.size()) != root) return false;
  return dir.size() == root.size() || dir[root.size()] == '/';
}

}  // namespace

std::vector<std::string> leftover_jobs(std::string_view out, std::string_view own_id,
                                       std::string_view job_dir) {
  std::vector<std::string> ids;
  std::optional<std::uint64_t> own = submitted_id(own_id);
  if (!own || job_dir.empty()) return ids;
  while (!out.empty()) {
    std::string_view line = out.substr(0, out.find('\n'));
    out.remove_prefix(std::min(out.size(), line.size() + 1));
    auto bar = line.find('|');
    if (bar == std::string_view::npos) continue;
    std::string_view id = trim(line.substr(0, bar));
    std::optional<std::uint64_t> n = submitted_id(id);
    if (n && *n > *own && inside(trim(line.substr(bar + 1)), job_dir)) ids.emplace_back(id);
  }
  return ids;
}

std::string sacct_format() {
  return "JobID,State,ExitCode,ElapsedRaw,TotalCPU,MaxRSS,AllocTRES,Partition,Account,Cluster,Timelimit,"
         "Submit,"
         "Start,End,Reason,NTasks";
}

std::optional<std::string> parse_sbatch_parsable(std::string_view out) {
  // The id is the last non-empty line (sbatch may print warnings before it on stdout).
  const std::string last(trim(last_line(out)));
  auto id = last.substr(0, last.find(';'));
  if (id.empty()) return std::nullopt;
  for (char c : id)
    if (c < '0' || c > '9') return std::nullopt;
  return std::string(id);
}

std::vector<QueueRow> parse_squeue(std::string_view out) {
  std::vector<QueueRow> rows;
  for (auto line : split_lines(out)) {
    auto f = split(trim(line), '|');
    if (f.size() < 11 || f[0].empty() || !std::isdigit(static_cast<unsigned char>(f[0][0]))) continue;
    QueueRow r;
    r.job_id = std::string(trim(f[0]));
    r.state = first_word(f[1]);
    r.reason = std::string(trim(f[2]));
    r.partition = std::string(trim(f[3]));
    r.account = std::string(trim(f[4]));
    r.time_limit = std::string(trim(f[5]));
    r.submit = parse_epoch(f[6]);
    r.start = parse_epoch(f[7]);
    r.end = parse_epoch(f[8]);
    r.alloc_tres = std::string(trim(f[9]));
    r.cluster = std::string(trim(f[10]));
    rows.push_back(std::move(r));
  }
  return rows;
}

std::vector<AcctRow> parse_sacct(std::string_view out) {
  std::vector<AcctRow> rows;
  for (auto line : split_lines(out)) {
    auto f = split(line, '|');
    if (f.size() < 15 || f[0].empty() || !std::isdigit(static_cast<unsigned char>(f[0][0]))) continue;
    AcctRow r;
    r.job_id = f[0];
    r.state_text = std::string(trim(f[1]));
    r.state = first_word(f[1]);
    r.exit_code = f[2];
    if (auto e = parse_number(trim(f[3]))) r.elapsed_s = *e;
    r.total_cpu_s = parse_slurm_duration(f[4]);
    r.max_rss_kb = parse_slurm_memory_kb(f[5]);
    r.alloc_tres = f[6];
    r.partition = f[7];
    r.account = f[8];
    r.cluster = f[9];
    r.time_limit = f[10];
    r.submit = parse_epoch(f[11]);
    r.start = parse_epoch(f[12]);
    r.end = parse_epoch(f[13]);
    r.reason = f[14];
    if (f.size() > 15) r.ntasks = static_cast<int>(parse_number(trim(f[15])).value_or(0));
    rows.push_back(std::move(r));
  }
  return rows;
}

std::optional<double> parse_slurm_duration(std::string_view text) {
  auto t = parse_slurm_time(text);
  if (!t || t->unlimited) return std::nullopt;
  return t->seconds;
}

std::optional<std::uint64_t> parse_slurm_memory_kb(std::string_view text) {
  text = trim(text);
  if (text.empty()) return std::nullopt;
  double mult_kb = 1.0 / 1024;  // no suffix: bytes
  char unit = text.back();
  if (!std::isdigit(static_cast<unsigned char>(unit))) {
    text.remove_suffix(1);
    switch (unit) {
      case 'K': mult_kb = 1; break;
      case 'M': mult_kb = 1024; break;
      case 'G': mult_kb = 1024.0 * 1024; break;
      case 'T': mult_kb = 1024.0 * 1024 * 1024; break;
      default: return std::nullopt;
    }
  }
  auto v = parse_number(text);
  if (!v || *v < 0) return std::nullopt;
  return static_cast<std::uint64_t>(std::llround(*v * mult_kb));
}

std::optional<std::pair<int, int>> parse_exit_code(std::string_view text) {
  text = trim(text);
  auto colon = text.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  auto a = parse_number(text.substr(0, colon)), b = parse_number(text.substr(colon + 1));
  if (!a || !b) return std::nullopt;
  return std::pair<int, int>{static_cast<int>(*a), static_cast<int>(*b)};
}

bool is_terminal_state(std::string_view state) {
  static const std::set<std::string, std::less<>> kDone = {
      "BOOT_FAIL",     "CANCELLED", "COMPLETED", "DEADLINE", "FAILED",      "NODE_FAIL",
      "OUT_OF_MEMORY", "PREEMPTED", "TIMEOUT",   "REVOKED",  "SPECIAL_EXIT"};
  return kDone.count(first_word(state)) > 0;
}

bool is_pending_state(std::string_view state) {
  static const std::set<std::string, std::less<>> kPending = {"PENDING",     "REQUEUED",      "REQUEUE_HOLD",
                                                              "REQUEUE_FED", "RESV_DEL_HOLD", "CONFIGURING"};
  return kPending.count(first_word(state)) > 0;
}

Verdict map_final_state(std::string_view state_text, std::string_view exit_code, std::string_view reason,
                        std::string_view stderr_text) {
  Verdict v;
  std::string state = first_word(state_text);
  auto code = parse_exit_code(exit_code);
  int exit = code ? code->first : 0, sig = code ? code->second : 0;
  std::string ec = code ? std::to_string(exit) + ":" + std::to_string(sig) : std::string(trim(exit_code));
  std::string why = reason.empty() || reason == "None" ? "" : " (reason " + std::string(reason) + ")";

  if (state == "COMPLETED" || state == "FAILED") {
    if (sig == 9 && stderr_text.find("exceeded memory limit") != std::string_view::npos) {
      // jobacct_gather's OverMemoryKill, where there are no cgroups: FAILED 0:9 and a banner.
      v.status = RunStatus::MemoryLimit;
      v.signal = sig;
      v.message = "Slurm killed the job for exceeding its memory limit (--mem); sacct: " + state + " " + ec;
    } else if (sig != 0) {
      v.status = RunStatus::Signaled;
      v.signal = sig;
      v.message = "the job's script was killed by signal " + std::to_string(sig) + " (sacct: " + state + " " +
                  ec + ")";
    } else if (exit != 0) {
      v.status = RunStatus::NonzeroExit;
      v.exit_code = exit;
      v.message =
          "the job's script exited with code " + std::to_string(exit) + " (sacct: " + state + " " + ec + ")";
    } else if (state == "COMPLETED") {
      v.status = RunStatus::Ok;
      v.exit_code = 0;
    } else {
      v.status = RunStatus::RunnerError;
      v.message = "Slurm marked the job FAILED with no exit code or signal" + why +
                  ": it could not start the script (an unwritable output path, a missing node resource)";
    }
  } else if (state == "TIMEOUT") {
    v.status = RunStatus::Timeout;
    v.signal = sig ? std::optional<int>(sig) : std::nullopt;
    v.message = "Slurm stopped the job at its time limit (#SBATCH -t/--time); sacct: TIMEOUT " + ec;
  } else if (state == "OUT_OF_MEMORY") {
    v.status = RunStatus::MemoryLimit;
    v.message =
        "the job ran out of memory (sacct: OUT_OF_MEMORY " + ec + "); ask for more with --mem or use less";
  } else if (state == "CANCELLED") {
    std::string by = std::string(trim(state_text)).substr(state.size());
    v.message = "the job was CANCELLED" + by + ", not by the grader" + why +
                ": an administrator or the system cancelled it; not the submission's fault, grade it again";
  } else if (state == "NODE_FAIL") {
    v.message =
        "the node running the job failed (NODE_FAIL)" + why + "; not the submission's fault, grade it again";
  } else if (state == "PREEMPTED") {
    v.message = "the job was preempted by a higher-priority job (PREEMPTED)" + why +
                "; not the submission's fault, grade it again";
  } else if (state == "BOOT_FAIL") {
    v.message =
        "the node allocated to the job failed to boot (BOOT_FAIL)" + why + "; not the submission's fault";
  } else if (state == "DEADLINE") {
    v.message = "Slurm ended the job at its deadline (DEADLINE)" + why + " before it could run to completion";
  } else {
    v.message = "the job ended in Slurm state " + std::string(trim(state_text)) + " " + ec + why +
                ", which the grader does not grade; grade it again";
  }
  return v;
}

}  // namespace grader::slurm
