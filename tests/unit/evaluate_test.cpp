// Each check kind evaluated from data alone: no process runs here.
#include "grader/checks/evaluate.h"

#include <gtest/gtest.h>

using namespace grader;

namespace {

RunResult ok_run(std::string out, std::string err = "") {
  RunResult r;
  r.id = "main";
  r.status = RunStatus::Ok;
  r.exit_code = 0;
  r.out.data = std::move(out);
  r.out.total_bytes = r.out.data.size();
  r.err.data = std::move(err);
  return r;
}

CheckSpec make(CheckKind kind, double points = 2) {
  CheckSpec c;
  c.id = "c";
  c.run = "main";
  c.points = points;
  c.kind = std::move(kind);
  return c;
}

CheckSpec text(Stream s, MatchKind k, std::string pattern) {
  return make(OutputCheck{s, "", TextMatch{k, std::move(pattern)}});
}

CheckResult eval(const CheckSpec& c, const RunResult& r, bool hidden = false) {
  RunResults runs{{r.id, r}};
  return evaluate_check(c, runs, hidden);
}

}  // namespace

TEST(ExitCodeCheck, PassesOnExpectedCode) {
  auto r = eval(make(ExitCodeCheck{0}), ok_run(""));
  EXPECT_EQ(r.status, CheckStatus::Passed);
  EXPECT_EQ(r.points, 2);
}

TEST(ExitCodeCheck, FailsOnSignalAndSaysSo) {
  RunResult run = ok_run("");
  run.status = RunStatus::Signaled;
  run.exit_code.reset();
  run.signal = 9;
  run.message = "killed by signal 9 (SIGKILL)";
  auto r = eval(make(ExitCodeCheck{0}), run);
  EXPECT_EQ(r.status, CheckStatus::Failed);
  EXPECT_EQ(r.points, 0);
  EXPECT_NE(r.message.find("SIGKILL"), std::string::npos) << r.message;
}

TEST(ExitCodeCheck, Exit137IsACodeNotASignal) {
  RunResult run = ok_run("");
  run.status = RunStatus::NonzeroExit;
  run.exit_code = 137;
  auto r = eval(make(ExitCodeCheck{0}), run);
  EXPECT_NE(r.message.find("exited with code 137"), std::string::npos) << r.message;
}

TEST(ContainsCheck, MatchesSubstring) {
  EXPECT_EQ(eval(text(Stream::Stdout, MatchKind::Contains, "llo W"), ok_run("Hello World\n")).status,
            CheckStatus::Passed);
  auto r = eval(text(Stream::Stdout, MatchKind::Contains, "Bye"), ok_run("Hello World\n"));
  EXPECT_EQ(r.status, CheckStatus::Failed);
  EXPECT_NE(r.message.find("'Hello World'"), std::string::npos) << r.message;
}

TEST(RegexCheck, AnchorsMatchPerLine) {
  auto c = text(Stream::Stdout, MatchKind::Regex, R"(^sum = \d+$)");
  EXPECT_EQ(eval(c, ok_run("hello\nsum = 42\nbye\n")).status, CheckStatus::Passed);
  EXPECT_EQ(eval(c, ok_run("the sum = 42\n")).status, CheckStatus::Failed);
}

TEST(RegexCheck, StderrIsItsOwnStream) {
  auto c = text(Stream::Stderr, MatchKind::Regex, "Warning");
  EXPECT_EQ(eval(c, ok_run("Warning\n", "")).status, CheckStatus::Failed);
  EXPECT_EQ(eval(c, ok_run("", "Warning: x\n")).status, CheckStatus::Passed);
}

TEST(RegexCheck, WorksOnInvalidUtf8WithoutCrashing) {
  auto c = text(Stream::Stdout, MatchKind::Regex, "end$");
  EXPECT_EQ(eval(c, ok_run(std::string("\xff\xfe\0 end", 7))).status, CheckStatus::Passed);
}

TEST(RegexCheck, PathologicalPatternIsLinear) {
  // (a+)+$ is the classic ReDoS; RE2 answers at once on 100 kB of 'a' followed by 'b'.
  auto c = text(Stream::Stdout, MatchKind::Regex, "^(a+)+$");
  EXPECT_EQ(eval(c, ok_run(std::string(100000, 'a') + "b")).status, CheckStatus::Failed);
}

TEST(ExactCheck, ForgivesTrailingNewlineOnly) {
  auto c = text(Stream::Stdout, MatchKind::Exact, "a\nb");
  EXPECT_EQ(eval(c, ok_run("a\nb\n")).status, CheckStatus::Passed);
  EXPECT_EQ(eval(c, ok_run("a \nb\n")).status, CheckStatus::Failed);
  EXPECT_EQ(eval(c, ok_run("a\nb\nc\n")).status, CheckStatus::Failed);
}

