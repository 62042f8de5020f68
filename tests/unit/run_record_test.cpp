// Run records round-trip every byte a grading produced (regrade and resume depend on it), and a
// damaged record is a precise error naming its file; re-scoring from a record follows changed
// checks and refuses changed runs, saying what changed.
#include "grader/report/run_record.h"

#include <gtest/gtest.h>

#include "grader/grading/rescore.h"
#include "grader/grading/run_specs.h"
#include "grader/rubric/loader.h"

namespace grader {
namespace {

Report sample() {
  Report r;
  r.exercise = "hello";
  r.title = "Say hello";
  r.submission = "alice";
  r.score = 1;
  r.max_score = 3;
  r.runner = {"ssh", "process", {"timeout"}, "ssh://root@127.0.0.1:2222", "local"};
  r.provenance.grader_version = "0.1.0";
  r.provenance.submission_hash = "sha256:abc";
  RunResult run;
  run.id = "main";
  run.status = RunStatus::NonzeroExit;
  run.exit_code = 3;
  run.wall_s = 0.25;
  run.out = {"hello\n\xff\xfe not utf-8\0 nul", 30, false};
  run.out.data.push_back('\0');
  run.err = {"Traceback\n", 10, true};
  run.files["out.txt"] = {true, std::string("\x00\x01\x02", 3), 3, false};
  run.files["missing.txt"] = {};
  SlurmAccounting a;
  a.job_id = "12";
  a.state = "FAILED";
  a.max_rss_kb = 1024;
  run.slurm = a;
  r.runs.push_back({run, {"python3", "hello.py"}, true});
  r.submission_files.id = "@submission";
  r.submission_files.files["job.sh"] = {true, "#!/bin/bash\n", 12, false};
  CheckResult c;
  c.id = "greets";
  c.status = CheckStatus::Failed;
  c.max_points = 2;
  c.message = "no greeting";
  c.detail = "expected 'Hello'";
  c.hint = "print it";
  c.hidden = true;
  r.checks.push_back(c);
  return r;
}

RunRecord record_of(Report r) {
  RunRecord rec;
  rec.key = "sha256:k";
  rec.report_file = "alice.json";
  rec.run_specs = {{"order", nlohmann::json::array()}, {"runs", nlohmann::json::object()}};
  rec.runner_values.python_modules = "python/3.11.2";
  rec.report = std::move(r);
  return rec;
}

TEST(RunRecord, RoundTripsEveryFieldAndEveryByte) {
  RunRecord rec = record_of(sample());
  std::string text = render_record(rec);
  RunRecord back = parse_record(text, "x.json");
  EXPECT_EQ(render_record(back), text);
  const RunResult& run = back.report.runs.at(0).result;
  EXPECT_EQ(run.out.data, rec.report.runs[0].result.out.data) << "bytes that are not UTF-8 come back exactly";
  EXPECT_EQ(run.files.at("out.txt").data, std::string("\x00\x01\x02", 3));
  EXPECT_FALSE(run.files.at("missing.txt").exists);
  EXPECT_EQ(run.slurm->max_rss_kb, 1024u);
  EXPECT_EQ(back.report.checks.at(0).detail, "expected 'Hello'");
  EXPECT_EQ(back.report.runner.cluster, "local");
  EXPECT_EQ(back.runner_values.python_modules, "python/3.11.2");
  EXPECT_EQ(back.runner_values.project_storage, std::nullopt);
  EXPECT_NE(text.find("\"base64\""), std::string::npos);
}

TEST(RunRecord, EveryRunStatusRoundTrips) {
  for (RunStatus st :
       {RunStatus::Ok, RunStatus::NonzeroExit, RunStatus::Signaled, RunStatus::Timeout,
        RunStatus::MemoryLimit, RunStatus::OutputLimit, RunStatus::RunnerError, RunStatus::Skipped}) {
    RunRecord rec = record_of(sample());
    rec.report.runs[0].result.status = st;
    EXPECT_EQ(parse_record(render_record(rec), "x").report.runs[0].result.status, st) << to_string(st);
  }
}

TEST(RunRecord, WhatIsNotARecordIsAnErrorNamingTheFile) {
  auto error_of = [](const std::string& text) {
    try {
      parse_record(text, "DIR/.grader/alice.json");
    } catch (const RecordError& e) {
      return std::string(e.what());
    }
    return std::string("(parsed)");
  };
  EXPECT_EQ(error_of("{not json"), "DIR/.grader/alice.json: not a run record (not a JSON object)");
  EXPECT_EQ(error_of(R"({"schema": "grader-report/1"})"),
            "DIR/.grader/alice.json: not a run record (schema 'grader-report/1', expected grader-record/1)");
  std::string text = render_record(record_of(sample()));
  text.replace(text.find("\"exit_code\": 3"), 14, "\"exit_code\": \"3\"");
  EXPECT_EQ(error_of(text).rfind("DIR/.grader/alice.json: a damaged run record: ", 0), 0u) << error_of(text);
}

const std::string kRubric = R"(exercise = "hello"
title = "Say hello"
[[run]]
id = "main"
command = ["python3", "hello.py"]
[[check]]
id = "greets"
run = "main"
stdout.contains = "Hello"
points = 2
[[check]]
id = "exits"
run = "main"
exit_code = 0
)";

RunRecord graded(const std::string& rubric_text, const std::string& out) {
  Rubric rubric = parse_rubric(rubric_text, "r.toml");
  Report r;
  r.exercise = "hello";
  r.submission = "alice";
  RunResult run;
  run.id = "main";
  run.status = RunStatus::Ok;
  run.exit_code = 0;
  run.out.data = out;
  r.runs.push_back({run, {"python3", "hello.py"}, false});
  RunRecord rec = record_of(r);
  rec.run_specs = run_specs(rubric);
  return rec;
}

TEST(Rescore, ChangedChecksAreScoredFromTheRecordedRuns) {
  RunRecord rec = graded(kRubric, "Hello, world\n");
  std::string changed = kRubric;
  changed.replace(changed.find("points = 2"), 10, "points = 5");
  changed.replace(changed.find("\"Hello\""), 7, "\"Goodbye\"");
  Rubric rubric = parse_rubric(changed, "r.toml");
  ASSERT_TRUE(rescore_refusal(rubric, "", rec).empty());
  Provenance now;
  now.rubric_sha256 = "new";
  RunRecord out = rescore(rubric, rec, now);
  EXPECT_EQ(out.report.score, 1.0);
  EXPECT_EQ(out.report.max_score, 6.0);
  EXPECT_EQ(out.report.checks.at(0).status, CheckStatus::Failed);
  EXPECT_FALSE(out.report.provenance.regraded.empty());
  EXPECT_EQ(out.report.provenance.rubric_sha256, "new");
  EXPECT_NE(out.key, rec.key) << "the key follows the rubric it was scored with";
}

TEST(Rescore, ChangedRunsAreRefusedNamingWhatChanged) {
  RunRecord rec = graded(kRubric, "Hello\n");
  auto refusal = [&](const std::string& from, const std::string& to) {
    std::string text = kRubric;
    text.replace(text.find(from), from.size(), to);
    return rescore_refusal(parse_rubric(text, "r.toml"), "", rec);
  };
  EXPECT_EQ(refusal("\"hello.py\"]", "\"hello.py\", \"10\"]"),
            std::vector<std::string>{"run 'main' changed: command"});
  EXPECT_EQ(refusal("command = [", "timeout = \"20s\"\ncommand = ["),
            std::vector<std::string>{"run 'main' changed: timeout_s"});
  EXPECT_EQ(refusal("stdout.contains = \"Hello\"", "file.path = \"out.txt\"\nfile.contains = \"Hello\""),
            std::vector<std::string>{"run 'main' changed: collect"})
      << "a check that reads a file the run did not collect needs the run again";
  EXPECT_EQ(refusal("[[check]]\nid = \"greets\"",
                    "[[run]]\nid = \"more\"\ncommand = [\"true\"]\n[[check]]\nid = \"greets\""),
            std::vector<std::string>{"run 'more' is new"});
  EXPECT_EQ(rescore_refusal(parse_rubric(kRubric, "r.toml"), "sha256:other", rec),
            std::vector<std::string>{"the exercise's provided/ files changed"});
  EXPECT_TRUE(refusal("points = 2", "points = 2\nhint = \"say Hello\"").empty()) << "a hint is not a run";
}

// A jobscript's job_limits decide whether its job is submitted at all: a changed limit is a
// changed run, so a regrade runs it again.
TEST(Rescore, ChangedJobLimitsAreAChangedRun) {
  const std::string job = "exercise = \"b\"\n[[run]]\nid = \"job\"\njobscript = \"job.sh\"\n";
  const std::string check = "[[check]]\nid = \"ran\"\nrun = \"job\"\nexit_code = 0\n";
  nlohmann::json before = run_specs(parse_rubric(job + check, "r.toml"));
  EXPECT_TRUE(run_spec_changes(before, run_specs(parse_rubric(job + check, "r.toml"))).empty());
  EXPECT_EQ(run_spec_changes(before,
                             run_specs(parse_rubric(job + "job_limits = { gpus = 1 }\n" + check, "r.toml"))),
            std::vector<std::string>{"run 'job' changed: job_limits"});
}

}  // namespace
}  // namespace grader
