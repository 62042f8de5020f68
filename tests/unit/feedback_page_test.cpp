// A learner's feedback page (grader/report/feedback_page.cpp): what the learner's JSON report
// shows and nothing more (no detail, so no hidden expected value; no hidden run), escaped, with no
// script at all; and its file name beside the report's.
#include "grader/report/feedback_page.h"

#include <gtest/gtest.h>

#include "tests/support/graded_class.h"

using namespace grader;
using namespace grader::testing;

namespace {

Report learner_report() {
  Report r;
  r.exercise = "hello";
  r.title = "Run a Python script";
  r.submission = "alice";
  r.score = 2;
  r.max_score = 5;
  CheckResult greets = check_result("greets", CheckStatus::Failed, 0, "stdout does not contain 'Hello'");
  greets.title = "greets the user";
  greets.detail = "stdout does not contain 'Hello'; it was: 'Hi'";
  greets.hint = "Print exactly: Hello, <name>!";
  CheckResult pi = check_result("pi", CheckStatus::Failed, 0, "found 3, which is not the expected value");
  pi.hidden = true;
  pi.detail = "found 3, expected 3.14159";
  pi.hint = "Use math.pi";
  CheckResult ok = check_result("ok", CheckStatus::Passed, 2, "exit code 0");
  ok.hint = "exit with 0";
  r.checks = {greets, pi, ok};
  RunSummary main;
  main.result.id = "main";
  main.result.status = RunStatus::NonzeroExit;
  main.result.exit_code = 1;
  main.result.message = "exited with code 1";
  main.result.out = {"Hi <b>there</b>\n", 16, false};
  main.result.err = {"Traceback: <script>x()</script>\n", 40, false};
  main.command = {"python3", "hello.py"};
  RunSummary secret;
  secret.result.id = "secret-run";
  secret.result.status = RunStatus::Ok;
  secret.result.out = {"SECRET-OUTPUT-77\n", 17, false};
  secret.command = {"python3", "hello.py", "SECRET-ARG-88"};
  secret.hidden = true;
  r.runs = {main, secret};
  return r;
}

}  // namespace

TEST(FeedbackPage, FileNameFollowsTheReportFile) {
  EXPECT_EQ(feedback_file_name("alice.json"), "alice.html");
  EXPECT_EQ(feedback_file_name("a_b~1f0c2e9a.json"), "a_b~1f0c2e9a.html");
  EXPECT_EQ(feedback_file_name("odd"), "odd.html");
  EXPECT_EQ(feedback_file_name(".json"), ".json.html") << "never a hidden file named '.html'";
  auto files = report_file_names({"a b", "a_b", "Alice", "alice"});
  for (std::size_t i = 0; i < files.size(); ++i)
    for (std::size_t j = i + 1; j < files.size(); ++j)
      EXPECT_NE(feedback_file_name(files[i]), feedback_file_name(files[j]));
}

TEST(FeedbackPage, ShowsScoreChecksMessagesAndHints) {
  std::string html = render_feedback_page(learner_report());
  EXPECT_TRUE(contains(html, "<h1>hello: Run a Python script</h1>")) << html;
  EXPECT_TRUE(contains(html, "Feedback for <strong class=\"who\">alice</strong>")) << html;
  EXPECT_TRUE(contains(html, "<p class=\"score\">Score: 2 / 5</p>")) << html;
  EXPECT_TRUE(contains(html, "<span class=\"title\">greets the user</span><span class=\"pts\">0 / 2</span>"))
      << html;
  EXPECT_TRUE(contains(html, "<p class=\"msg\">stdout does not contain &#39;Hello&#39;</p>")) << html;
  EXPECT_TRUE(contains(html, "<p class=\"hint\">Hint: Print exactly: Hello, &lt;name&gt;!</p>")) << html;
  EXPECT_TRUE(contains(html, "<p class=\"hint\">Hint: Use math.pi</p>"))
      << "a hidden check's hint is the learner's";
  EXPECT_FALSE(contains(html, "exit with 0")) << "no hint for a check that passed";
  EXPECT_EQ(occurrences(html, "<li class=\"check "), 3u);
}