TEST(LinesCheck, IgnoresWhitespaceDifferences) {
  auto c = text(Stream::Stdout, MatchKind::Lines, "x = 1\ny   = 2\n");
  EXPECT_EQ(eval(c, ok_run("  x  =  1\n\ty = 2 \n\n")).status, CheckStatus::Passed);
}

TEST(LinesCheck, PartialCreditInProportion) {
  auto c = text(Stream::Stdout, MatchKind::Lines, "a\nb\nc\nd\n");
  c.partial = true;
  c.points = 4;
  auto r = eval(c, ok_run("a\nb\nX\nd\n"));
  EXPECT_EQ(r.status, CheckStatus::Failed);
  EXPECT_DOUBLE_EQ(r.points, 3.0);
  EXPECT_NE(r.message.find("3 of 4 lines match"), std::string::npos) << r.message;
  EXPECT_NE(r.message.find("line 3"), std::string::npos) << r.message;
}

TEST(LinesCheck, NoPartialCreditUnlessAsked) {
  auto c = text(Stream::Stdout, MatchKind::Lines, "a\nb\n");
  EXPECT_EQ(eval(c, ok_run("a\nX\n")).points, 0);
}

TEST(NumberCheck, WithinRelativeTolerance) {
  auto c = make(OutputCheck{Stream::Stdout, "", NumberMatch{R"(pi = (\S+))", 3.14159, 1e-3, std::nullopt}});
  EXPECT_EQ(eval(c, ok_run("pi = 3.1416\n")).status, CheckStatus::Passed);
  auto r = eval(c, ok_run("pi = 3.2\n"));
  EXPECT_EQ(r.status, CheckStatus::Failed);
  EXPECT_NE(r.message.find("expected 3.14159"), std::string::npos) << r.message;
}

TEST(NumberCheck, ExactWithoutTolerance) {
  auto c = make(OutputCheck{Stream::Stdout, "", NumberMatch{R"(= (\d+))", 385, std::nullopt, std::nullopt}});
  EXPECT_EQ(eval(c, ok_run("= 385")).status, CheckStatus::Passed);
  EXPECT_EQ(eval(c, ok_run("= 384")).status, CheckStatus::Failed);
}

TEST(NumberCheck, AbsoluteToleranceAndScientificNotation) {
  auto c = make(OutputCheck{Stream::Stdout, "", NumberMatch{R"(err = (\S+))", 0.0, std::nullopt, 1e-6}});
  EXPECT_EQ(eval(c, ok_run("err = 2.5e-7")).status, CheckStatus::Passed);
  EXPECT_EQ(eval(c, ok_run("err = 2.5e-5")).status, CheckStatus::Failed);
}

TEST(NumberCheck, CaptureThatIsNotANumberFails) {
  auto c = make(OutputCheck{Stream::Stdout, "", NumberMatch{R"(= (\S+))", 1, std::nullopt, std::nullopt}});
  auto r = eval(c, ok_run("= nan-ish"));
  EXPECT_EQ(r.status, CheckStatus::Failed);
  EXPECT_NE(r.message.find("not a number"), std::string::npos);
}

TEST(HiddenCheck, MessageNeverShowsExpectedValue) {
  auto c =
      make(OutputCheck{Stream::Stdout, "", NumberMatch{R"(= (\d+))", 627121885, std::nullopt, std::nullopt}});
  auto r = eval(c, ok_run("= 385"), /*hidden=*/true);
  EXPECT_EQ(r.status, CheckStatus::Failed);
  EXPECT_EQ(r.message.find("627121885"), std::string::npos) << r.message;
  EXPECT_NE(r.detail.find("627121885"), std::string::npos) << r.detail;
}

TEST(HiddenCheck, TextPatternNotShown) {
  auto r = eval(text(Stream::Stdout, MatchKind::Contains, "secret-answer"), ok_run("nope"), true);
  EXPECT_EQ(r.message.find("secret-answer"), std::string::npos) << r.message;
}

TEST(FileCheck, ReadsCollectedFile) {
  RunResult run = ok_run("");
  run.files["out.txt"] = {true, "result 7\n", 9, false};
  run.files["none.txt"] = {false, "", 0, false};
  auto c = make(OutputCheck{Stream::File, "out.txt", TextMatch{MatchKind::Contains, "result 7"}});
  EXPECT_EQ(eval(c, run).status, CheckStatus::Passed);
  auto missing = make(OutputCheck{Stream::File, "none.txt", TextMatch{MatchKind::Contains, "x"}});
  auto r = eval(missing, run);
  EXPECT_EQ(r.status, CheckStatus::Failed);
  EXPECT_NE(r.message.find("was not produced"), std::string::npos);
  EXPECT_EQ(eval(make(FileExistsCheck{"out.txt"}), run).status, CheckStatus::Passed);
  EXPECT_EQ(eval(make(FileExistsCheck{"none.txt"}), run).status, CheckStatus::Failed);
}

