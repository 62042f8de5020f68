// The grader-report/1 JSON (grader/report/json_report.cpp): every field docs/report.md documents,
// what a Learner audience never sees (hidden checks' detail, hidden runs' command and output),
// valid UTF-8 JSON whatever the learner printed, the Slurm accounting block and the error kinds.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "grader/report/formats.h"
#include "grader/util/text.h"

using namespace grader;
using nlohmann::json;

namespace {

CheckResult check(std::string id, CheckStatus status, double points, double max_points) {
  CheckResult c;
  c.title = id + " title";
  c.id = std::move(id);
  c.status = status;
  c.points = points;
  c.max_points = max_points;
  c.message = "learner message";
  c.detail = "teacher detail";
  return c;
}

RunSummary run(std::string id, RunStatus status) {
  RunSummary s;
  s.result.id = std::move(id);
  s.result.status = status;
  s.command = {"python3", "hello.py"};
  return s;
}

Report sample() {
  Report r;
  r.exercise = "hello";
  r.title = "Run a Python script";
  r.submission = "alice";
  r.score = 2;
  r.max_score = 5;
  r.passed = false;
  r.runner = {"local", "sandbox", {"user", "pid", "mount"}, "vm", ""};
  r.checks.push_back(check("greets", CheckStatus::Passed, 2, 2));
  r.checks.push_back(check("pi", CheckStatus::Failed, 0, 3));
  RunSummary main = run("main", RunStatus::Ok);
  main.result.exit_code = 0;
  main.result.wall_s = 0.031;
  main.result.cpu_s = 0.025;
  main.result.max_rss_kb = 9120;
  main.result.out = {"Hello, World!\n", 14, false};
  main.result.err = {"warn\n", 5, false};
  r.runs.push_back(main);
  return r;
}

std::set<std::string> keys(const json& j) {
  std::set<std::string> out;
  for (const auto& [k, v] : j.items()) out.insert(k);
  return out;
}

}  // namespace

TEST(JsonReport, TopLevelHasEveryDocumentedFieldAndNoOther) {
  json j = report_to_json(sample(), Audience::Learner);
  EXPECT_EQ(keys(j), (std::set<std::string>{"schema", "exercise", "title", "submission", "score", "max_score",
                                            "passed", "runner", "provenance", "error", "checks", "runs"}));
  EXPECT_EQ(j["schema"], "grader-report/1");
  EXPECT_EQ(j["exercise"], "hello");
  EXPECT_EQ(j["title"], "Run a Python script");
  EXPECT_EQ(j["submission"], "alice");
  EXPECT_DOUBLE_EQ(j["score"].get<double>(), 2.0);
  EXPECT_DOUBLE_EQ(j["max_score"].get<double>(), 5.0);
  EXPECT_EQ(j["passed"], false);
  EXPECT_TRUE(j["error"].is_null());
}

TEST(JsonReport, RunnerBlockListsTransportExecutorAndIsolation) {
  json runner = report_to_json(sample(), Audience::Learner)["runner"];
  EXPECT_EQ(keys(runner), (std::set<std::string>{"transport", "executor", "isolation", "host", "cluster"}));
  EXPECT_EQ(runner["host"], "vm");
  EXPECT_EQ(runner["cluster"], "");
  EXPECT_EQ(runner["transport"], "local");
  EXPECT_EQ(runner["executor"], "sandbox");
  EXPECT_EQ(runner["isolation"], json::array({"user", "pid", "mount"}));
}