TEST(FeedbackPage, FullMarksSaySo) {
  Report r = learner_report();
  r.score = 5;
  r.passed = true;
  EXPECT_TRUE(contains(render_feedback_page(r), "<p class=\"score full\">Score: 5 / 5 — full marks</p>"));
}

TEST(FeedbackPage, NeverShowsDetailSoNoHiddenExpectedValue) {
  std::string html = render_feedback_page(learner_report());
  EXPECT_FALSE(contains(html, "3.14159")) << html;
  EXPECT_FALSE(contains(html, "it was: &#39;Hi&#39;")) << "detail is the teacher's: " << html;
  EXPECT_TRUE(contains(html, "found 3, which is not the expected value")) << html;
}

TEST(FeedbackPage, NeverShowsAHiddenRun) {
  std::string html = render_feedback_page(learner_report());
  EXPECT_FALSE(contains(html, "SECRET-OUTPUT-77")) << html;
  EXPECT_FALSE(contains(html, "SECRET-ARG-88")) << html;
  EXPECT_FALSE(contains(html, "secret-run")) << html;
  EXPECT_TRUE(contains(html, "1 further run is part of the grading and not shown.")) << html;
}

TEST(FeedbackPage, ShowsAVisibleRunsCommandOutputAndEnding) {
  std::string html = render_feedback_page(learner_report());
  EXPECT_TRUE(
      contains(html, "<h3>Run <code>main</code>: nonzero_exit</h3><p class=\"msg\">exited with code 1</p>"))
      << html;
  EXPECT_TRUE(contains(html, "Command: <code>python3 hello.py</code>")) << html;
  EXPECT_TRUE(contains(html, "<pre>Hi &lt;b&gt;there&lt;/b&gt;\n</pre>")) << html;
  EXPECT_TRUE(contains(html, "<pre>Traceback: &lt;script&gt;x()&lt;/script&gt;\n</pre>")) << html;
}

TEST(FeedbackPage, SaysWhenOutputWasCut) {
  Report r = learner_report();
  r.runs[0].result.out = {"first part\n", 50000, true};
  EXPECT_TRUE(contains(render_feedback_page(r), "(50000 bytes in all; the first part is shown)"));
}

TEST(FeedbackPage, RunsNoScriptAndFetchesNothing) {
  Report r = learner_report();
  r.submission = "<script>alert(1)</script>";
  std::string html = render_feedback_page(r);
  EXPECT_FALSE(contains(html, "<script")) << html;
  EXPECT_TRUE(contains(html, "script-src 'none'")) << html;
  EXPECT_TRUE(contains(html, "default-src 'none'")) << html;
  EXPECT_TRUE(contains(html, "&lt;script&gt;alert(1)&lt;/script&gt;")) << html;
  for (const char* external : {"src=", "<link", "http:", "https:", "url("})
    EXPECT_FALSE(contains(html, external)) << external;
}

TEST(FeedbackPage, ErrorsAreExplained) {
  Report refused = learner_report();
  refused.submission_error = "symlink <out> of the submission";
  EXPECT_TRUE(contains(
      render_feedback_page(refused),
      "<p class=\"problem\">Your submission was refused: symlink &lt;out&gt; of the submission</p>"));
  Report broken = learner_report();
  broken.runner_error = "sandbox could not be set up";
  EXPECT_TRUE(contains(
      render_feedback_page(broken),
      "<p class=\"problem\">The grader could not run your submission: sandbox could not be set up</p>"));
}

TEST(FeedbackPage, InvalidUtf8OutputIsShownAsHex) {
  Report r = learner_report();
  r.runs[0].result.out = {std::string("bad\xff\n", 5), 5, false};
  std::string html = render_feedback_page(r);
  EXPECT_TRUE(contains(html, "<pre>bad\\xFF\n</pre>")) << html;
  EXPECT_FALSE(contains(html, "\xff"));
}