TEST(BoundCheck, WallTimeMaximum) {
  RunResult run = ok_run("");
  run.wall_s = 1.5;
  EXPECT_EQ(eval(make(BoundCheck{Metric::WallTime, std::nullopt, 2.0}), run).status, CheckStatus::Passed);
  auto r = eval(make(BoundCheck{Metric::WallTime, std::nullopt, 1.0}), run);
  EXPECT_EQ(r.status, CheckStatus::Failed);
  EXPECT_NE(r.message.find("more than the allowed"), std::string::npos) << r.message;
}

TEST(BoundCheck, CpuTimeMinimumAndPeakMemory) {
  RunResult run = ok_run("");
  run.cpu_s = 0.1;
  run.max_rss_kb = 300 * 1024;
  EXPECT_EQ(eval(make(BoundCheck{Metric::CpuTime, 0.5, std::nullopt}), run).status, CheckStatus::Failed);
  EXPECT_EQ(eval(make(BoundCheck{Metric::PeakMemory, std::nullopt, 200.0 * 1024 * 1024}), run).status,
            CheckStatus::Failed);
  EXPECT_EQ(eval(make(BoundCheck{Metric::PeakMemory, std::nullopt, 400.0 * 1024 * 1024}), run).status,
            CheckStatus::Passed);
}

TEST(BoundCheck, TimedOutRunFailsWallBound) {
  RunResult run = ok_run("");
  run.status = RunStatus::Timeout;
  run.wall_s = 5.0;
  EXPECT_EQ(eval(make(BoundCheck{Metric::WallTime, std::nullopt, 5.0}), run).status, CheckStatus::Failed);
}

TEST(RunnerError, GivesErrorNotFailure) {
  RunResult run;
  run.id = "main";
  run.status = RunStatus::RunnerError;
  run.message = "command not found: python9";
  auto r = eval(make(ExitCodeCheck{0}), run);
  EXPECT_EQ(r.status, CheckStatus::Error);
  EXPECT_NE(r.message.find("python9"), std::string::npos);
}

TEST(Placeholder, SubstitutesReferenceRunOutputQuotedForRegex) {
  RunResult ver = ok_run("Python 3.11.2\n");
  ver.id = "ver";
  RunResult main = ok_run("Hello from Python 3.11.2\n");
  RunResults runs{{"ver", ver}, {"main", main}};
  auto c = text(Stream::Stdout, MatchKind::Regex, "^Hello from {{stdout:ver}}$");
  EXPECT_EQ(evaluate_check(c, runs, false).status, CheckStatus::Passed);
  runs["main"].out.data = "Hello from Python 3X11X2\n";  // '.' must not match any character
  EXPECT_EQ(evaluate_check(c, runs, false).status, CheckStatus::Failed);
}

TEST(Placeholder, FailedReferenceRunIsAnError) {
  RunResult ver = ok_run("");
  ver.id = "ver";
  ver.status = RunStatus::NonzeroExit;
  RunResults runs{{"ver", ver}, {"main", ok_run("x")}};
  auto c = text(Stream::Stdout, MatchKind::Contains, "{{stdout:ver}}");
  EXPECT_EQ(evaluate_check(c, runs, false).status, CheckStatus::Error);
}

TEST(CrashedRun, OutputCheckSaysHowTheRunEnded) {
  RunResult run = ok_run("partial\n");
  run.status = RunStatus::Timeout;
  run.message = "killed after the 2 s time limit";
  auto r = eval(text(Stream::Stdout, MatchKind::Contains, "done"), run);
  EXPECT_NE(r.message.find("time limit"), std::string::npos) << r.message;
}

// Issue 13: a hidden check that passed told the learner the pattern it had looked for.
TEST(HiddenCheck, PassDoesNotNameThePattern) {
  auto r = eval(text(Stream::Stdout, MatchKind::Regex, "^magic=(7781|7782)$"), ok_run("magic=7781\n"), true);
  EXPECT_EQ(r.status, CheckStatus::Passed);
  EXPECT_EQ(r.message, "passed");
  EXPECT_NE(r.detail.find("7781|7782"), std::string::npos) << "the teacher still reads it: " << r.detail;
  auto visible = eval(text(Stream::Stdout, MatchKind::Regex, "^magic=(7781|7782)$"), ok_run("magic=7781\n"));
  EXPECT_NE(visible.message.find("7781|7782"), std::string::npos) << visible.message;
}