TEST(JsonReport, ProvenanceSaysWhatProducedTheReportAndNullForWhatIsNotKnown) {
  Report r = sample();
  r.provenance.grader_version = "0.1.0";
  r.provenance.rubric_path = "rubrics/hello.toml";
  r.provenance.rubric_sha256 = std::string(64, 'a');
  r.provenance.submission_hash = "sha256:" + std::string(64, 'b');
  r.provenance.started = "2026-12-02T03:50:00Z";
  json p = report_to_json(r, Audience::Learner)["provenance"];
  EXPECT_EQ(keys(p), (std::set<std::string>{"grader_version", "rubric", "provided_hash", "submission_hash",
                                            "repo_commit", "started", "ended", "regraded"}));
  EXPECT_EQ(p["rubric"], (json{{"path", "rubrics/hello.toml"}, {"sha256", std::string(64, 'a')}}));
  EXPECT_EQ(p["submission_hash"], "sha256:" + std::string(64, 'b'));
  EXPECT_TRUE(p["repo_commit"].is_null());
  EXPECT_TRUE(p["provided_hash"].is_null());
  EXPECT_TRUE(p["regraded"].is_null());
  EXPECT_EQ(p["started"], "2026-12-02T03:50:00Z");
}

TEST(JsonReport, EmptyIsolationIsAnEmptyArrayNotNull) {
  Report r = sample();
  r.runner.isolation.clear();
  json isolation = report_to_json(r, Audience::Learner)["runner"]["isolation"];
  EXPECT_TRUE(isolation.is_array());
  EXPECT_TRUE(isolation.empty());
}

TEST(JsonReport, CheckHasEveryDocumentedField) {
  Report r = sample();
  r.checks[1].hint = "print pi";
  json c = report_to_json(r, Audience::Learner)["checks"][1];
  EXPECT_EQ(keys(c), (std::set<std::string>{"id", "title", "status", "points", "max_points", "message",
                                            "hint", "hidden", "unavailable"}));
  EXPECT_EQ(c["id"], "pi");
  EXPECT_EQ(c["title"], "pi title");
  EXPECT_EQ(c["status"], "failed");
  EXPECT_DOUBLE_EQ(c["points"].get<double>(), 0.0);
  EXPECT_DOUBLE_EQ(c["max_points"].get<double>(), 3.0);
  EXPECT_EQ(c["message"], "learner message");
  EXPECT_EQ(c["hint"], "print pi");
  EXPECT_EQ(c["hidden"], false);
}

TEST(JsonReport, AbsentHintIsNull) {
  json c = report_to_json(sample(), Audience::Learner)["checks"][0];
  ASSERT_TRUE(c.contains("hint"));
  EXPECT_TRUE(c["hint"].is_null());
}

TEST(JsonReport, CheckStatusesAreSpelledAsDocumented) {
  Report r = sample();
  r.checks = {check("a", CheckStatus::Passed, 1, 1), check("b", CheckStatus::Failed, 0, 1),
              check("c", CheckStatus::Skipped, 0, 1), check("d", CheckStatus::Error, 0, 1)};
  json checks = report_to_json(r, Audience::Learner)["checks"];
  ASSERT_EQ(checks.size(), 4u);
  EXPECT_EQ(checks[0]["status"], "passed");
  EXPECT_EQ(checks[1]["status"], "failed");
  EXPECT_EQ(checks[2]["status"], "skipped");
  EXPECT_EQ(checks[3]["status"], "error");
}

TEST(JsonReport, ChecksAndRunsKeepTheirOrder) {
  Report r = sample();
  r.checks = {check("z", CheckStatus::Passed, 1, 1), check("a", CheckStatus::Passed, 1, 1),
              check("m", CheckStatus::Passed, 1, 1)};
  r.runs = {run("second", RunStatus::Ok), run("first", RunStatus::Ok)};
  json j = report_to_json(r, Audience::Learner);
  EXPECT_EQ(j["checks"][0]["id"], "z");
  EXPECT_EQ(j["checks"][1]["id"], "a");
  EXPECT_EQ(j["checks"][2]["id"], "m");
  EXPECT_EQ(j["runs"][0]["id"], "second");
  EXPECT_EQ(j["runs"][1]["id"], "first");
}

