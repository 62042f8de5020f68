// index.html (grader/report/class_overview.cpp, class_table.cpp): a complete, self-contained
// document (nothing fetched, a CSP that allows only its own script), the summary, the charts, the
// common failures, a row per submission linking its feedback page and report, and every name,
// title, id and message escaped.
#include "grader/report/class_overview.h"

#include <gtest/gtest.h>

#include "tests/support/graded_class.h"

using namespace grader;
using namespace grader::testing;

TEST(ClassOverview, IsACompleteSelfContainedDocument) {
  std::string html = render_class_html(class_rubric({}), {});
  EXPECT_EQ(html.rfind("<!DOCTYPE html>\n", 0), 0u);
  EXPECT_TRUE(contains(html, "<meta charset=\"utf-8\">"));
  EXPECT_TRUE(contains(html, "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"));
  EXPECT_TRUE(html.size() > 15 && html.substr(html.size() - 15) == "</body></html>\n") << html;
  for (const char* external : {"src=", "<link", "http:", "https:", "@import", "url("})
    EXPECT_FALSE(contains(html, external)) << "fetches " << external << ": " << html;
}

TEST(ClassOverview, PolicyAllowsOnlyItsOwnScript) {
  std::string html = render_class_html(class_rubric({}), {});
  EXPECT_TRUE(contains(html, std::string("default-src 'none'; style-src 'unsafe-inline'; script-src ") +
                                 kClassTableScriptHash + ";"))
      << html;
  EXPECT_TRUE(contains(html, std::string("<script>") + kClassTableScript + "</script>"));
  EXPECT_EQ(occurrences(html, "<script"), 1u);
  EXPECT_EQ(std::string(kClassTableScriptHash).rfind("'sha256-", 0), 0u);
}

TEST(ClassOverview, SummaryShowsCountsMeanAndMedian) {
  GradedSubmission broken = graded("broken", 0, {});
  broken.report.runner_error = "unreachable";
  std::string html = render_class_html(class_rubric({"a", "b"}),
                                       {graded("a", 4, {}), graded("b", 1, {}), graded("c", 2, {}), broken});
  EXPECT_TRUE(contains(html, "<div data-stat=\"submissions\"><dt>submissions</dt><dd>4</dd></div>")) << html;
  EXPECT_TRUE(contains(html, "<div data-stat=\"mean\"><dt>mean</dt><dd>2.33 / 4</dd></div>")) << html;
  EXPECT_TRUE(contains(html, "<div data-stat=\"median\"><dt>median</dt><dd>2 / 4</dd></div>")) << html;
  EXPECT_TRUE(contains(html, "<div data-stat=\"full-marks\"><dt>full marks</dt><dd>1</dd></div>")) << html;
  EXPECT_TRUE(contains(html, "<div data-stat=\"runner-errors\"><dt>runner errors</dt><dd>1</dd></div>"))
      << html;
}

TEST(ClassOverview, AnEmptyClassShowsNoMean) {
  std::string html = render_class_html(class_rubric({"a"}), {});
  EXPECT_TRUE(contains(html, "<dd>— / 2</dd>")) << html;
  EXPECT_TRUE(contains(html, "<dd>0</dd>")) << html;
}

TEST(ClassOverview, ChartsAndCommonFailuresPerCheck) {
  Rubric r = class_rubric({"greets"});
  r.checks[0].title = "greets the user";
  std::string html =
      render_class_html(r, {graded("a", 0, {check_result("greets", CheckStatus::Failed, 0, "no greeting")}),
                            graded("b", 0, {check_result("greets", CheckStatus::Failed, 0, "no greeting")}),
                            graded("c", 2, {check_result("greets", CheckStatus::Passed, 2, "greeted")})});
  EXPECT_TRUE(contains(html, "<svg class=\"histogram\"")) << html;
  EXPECT_TRUE(contains(html, "<h3>greets the user <code>greets</code></h3><svg class=\"rate\"")) << html;
  EXPECT_TRUE(contains(html, "1 of 3 passed (33%), 2 failed")) << html;
  EXPECT_TRUE(contains(html, "<li><span class=\"count\">2×</span> no greeting</li>")) << html;
  EXPECT_FALSE(contains(html, "greeted")) << "a pass is not a failure message";
}

TEST(ClassOverview, FailureMessagesAreTheLearnerSafeOnes) {
  CheckResult c = check_result("pi", CheckStatus::Failed, 0, "found 3, which is not the expected value");
  c.hidden = true;
  c.detail = "found 3, expected 3.14159";
  std::string html = render_class_html(class_rubric({"pi"}), {graded("a", 0, {c})});
  EXPECT_TRUE(contains(html, "found 3, which is not the expected value")) << html;
  EXPECT_FALSE(contains(html, "3.14159")) << "the page may be shown to the class: " << html;
  EXPECT_TRUE(contains(html, "<small>(hidden)</small>")) << html;
}

