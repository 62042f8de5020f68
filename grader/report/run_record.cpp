// grader-record/1 in and out; see run_record.h. Every field of Report round-trips exactly: a
// resumed or regraded class must not differ from one graded afresh.
#include "grader/report/run_record.h"

#include "grader/util/base64.h"
#include "grader/util/json_optional.h"
#include "grader/util/text.h"

namespace grader {

using nlohmann::json;

namespace {

json bytes_to_json(const std::string& b) {
  if (is_valid_utf8(b)) return {{"text", b}};
  return {{"base64", base64_encode(b)}};
}

std::string bytes_from_json(const json& j) {
  if (j.contains("text")) return j.at("text").get<std::string>();
  auto b = base64_decode(j.at("base64").get<std::string>());
  if (!b) throw json::other_error::create(501, "bad base64", &j);
  return *b;
}

json stream_to_json(const CapturedStream& s) {
  return {{"data", bytes_to_json(s.data)}, {"total_bytes", s.total_bytes}, {"truncated", s.truncated}};
}

CapturedStream stream_from_json(const json& j) {
  return {bytes_from_json(j.at("data")), j.at("total_bytes").get<std::uint64_t>(),
          j.at("truncated").get<bool>()};
}

json steps_to_json(const std::vector<SlurmStep>& steps) {
  json out = json::array();
  for (const SlurmStep& s : steps)
    out.push_back({{"id", s.id}, {"state", s.state}, {"exit_code", s.exit_code}, {"ntasks", s.ntasks}});
  return out;
}

std::vector<SlurmStep> steps_from_json(const json& j) {
  std::vector<SlurmStep> steps;
  for (const json& s : j) {
    SlurmStep step;
    s.at("id").get_to(step.id);
    s.at("state").get_to(step.state);
    s.at("exit_code").get_to(step.exit_code);
    s.at("ntasks").get_to(step.ntasks);
    steps.push_back(std::move(step));
  }
  return steps;
}

json slurm_to_json(const std::optional<SlurmAccounting>& a) {
  if (!a) return nullptr;
  return {{"job_id", a->job_id},
          {"cluster", a->cluster},
          {"partition", a->partition},
          {"account", a->account},
          {"state", a->state},
          {"exit_code", a->exit_code},
          {"elapsed_s", a->elapsed_s},
          {"total_cpu_s", a->total_cpu_s},
          {"queue_wait_s", a->queue_wait_s},
          {"max_rss_kb", a->max_rss_kb},
          {"alloc_tres", a->alloc_tres},
          {"time_limit", a->time_limit},
          {"steps", steps_to_json(a->steps)},
          {"leftover_jobs", a->leftover_jobs},
          {"user", a->user},
          {"isolation", a->isolation},
          {"isolation_notes", a->isolation_notes}};
}

std::optional<SlurmAccounting> slurm_from_json(const json& j) {
  if (j.is_null()) return std::nullopt;
  SlurmAccounting a;
  j.at("job_id").get_to(a.job_id);
  j.at("cluster").get_to(a.cluster);
  j.at("partition").get_to(a.partition);
  j.at("account").get_to(a.account);
  j.at("state").get_to(a.state);
  j.at("exit_code").get_to(a.exit_code);
  j.at("elapsed_s").get_to(a.elapsed_s);
  j.at("total_cpu_s").get_to(a.total_cpu_s);
  j.at("queue_wait_s").get_to(a.queue_wait_s);
  j.at("max_rss_kb").get_to(a.max_rss_kb);
  j.at("alloc_tres").get_to(a.alloc_tres);
  j.at("time_limit").get_to(a.time_limit);
  // Records written before steps were kept have none.
  if (auto s = j.find("steps"); s != j.end()) a.steps = steps_from_json(*s);
  a.leftover_jobs = j.value("leftover_jobs", std::vector<std::string>{});
  a.user = j.value("user", std::string());
  a.isolation = j.value("isolation", std::vector<std::string>{});
  a.isolation_notes = j.value("isolation_notes", std::vector<std::string>{});
  return a;
}

RunStatus run_status_from(const std::string& s) {
  for (RunStatus st :
       {RunStatus::Ok, RunStatus::NonzeroExit, RunStatus::Signaled, RunStatus::Timeout,
        RunStatus::MemoryLimit, RunStatus::OutputLimit, RunStatus::RunnerError, RunStatus::Skipped})
    if (to_string(st) == s) return st;
  throw std::invalid_argument("unknown run status '" + s + "'");
}

CheckStatus check_status_from(const std::string& s) {
  for (CheckStatus st : {CheckStatus::Passed, CheckStatus::Failed, CheckStatus::Skipped, CheckStatus::Error})
    if (to_string(st) == s) return st;
  throw std::invalid_argument("unknown check status '" + s + "'");
}

json result_to_json(const RunResult& r) {
  json files = json::object();
  for (const auto& [path, f] : r.files)
    files[path] = {
        {"exists", f.exists}, {"data", bytes_to_json(f.data)}, {"size", f.size}, {"truncated", f.truncated}};
  return {{"id", r.id},
          {"status", to_string(r.status)},
          {"exit_code", json_or_null(r.exit_code)},
          {"signal", json_or_null(r.signal)},
          {"wall_s", r.wall_s},
          {"cpu_s", r.cpu_s},
          {"max_rss_kb", r.max_rss_kb},
          {"out", stream_to_json(r.out)},
          {"err", stream_to_json(r.err)},
          {"files", files},
          {"message", r.message},
          {"slurm", slurm_to_json(r.slurm)},
          {"attempts", r.attempts}};
}

RunResult result_from_json(const json& j) {
  RunResult r;
  j.at("id").get_to(r.id);
  r.status = run_status_from(j.at("status").get<std::string>());
  r.exit_code = optional_from_json<int>(j.at("exit_code"));
  r.signal = optional_from_json<int>(j.at("signal"));
  j.at("wall_s").get_to(r.wall_s);
  j.at("cpu_s").get_to(r.cpu_s);
  j.at("max_rss_kb").get_to(r.max_rss_kb);
  r.out = stream_from_json(j.at("out"));
  r.err = stream_from_json(j.at("err"));
  for (const auto& [path, f] : j.at("files").items())
    r.files[path] = {f.at("exists").get<bool>(), bytes_from_json(f.at("data")),
                     f.at("size").get<std::uint64_t>(), f.at("truncated").get<bool>()};
  j.at("message").get_to(r.message);
  // Absent from records written before runs were timed again: one attempt.
  r.attempts = j.value("attempts", 1);
  r.slurm = slurm_from_json(j.at("slurm"));
  return r;
}

json check_to_json(const CheckResult& c) {
  return {{"id", c.id},
          {"title", c.title},
          {"status", to_string(c.status)},
          {"points", c.points},
          {"max_points", c.max_points},
          {"message", c.message},
          {"detail", c.detail},
          {"hint", json_or_null(c.hint)},
          {"hidden", c.hidden},
          {"unavailable", c.unavailable}};
}

CheckResult check_from_json(const json& j) {
  CheckResult c;
  j.at("id").get_to(c.id);
  j.at("title").get_to(c.title);
  c.status = check_status_from(j.at("status").get<std::string>());
  j.at("points").get_to(c.points);
  j.at("max_points").get_to(c.max_points);
  j.at("message").get_to(c.message);
  j.at("detail").get_to(c.detail);
  c.hint = optional_from_json<std::string>(j.at("hint"));
  j.at("hidden").get_to(c.hidden);
  j.at("unavailable").get_to(c.unavailable);
  return c;
}

json provenance_to_json(const Provenance& p) {
  return {{"grader_version", p.grader_version},
          {"rubric_path", p.rubric_path},
          {"rubric_sha256", p.rubric_sha256},
          {"provided_hash", p.provided_hash},
          {"submission_hash", p.submission_hash},
          {"repo_commit", p.repo_commit},
          {"started", p.started},
          {"ended", p.ended},
          {"regraded", p.regraded}};
}

Provenance provenance_from_json(const json& j) {
  Provenance p;
  j.at("grader_version").get_to(p.grader_version);
  j.at("rubric_path").get_to(p.rubric_path);
  j.at("rubric_sha256").get_to(p.rubric_sha256);
  j.at("provided_hash").get_to(p.provided_hash);
  j.at("submission_hash").get_to(p.submission_hash);
  j.at("repo_commit").get_to(p.repo_commit);
  j.at("started").get_to(p.started);
  j.at("ended").get_to(p.ended);
  j.at("regraded").get_to(p.regraded);
  return p;
}

json report_to_record_json(const Report& r) {
  json checks = json::array(), runs = json::array();
  for (const auto& c : r.checks) checks.push_back(check_to_json(c));
  for (const auto& s : r.runs)
    runs.push_back({{"result", result_to_json(s.result)}, {"command", s.command}, {"hidden", s.hidden}});
  return {{"exercise", r.exercise},
          {"title", r.title},
          {"submission", r.submission},
          {"score", r.score},
          {"max_score", r.max_score},
          {"passed", r.passed},
          {"runner",
           {{"transport", r.runner.transport},
            {"executor", r.runner.executor},
            {"isolation", r.runner.isolation},
            {"host", r.runner.host},
            {"cluster", r.runner.cluster}}},
          {"submission_error", r.submission_error},
          {"runner_error", r.runner_error},
          {"provenance", provenance_to_json(r.provenance)},
          {"submission_files", result_to_json(r.submission_files)},
          {"checks", checks},
          {"runs", runs}};
}

Report report_from_record_json(const json& j) {
  Report r;
  j.at("exercise").get_to(r.exercise);
  j.at("title").get_to(r.title);
  j.at("submission").get_to(r.submission);
  j.at("score").get_to(r.score);
  j.at("max_score").get_to(r.max_score);
  j.at("passed").get_to(r.passed);
  const json& runner = j.at("runner");
  r.runner = {runner.at("transport").get<std::string>(), runner.at("executor").get<std::string>(),
              runner.at("isolation").get<std::vector<std::string>>(), runner.at("host").get<std::string>(),
              runner.at("cluster").get<std::string>()};
  j.at("submission_error").get_to(r.submission_error);
  j.at("runner_error").get_to(r.runner_error);
  r.provenance = provenance_from_json(j.at("provenance"));
  r.submission_files = result_from_json(j.at("submission_files"));
  for (const auto& c : j.at("checks")) r.checks.push_back(check_from_json(c));
  for (const auto& s : j.at("runs"))
    r.runs.push_back({result_from_json(s.at("result")), s.at("command").get<std::vector<std::string>>(),
                      s.at("hidden").get<bool>()});
  return r;
}

}  // namespace

std::string render_record(const RunRecord& record) {
  json values = {{"python_modules", json_or_null(record.runner_values.python_modules)},
                 {"project_storage", json_or_null(record.runner_values.project_storage)},
                 {"cores", json_or_null(record.runner_values.cores)},
                 {"profile", record.runner_values.profile}};
  json j = {{"schema", kRecordSchema},           {"key", record.key},
            {"report_file", record.report_file}, {"run_specs", record.run_specs},
            {"runner_values", values},           {"report", report_to_record_json(record.report)}};
  // Text fields are valid UTF-8 or base64 by construction; the rubric's own strings are too.
  return j.dump(1, ' ', false, json::error_handler_t::replace) + "\n";
}

RunRecord parse_record(std::string_view text, const std::string& source) {
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    throw RecordError(source + ": not a run record (not a JSON object)");
  std::string schema = j.value("schema", "");
  if (schema != kRecordSchema)
    throw RecordError(source + ": not a run record (schema '" + schema + "', expected " + kRecordSchema +
                      ")");
  try {
    RunRecord r;
    j.at("key").get_to(r.key);
    j.at("report_file").get_to(r.report_file);
    r.run_specs = j.at("run_specs");
    const json& v = j.at("runner_values");
    r.runner_values.python_modules = optional_from_json<std::string>(v.at("python_modules"));
    r.runner_values.project_storage = optional_from_json<std::string>(v.at("project_storage"));
    v.at("profile").get_to(r.runner_values.profile);
    // Records written before {{cores}} have none.
    if (v.contains("cores")) r.runner_values.cores = optional_from_json<int>(v.at("cores"));
    r.report = report_from_record_json(j.at("report"));
    return r;
  } catch (const std::exception& e) {
    throw RecordError(source + ": a damaged run record: " + e.what());
  }
}

}  // namespace grader