TEST(JsonReport, ScoresAndPointsAreRoundedToAMillionth) {
  Report r = sample();
  r.score = 2.9999999999;
  r.max_score = 5.0000000001;
  r.checks[0].points = 0.1 + 0.2;  // 0.30000000000000004
  r.checks[0].max_points = 1.0 / 3.0;
  json j = report_to_json(r, Audience::Learner);
  EXPECT_EQ(j["score"].get<double>(), 3.0);
  EXPECT_EQ(j["max_score"].get<double>(), 5.0);
  EXPECT_NEAR(j["checks"][0]["points"].get<double>(), 0.3, 1e-12);
  EXPECT_NEAR(j["checks"][0]["max_points"].get<double>(), 0.333333, 1e-12);
}

TEST(JsonReport, RunHasEveryDocumentedField) {
  json run = report_to_json(sample(), Audience::Learner)["runs"][0];
  EXPECT_EQ(keys(run),
            (std::set<std::string>{"id", "status", "exit_code", "signal", "wall_s", "cpu_s", "max_rss_kb",
                                   "stdout_bytes", "stdout_truncated", "stderr_bytes", "stderr_truncated",
                                   "message", "hidden", "slurm", "attempts", "command", "stdout", "stderr"}));
  EXPECT_EQ(run["id"], "main");
  EXPECT_EQ(run["status"], "ok");
  EXPECT_EQ(run["exit_code"], 0);
  EXPECT_EQ(run["attempts"], 1);
  EXPECT_TRUE(run["signal"].is_null());
  EXPECT_DOUBLE_EQ(run["wall_s"].get<double>(), 0.031);
  EXPECT_DOUBLE_EQ(run["cpu_s"].get<double>(), 0.025);
  EXPECT_EQ(run["max_rss_kb"], 9120);
  EXPECT_EQ(run["stdout_bytes"], 14);
  EXPECT_EQ(run["stdout_truncated"], false);
  EXPECT_EQ(run["stderr_bytes"], 5);
  EXPECT_EQ(run["stderr_truncated"], false);
  EXPECT_EQ(run["message"], "");
  EXPECT_EQ(run["hidden"], false);
  EXPECT_TRUE(run["slurm"].is_null());
  EXPECT_EQ(run["command"], json::array({"python3", "hello.py"}));
  EXPECT_EQ(run["stdout"], "Hello, World!\n");
  EXPECT_EQ(run["stderr"], "warn\n");
}

TEST(JsonReport, RunStatusesAreSpelledAsDocumented) {
  const std::pair<RunStatus, const char*> all[] = {
      {RunStatus::Ok, "ok"},
      {RunStatus::NonzeroExit, "nonzero_exit"},
      {RunStatus::Signaled, "signaled"},
      {RunStatus::Timeout, "timeout"},
      {RunStatus::MemoryLimit, "memory_limit"},
      {RunStatus::OutputLimit, "output_limit"},
      {RunStatus::RunnerError, "runner_error"},
  };
  Report r = sample();
  r.runs.clear();
  for (const auto& [status, name] : all) r.runs.push_back(run(name, status));
  json runs = report_to_json(r, Audience::Learner)["runs"];
  ASSERT_EQ(runs.size(), std::size(all));
  for (std::size_t i = 0; i < runs.size(); ++i) EXPECT_EQ(runs[i]["status"], all[i].second);
}

TEST(JsonReport, ExitCodeAndSignalAreKeptApart) {
  Report r = sample();
  RunSummary exited = run("exited", RunStatus::NonzeroExit);
  exited.result.exit_code = 137;
  RunSummary killed = run("killed", RunStatus::Signaled);
  killed.result.signal = 9;
  r.runs = {exited, killed};
  json runs = report_to_json(r, Audience::Learner)["runs"];
  EXPECT_EQ(runs[0]["exit_code"], 137);
  EXPECT_TRUE(runs[0]["signal"].is_null());
  EXPECT_TRUE(runs[1]["exit_code"].is_null());
  EXPECT_EQ(runs[1]["signal"], 9);
}