TEST(ClassOverview, RowLinksTheFeedbackPageAndTheReport) {
  std::string html =
      render_class_html(class_rubric({"greets"}), {graded("alice", 4, {}), graded("bob", 1, {})});
  EXPECT_TRUE(contains(
      html,
      "<tr class=\"row full\" data-file=\"alice.json\"><td><a href=\"feedback/alice.html\">alice</a></td>"))
      << html;
  EXPECT_TRUE(contains(html, "<td><a href=\"bob.json\">json</a></td></tr>")) << html;
  EXPECT_EQ(occurrences(html, "<tr class=\"row "), 2u);
}

TEST(ClassOverview, RowShowsScoreStatusAndPerCheckCellsWithSortValues) {
  Rubric r = class_rubric({"greets", "pi", "fast"});
  GradedSubmission g =
      graded("bob", 2.5,
             {check_result("greets", CheckStatus::Passed, 2), check_result("pi", CheckStatus::Failed, 0.5)});
  std::string html = render_class_html(r, {g});
  EXPECT_TRUE(contains(html,
                       "<td data-sort=\"2.5\">2.5 / 4</td><td>graded</td>"
                       "<td class=\"passed\" data-sort=\"2\" title=\"passed\">✓ 2</td>"
                       "<td class=\"failed\" data-sort=\"0.5\" title=\"failed\">✗ 0.5</td>"
                       "<td class=\"none\" data-sort=\"\">—</td>"))
      << html;
}

TEST(ClassOverview, HeadersNameTheirSortKeys) {
  std::string html = render_class_html(class_rubric({"greets"}), {});
  EXPECT_TRUE(contains(
      html,
      "<th data-key=\"submission\" data-type=\"text\"><button type=\"button\">submission</button></th>"))
      << html;
  EXPECT_TRUE(contains(html, "<th data-key=\"score\" data-type=\"number\">")) << html;
  EXPECT_TRUE(contains(
      html, "<th data-key=\"check-greets\" data-type=\"number\"><button type=\"button\">greets</button>"))
      << html;
}

TEST(ClassOverview, RowClassMarksFullMarksAndRunnerErrors) {
  GradedSubmission broken = graded("broken", 0, {});
  broken.report.runner_error = "unreachable";
  std::string html = render_class_html(class_rubric({}), {graded("full", 4, {}), broken});
  EXPECT_TRUE(contains(html, "<tr class=\"row full\" data-file=\"full.json\">")) << html;
  EXPECT_TRUE(contains(html, "<tr class=\"row err\" data-file=\"broken.json\">")) << html;
  EXPECT_TRUE(contains(html, "<td>runner_error</td>")) << html;
}

TEST(ClassOverview, EscapesNamesTitlesIdsMessagesAndFiles) {
  Rubric r = class_rubric({"<i>pi</i>"});
  r.exercise = "ex&<1>";
  r.title = "\"Quotes\" & 'apostrophes'";
  GradedSubmission g =
      graded("<img src=x onerror=alert(1)>", 0,
             {check_result("<i>pi</i>", CheckStatus::Failed, 0, "it was: <script>x()</script>")});
  g.file = "a\"onmouseover=\"x.json";
  std::string html = render_class_html(r, {g});
  EXPECT_EQ(occurrences(html, "<script"), 1u) << "only the page's own: " << html;
  EXPECT_FALSE(contains(html, "<img")) << html;
  EXPECT_FALSE(contains(html, "<i>")) << html;
  EXPECT_FALSE(contains(html, "\"onmouseover")) << html;
  EXPECT_TRUE(contains(html, ">&lt;img src=x onerror=alert(1)&gt;</a>")) << html;
  EXPECT_TRUE(contains(html, "data-file=\"a&quot;onmouseover=&quot;x.json\"")) << html;
  EXPECT_TRUE(contains(html, "<a href=\"a%22onmouseover%3D%22x.json\">json</a>")) << html;
  EXPECT_TRUE(contains(html, "<a href=\"feedback/a%22onmouseover%3D%22x.html\">")) << html;
  EXPECT_TRUE(contains(html, "<button type=\"button\">&lt;i&gt;pi&lt;/i&gt;</button>")) << html;
  EXPECT_TRUE(contains(html, "it was: &lt;script&gt;x()&lt;/script&gt;</li>")) << html;
  EXPECT_TRUE(contains(html, "<title>ex&amp;&lt;1&gt; — class overview</title>")) << html;
  EXPECT_TRUE(contains(html, "<h1>ex&amp;&lt;1&gt;: &quot;Quotes&quot; &amp; &#39;apostrophes&#39;</h1>"))
      << html;
}

TEST(ClassOverview, InvalidUtf8InANameIsShownAsHexBytes) {
  std::string html = render_class_html(class_rubric({}), {graded(std::string("bad\xff", 4), 0, {})});
  EXPECT_TRUE(contains(html, ">bad\\xFF</a>")) << html;
  EXPECT_FALSE(contains(html, "\xff")) << html;
}
