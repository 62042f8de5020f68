// grader-report/1 JSON; see formats.h and docs/report.md.
#include <cmath>

#include "grader/notebook/notebook_results.h"
#include "grader/report/formats.h"
#include "grader/report/notebook_report.h"
#include "grader/util/text.h"

namespace grader {

namespace {

constexpr std::size_t kReportOutputBytes = 16 * 1024;

// Rounded so that reports diff cleanly and do not show float noise like 2.9999999999.
double round_to(double v, double unit) {
  return std::round(v / unit) * unit;
}

nlohmann::json or_null(const std::optional<int>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}
nlohmann::json or_null(const std::optional<std::string>& v) {
  return v ? nlohmann::json(sanitize_utf8(*v)) : nlohmann::json(nullptr);
}

nlohmann::json steps_to_json(const std::vector<SlurmStep>& steps) {
  nlohmann::json out = nlohmann::json::array();
  for (const SlurmStep& s : steps) {
    out.push_back({{"id", sanitize_utf8(s.id)},
                   {"state", sanitize_utf8(s.state)},
                   {"exit_code", sanitize_utf8(s.exit_code)},
                   {"ntasks", s.ntasks}});
  }
  return out;
}

// What Slurm's accounting said of the job; null for runs that were not Slurm jobs.
// Notes carry paths and error texts of the node: made valid UTF-8 like every other string.
nlohmann::json sanitized(const std::vector<std::string>& lines) {
  nlohmann::json out = nlohmann::json::array();
  for (const std::string& l : lines) out.push_back(sanitize_utf8(l));
  return out;
}

nlohmann::json slurm_to_json(const std::optional<SlurmAccounting>& a) {
  if (!a) return nullptr;
  return {
      {"job_id", a->job_id},
      {"cluster", sanitize_utf8(a->cluster)},
      {"partition", sanitize_utf8(a->partition)},
      {"account", sanitize_utf8(a->account)},
      {"state", sanitize_utf8(a->state)},
      {"exit_code", sanitize_utf8(a->exit_code)},
      {"elapsed_s", round_to(a->elapsed_s, 1e-3)},
      {"total_cpu_s", round_to(a->total_cpu_s, 1e-3)},
      {"queue_wait_s", round_to(a->queue_wait_s, 1e-3)},
      {"max_rss_kb", a->max_rss_kb},
      {"alloc_tres", sanitize_utf8(a->alloc_tres)},
      {"time_limit", sanitize_utf8(a->time_limit)},
      {"steps", steps_to_json(a->steps)},
      {"leftover_jobs", a->leftover_jobs},
      {"user", sanitize_utf8(a->user)},
      {"isolation", a->isolation},
      {"isolation_notes", sanitized(a->isolation_notes)},
  };
}

nlohmann::json run_to_json(const RunSummary& s, Audience audience) {
  const RunResult& r = s.result;
  bool show = !s.hidden || audience == Audience::Teacher;
  nlohmann::json j = {
      {"id", r.id},
      {"status", to_string(r.status)},
      {"exit_code", or_null(r.exit_code)},
      {"signal", or_null(r.signal)},
      {"wall_s", round_to(r.wall_s, 1e-4)},
      {"cpu_s", round_to(r.cpu_s, 1e-4)},
      {"max_rss_kb", r.max_rss_kb},
      {"stdout_bytes", r.out.total_bytes},
      {"stdout_truncated", r.out.truncated},
      {"stderr_bytes", r.err.total_bytes},
      {"stderr_truncated", r.err.truncated},
      {"message", sanitize_utf8(r.message)},
      {"hidden", s.hidden},
      {"slurm", slurm_to_json(r.slurm)},
      {"attempts", r.attempts},
  };
  if (show) {
    nlohmann::json cmd = nlohmann::json::array();
    for (const auto& a : s.command) cmd.push_back(sanitize_utf8(a));
    j["command"] = cmd;
    j["stdout"] = sanitize_utf8(excerpt(r.out.data, kReportOutputBytes));
    j["stderr"] = sanitize_utf8(excerpt(r.err.data, kReportOutputBytes));
    if (auto notebook = notebook_report_json(r)) j["notebook"] = std::move(*notebook);
  } else {
    j["command"] = nullptr;
    j["stdout"] = nullptr;
    j["stderr"] = nullptr;
    if (notebook_result(r)) j["notebook"] = nullptr;
  }
  return j;
}

nlohmann::json text_or_null(const std::string& s) {
  return s.empty() ? nlohmann::json(nullptr) : nlohmann::json(sanitize_utf8(s));
}

nlohmann::json provenance_to_json(const Provenance& p) {
  return {
      {"grader_version", p.grader_version},
      {"rubric", {{"path", sanitize_utf8(p.rubric_path)}, {"sha256", p.rubric_sha256}}},
      {"provided_hash", text_or_null(p.provided_hash)},
      {"submission_hash", text_or_null(p.submission_hash)},
      {"repo_commit", text_or_null(p.repo_commit)},
      {"started", text_or_null(p.started)},
      {"ended", text_or_null(p.ended)},
      {"regraded", text_or_null(p.regraded)},
  };
}

}  // namespace

nlohmann::json report_to_json(const Report& report, Audience audience) {
  nlohmann::json checks = nlohmann::json::array();
  for (const auto& c : report.checks) {
    nlohmann::json j = {
        {"id", c.id},
        {"title", sanitize_utf8(c.title)},
        {"status", to_string(c.status)},
        {"points", round_to(c.points, 1e-6)},
        {"max_points", round_to(c.max_points, 1e-6)},
        {"message", sanitize_utf8(c.message)},
        {"hint", or_null(c.hint)},
        {"hidden", c.hidden},
        {"unavailable", c.unavailable},
    };
    if (audience == Audience::Teacher) j["detail"] = sanitize_utf8(c.detail);
    checks.push_back(std::move(j));
  }
  nlohmann::json runs = nlohmann::json::array();
  for (const auto& r : report.runs) runs.push_back(run_to_json(r, audience));

  nlohmann::json error = nullptr;
  if (!report.runner_error.empty())
    error = {{"kind", "runner"}, {"message", sanitize_utf8(report.runner_error)}};
  else if (!report.submission_error.empty())
    error = {{"kind", "submission"}, {"message", sanitize_utf8(report.submission_error)}};

  return {
      {"schema", kReportSchema},
      {"exercise", report.exercise},
      {"title", sanitize_utf8(report.title)},
      {"submission", sanitize_utf8(report.submission)},
      {"score", round_to(report.score, 1e-6)},
      {"max_score", round_to(report.max_score, 1e-6)},
      {"passed", report.passed},
      {"runner",
       {{"transport", report.runner.transport},
        {"executor", report.runner.executor},
        {"isolation", report.runner.isolation},
        {"host", sanitize_utf8(report.runner.host)},
        {"cluster", report.runner.cluster}}},
      {"provenance", provenance_to_json(report.provenance)},
      {"error", error},
      {"checks", checks},
      {"runs", runs},
  };
}

std::string render_json(const Report& report, Audience audience) {
  // Every string was sanitized above; `replace` is the second line of defence, never `strict`,
  // which would throw on a byte we missed and lose the report.
  return report_to_json(report, audience).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) +
         "\n";
}

}  // namespace grader