TEST(JsonReport, TimesAreRoundedToATenThousandth) {
  Report r = sample();
  r.runs[0].result.wall_s = 0.0213456;
  r.runs[0].result.cpu_s = 1.99999;
  json run = report_to_json(r, Audience::Learner)["runs"][0];
  EXPECT_NEAR(run["wall_s"].get<double>(), 0.0213, 1e-12);
  EXPECT_NEAR(run["cpu_s"].get<double>(), 2.0, 1e-12);
}

TEST(JsonReport, TruncationFlagsAndByteCountsComeFromTheCapture) {
  Report r = sample();
  r.runs[0].result.out = {"x", 5000000, true};
  r.runs[0].result.err = {"", 0, false};
  json run = report_to_json(r, Audience::Learner)["runs"][0];
  EXPECT_EQ(run["stdout_bytes"], 5000000);
  EXPECT_EQ(run["stdout_truncated"], true);
  EXPECT_EQ(run["stderr_bytes"], 0);
  EXPECT_EQ(run["stderr_truncated"], false);
}

TEST(JsonReport, StreamsAreCutToTheFirst16KiB) {
  Report r = sample();
  std::string big;
  while (big.size() < 40 * 1024) big += "line of learner output\n";
  r.runs[0].result.out = {big, big.size(), false};
  std::string out = report_to_json(r, Audience::Learner)["runs"][0]["stdout"];
  EXPECT_LT(out.size(), 16u * 1024 + 64);
  EXPECT_EQ(out.rfind(big.substr(0, 8 * 1024), 0), 0u);  // a prefix of what was printed
  EXPECT_NE(out.find("more bytes]"), std::string::npos);
}

TEST(JsonReport, LearnerNeverSeesDetailOfAnyCheck) {
  Report r = sample();
  r.checks[1].hidden = true;
  r.checks[1].message = "the value of pi is wrong";
  r.checks[1].detail = "found 3.0, expected 3.14159 (rel_tol 1e-3)";
  json checks = report_to_json(r, Audience::Learner)["checks"];
  for (const auto& c : checks) EXPECT_FALSE(c.contains("detail")) << c["id"];
  EXPECT_EQ(checks[1]["message"], "the value of pi is wrong");
  EXPECT_EQ(checks[1]["hidden"], true);
}

TEST(JsonReport, HiddenCheckDetailNeverReachesALearner) {
  Report r = sample();
  r.checks[1].hidden = true;
  r.checks[1].detail = "expected 3.14159";
  std::string learner = render_json(r, Audience::Learner);
  EXPECT_EQ(learner.find("3.14159"), std::string::npos);
  std::string teacher = render_json(r, Audience::Teacher);
  EXPECT_NE(teacher.find("3.14159"), std::string::npos);
}

TEST(JsonReport, TeacherGetsDetailOfEveryCheck) {
  Report r = sample();
  r.checks[1].hidden = true;
  r.checks[1].detail = "expected 3.14159";
  json checks = report_to_json(r, Audience::Teacher)["checks"];
  EXPECT_EQ(checks[0]["detail"], "teacher detail");
  EXPECT_EQ(checks[1]["detail"], "expected 3.14159");
}

TEST(JsonReport, HiddenRunCommandAndOutputNeverReachALearner) {
  Report r = sample();
  RunSummary secret = run("secret", RunStatus::NonzeroExit);
  secret.hidden = true;
  secret.command = {"python3", "hidden_tests_SECRETARG.py"};
  secret.result.exit_code = 1;
  secret.result.out = {"SECRETOUT\n", 10, false};
  secret.result.err = {"SECRETERR\n", 10, false};
  r.runs.push_back(secret);

  json learner = report_to_json(r, Audience::Learner);
  const json& run = learner["runs"][1];
  EXPECT_EQ(run["hidden"], true);
  EXPECT_TRUE(run["command"].is_null());
  EXPECT_TRUE(run["stdout"].is_null());
  EXPECT_TRUE(run["stderr"].is_null());
  EXPECT_EQ(run["stdout_bytes"], 10);  // how much, but not what
  std::string text = render_json(r, Audience::Learner);
  EXPECT_EQ(text.find("SECRET"), std::string::npos);
  // The visible run next to it is still shown in full.
  EXPECT_EQ(learner["runs"][0]["stdout"], "Hello, World!\n");
}

TEST(JsonReport, TeacherSeesHiddenRunCommandAndOutput) {
  Report r = sample();
  r.runs[0].hidden = true;
  json run = report_to_json(r, Audience::Teacher)["runs"][0];
  EXPECT_EQ(run["hidden"], true);
  EXPECT_EQ(run["command"], json::array({"python3", "hello.py"}));
  EXPECT_EQ(run["stdout"], "Hello, World!\n");
  EXPECT_EQ(run["stderr"], "warn\n");
}

TEST(JsonReport, InvalidUtf8AndNulInLearnerOutputStillGiveValidJson) {
  Report r = sample();
  std::string raw("ok \xff\xfe end\0x \xc0\xaf", 14);
  r.submission = raw;
  r.checks[1].message = "found " + raw;
  r.checks[1].detail = "found " + raw;
  r.checks[1].hint = raw;
  r.runs[0].command = {"python3", raw};
  r.runs[0].result.out = {raw, raw.size(), false};
  r.runs[0].result.err = {raw, raw.size(), false};
  r.runs[0].result.message = raw;

  const std::string escaped = "ok \\xFF\\xFE end\\0x \\xC0\\xAF";
  for (Audience a : {Audience::Learner, Audience::Teacher}) {
    std::string text = render_json(r, a);
    EXPECT_TRUE(is_valid_utf8(text));
    EXPECT_EQ(text.find('\0'), std::string::npos);
    json j = json::parse(text);  // throws on invalid UTF-8
    EXPECT_EQ(j["submission"], escaped);
    EXPECT_EQ(j["checks"][1]["message"], "found " + escaped);
    EXPECT_EQ(j["checks"][1]["hint"], escaped);
    EXPECT_EQ(j["runs"][0]["command"][1], escaped);
    EXPECT_EQ(j["runs"][0]["stdout"], escaped);
    EXPECT_EQ(j["runs"][0]["stderr"], escaped);
    EXPECT_EQ(j["runs"][0]["message"], escaped);
    if (a == Audience::Teacher) {
      EXPECT_EQ(j["checks"][1]["detail"], "found " + escaped);
    }
  }
}

TEST(JsonReport, ControlCharactersInLearnerOutputAreJsonEscaped) {
  Report r = sample();
  r.runs[0].result.out = {"a\x1b[31mb\n", 9, false};
  std::string text = render_json(r, Audience::Learner);
  EXPECT_EQ(text.find('\x1b'), std::string::npos);
  EXPECT_NE(text.find("\\u001b"), std::string::npos);
  EXPECT_EQ(json::parse(text)["runs"][0]["stdout"], "a\x1b[31mb\n");
}

TEST(JsonReport, RenderJsonIsTheJsonValueIndentedWithATrailingNewline) {
  Report r = sample();
  std::string text = render_json(r, Audience::Teacher);
  ASSERT_FALSE(text.empty());
  EXPECT_EQ(text.back(), '\n');
  EXPECT_EQ(text.rfind("{\n  \"", 0), 0u);  // two-space indentation
  EXPECT_EQ(json::parse(text), report_to_json(r, Audience::Teacher));
}

TEST(JsonReport, RunThatWasNoSlurmJobHasNullSlurm) {
  json run = report_to_json(sample(), Audience::Teacher)["runs"][0];
  ASSERT_TRUE(run.contains("slurm"));
  EXPECT_TRUE(run["slurm"].is_null());
}

TEST(JsonReport, SlurmAccountingBlockHasEveryDocumentedField) {
  Report r = sample();
  SlurmAccounting a;
  a.job_id = "12";
  a.cluster = "gradertest";
  a.partition = "main";
  a.account = "naiss2024-22-107";
  a.state = "CANCELLED by 0";
  a.exit_code = "0:15";
  a.elapsed_s = 61.00049;
  a.total_cpu_s = 12.3456;
  a.queue_wait_s = 2.0004;
  a.max_rss_kb = 20480;
  a.alloc_tres = "billing=1,cpu=1,gres/gpu=1,mem=2000M,node=1";
  a.time_limit = "00:10:00";
  r.runs[0].result.slurm = a;
  json s = report_to_json(r, Audience::Learner)["runs"][0]["slurm"];
  EXPECT_EQ(keys(s), (std::set<std::string>{"job_id", "cluster", "partition", "account", "state", "exit_code",
                                            "elapsed_s", "total_cpu_s", "queue_wait_s", "max_rss_kb",
                                            "alloc_tres", "time_limit", "steps", "leftover_jobs", "user",
                                            "isolation", "isolation_notes"}));
  EXPECT_EQ(s["job_id"], "12");
  EXPECT_TRUE(s["job_id"].is_string());
  EXPECT_EQ(s["cluster"], "gradertest");
  EXPECT_EQ(s["partition"], "main");
  EXPECT_EQ(s["account"], "naiss2024-22-107");
  EXPECT_EQ(s["state"], "CANCELLED by 0");
  EXPECT_EQ(s["exit_code"], "0:15");
  EXPECT_TRUE(s["exit_code"].is_string());
  EXPECT_NEAR(s["elapsed_s"].get<double>(), 61.0, 1e-12);  // rounded to 1e-3
  EXPECT_NEAR(s["total_cpu_s"].get<double>(), 12.346, 1e-12);
  EXPECT_NEAR(s["queue_wait_s"].get<double>(), 2.0, 1e-12);
  EXPECT_EQ(s["max_rss_kb"], 20480);
  EXPECT_TRUE(s["max_rss_kb"].is_number_integer());
  EXPECT_EQ(s["alloc_tres"], "billing=1,cpu=1,gres/gpu=1,mem=2000M,node=1");
  EXPECT_EQ(s["time_limit"], "00:10:00");
}

TEST(JsonReport, SlurmBlockIsShownForHiddenRunsToo) {
  // Accounting is the scheduler's record, not learner output: a learner sees it for hidden runs.
  Report r = sample();
  r.runs[0].hidden = true;
  r.runs[0].result.slurm = SlurmAccounting{};
  r.runs[0].result.slurm->state = "COMPLETED";
  json run = report_to_json(r, Audience::Learner)["runs"][0];
  EXPECT_TRUE(run["stdout"].is_null());
  EXPECT_EQ(run["slurm"]["state"], "COMPLETED");
}

TEST(JsonReport, RunnerErrorIsErrorOfKindRunner) {
  Report r = sample();
  r.runner_error = "could not reach rackham: connection refused";
  json error = report_to_json(r, Audience::Learner)["error"];
  EXPECT_EQ(keys(error), (std::set<std::string>{"kind", "message"}));
  EXPECT_EQ(error["kind"], "runner");
  EXPECT_EQ(error["message"], "could not reach rackham: connection refused");
}

TEST(JsonReport, RefusedSubmissionIsErrorOfKindSubmission) {
  Report r = sample();
  r.submission_error = "link.py is a symlink out of the submission";
  json error = report_to_json(r, Audience::Learner)["error"];
  EXPECT_EQ(error["kind"], "submission");
  EXPECT_EQ(error["message"], "link.py is a symlink out of the submission");
}

TEST(JsonReport, RunnerErrorWinsOverSubmissionError) {
  Report r = sample();
  r.submission_error = "refused";
  r.runner_error = "sandbox could not be set up";
  json error = report_to_json(r, Audience::Learner)["error"];
  EXPECT_EQ(error["kind"], "runner");
  EXPECT_EQ(error["message"], "sandbox could not be set up");
}

TEST(JsonReport, ErrorMessageIsMadeValidUtf8) {
  Report r = sample();
  r.submission_error = std::string("bad name \xff", 10);
  std::string text = render_json(r, Audience::Learner);
  EXPECT_EQ(json::parse(text)["error"]["message"], "bad name \\xFF");
}
