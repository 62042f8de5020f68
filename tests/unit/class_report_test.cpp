// The class files (grader/report/class_report.cpp): gradebook.csv's columns, RFC 4180 quoting of
// commas, quotes and newlines, an empty cell for a check a report lacks, the status column; and the
// report file names. index.html is class_overview_test.cpp's.
#include "grader/report/class_report.h"

#include <gtest/gtest.h>

#include <cctype>
#include <set>
#include <string>
#include <vector>

using namespace grader;

namespace {

Rubric rubric(std::vector<std::string> check_ids) {
  Rubric r;
  r.exercise = "hello";
  r.title = "Run a Python script";
  for (auto& id : check_ids) {
    CheckSpec c;
    c.id = std::move(id);
    r.checks.push_back(std::move(c));
  }
  return r;
}

CheckResult check(std::string id, CheckStatus status, double points) {
  CheckResult c;
  c.id = std::move(id);
  c.status = status;
  c.points = points;
  c.max_points = 2;
  return c;
}

GradedSubmission graded(std::string name, double score, std::vector<CheckResult> checks) {
  GradedSubmission g;
  g.file = name + ".json";
  g.name = std::move(name);
  g.report.exercise = "hello";
  g.report.submission = g.name;
  g.report.score = score;
  g.report.max_score = 4;
  g.report.passed = score == 4;
  g.report.checks = std::move(checks);
  return g;
}

std::vector<std::string> lines(const std::string& csv) {
  std::vector<std::string> out;
  std::size_t b = 0;
  for (auto nl = csv.find('\n'); nl != std::string::npos; nl = csv.find('\n', b)) {
    out.push_back(csv.substr(b, nl - b));
    b = nl + 1;
  }
  EXPECT_EQ(b, csv.size()) << "the CSV must end with a newline";
  return out;
}

bool contains(const std::string& text, const std::string& needle) {
  return text.find(needle) != std::string::npos;
}

}  // namespace

TEST(Gradebook, HeaderHasFixedColumnsThenOnePerRubricCheck) {
  auto l = lines(render_gradebook_csv(rubric({"greets", "pi"}), {}));
  ASSERT_EQ(l.size(), 1u);
  EXPECT_EQ(l[0], "submission,score,max_score,passed,status,greets,pi");
}

TEST(Gradebook, OneRowPerSubmissionWithPointsPerCheck) {
  std::vector<GradedSubmission> all = {
      graded("alice", 4, {check("greets", CheckStatus::Passed, 2), check("pi", CheckStatus::Passed, 2)}),
      graded("bob", 2.5, {check("greets", CheckStatus::Passed, 2), check("pi", CheckStatus::Failed, 0.5)}),
  };
  auto l = lines(render_gradebook_csv(rubric({"greets", "pi"}), all));
  ASSERT_EQ(l.size(), 3u);
  EXPECT_EQ(l[1], "alice,4,4,true,graded,2,2");
  EXPECT_EQ(l[2], "bob,2.5,4,false,graded,2,0.5");
}

TEST(Gradebook, ColumnsFollowTheRubricNotTheReport) {
  std::vector<GradedSubmission> all = {
      graded("alice", 3, {check("pi", CheckStatus::Passed, 2), check("greets", CheckStatus::Failed, 1)})};
  auto l = lines(render_gradebook_csv(rubric({"greets", "pi"}), all));
  EXPECT_EQ(l[1], "alice,3,4,false,graded,1,2");
}

TEST(Gradebook, MissingCheckGivesAnEmptyCell) {
  std::vector<GradedSubmission> all = {graded("alice", 2, {check("pi", CheckStatus::Passed, 2)})};
  auto l = lines(render_gradebook_csv(rubric({"greets", "pi", "fast"}), all));
  EXPECT_EQ(l[1], "alice,2,4,false,graded,,2,");
}

TEST(Gradebook, ZeroPointsIsNotAnEmptyCell) {
  std::vector<GradedSubmission> all = {graded("alice", 0, {check("pi", CheckStatus::Failed, 0)})};
  auto l = lines(render_gradebook_csv(rubric({"pi"}), all));
  EXPECT_EQ(l[1], "alice,0,4,false,graded,0");
}

TEST(Gradebook, CommasQuotesAndNewlinesAreQuoted) {
  std::vector<GradedSubmission> all = {graded("doe, jane", 0, {}), graded("say \"hi\"", 0, {}),
                                       graded("two\nlines", 0, {}), graded("cr\rhere", 0, {})};
  std::string csv = render_gradebook_csv(rubric({"a,b"}), all);
  EXPECT_TRUE(contains(csv, "status,\"a,b\"\n")) << csv;
  EXPECT_TRUE(contains(csv, "\n\"doe, jane\",0,4,false,graded,\n")) << csv;
  EXPECT_TRUE(contains(csv, "\n\"say \"\"hi\"\"\",0,4,false,graded,\n")) << csv;
  EXPECT_TRUE(contains(csv, "\n\"two\nlines\",0,4,false,graded,\n")) << csv;
  EXPECT_TRUE(contains(csv, "\n\"cr\rhere\",0,4,false,graded,\n")) << csv;
}

TEST(Gradebook, PlainNamesAreNotQuoted) {
  std::vector<GradedSubmission> all = {graded("alice_01-x.y", 0, {})};
  auto l = lines(render_gradebook_csv(rubric({}), all));
  EXPECT_EQ(l[1], "alice_01-x.y,0,4,false,graded");
}

TEST(Gradebook, StatusColumnSaysWhyGradingDidNotGoAsPlanned) {
  GradedSubmission refused = graded("refused", 0, {});
  refused.report.submission_error = "symlink out of the submission";
  GradedSubmission broken = graded("broken", 0, {});
  broken.report.runner_error = "sandbox could not be set up";
  GradedSubmission run_failed = graded("run_failed", 0, {});
  RunSummary s;
  s.result.status = RunStatus::RunnerError;
  run_failed.report.runs.push_back(s);
  GradedSubmission both = graded("both", 0, {});
  both.report.submission_error = "refused";
  both.report.runner_error = "unreachable";
  auto l = lines(render_gradebook_csv(rubric({}), {refused, broken, run_failed, both}));
  ASSERT_EQ(l.size(), 5u);
  EXPECT_EQ(l[1], "refused,0,4,false,submission_error");
  EXPECT_EQ(l[2], "broken,0,4,false,runner_error");
  EXPECT_EQ(l[3], "run_failed,0,4,false,runner_error");
  EXPECT_EQ(l[4], "both,0,4,false,runner_error");
}

TEST(Gradebook, ClassStatusOfACleanReportIsGraded) {
  Report r;
  RunSummary s;
  s.result.status = RunStatus::NonzeroExit;  // the learner's failure, not ours
  r.runs.push_back(s);
  EXPECT_EQ(class_status(r), "graded");
}

// Issue 13: two submissions must never share a report file.
TEST(ClassReport, ReportFileNamesNeverMeet) {
  std::vector<std::string> names = {"a b",
                                    "a_b",
                                    "a/b",
                                    "a\tb",
                                    "Alice",
                                    "alice",
                                    ".hidden",
                                    "_hidden",
                                    "ünï",
                                    "un_",
                                    "x~1",
                                    "",
                                    "=HYPERLINK(\"http://x\",\"click\")"};
  auto files = report_file_names(names);
  ASSERT_EQ(files.size(), names.size());
  std::set<std::string> folded;
  for (const auto& f : files) {
    std::string l = f;
    for (char& c : l) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    EXPECT_TRUE(folded.insert(l).second) << "two names meet (case-insensitively) at " << f;
    EXPECT_EQ(f.find('/'), std::string::npos) << f;
    EXPECT_NE(f[0], '.') << "a report is never a hidden file: " << f;
    EXPECT_TRUE(f.size() > 5 && f.substr(f.size() - 5) == ".json") << f;
  }
  EXPECT_EQ(files[1], "a_b.json") << "a plain name is kept as it is";
  EXPECT_NE(files[0], "a_b.json");
}

TEST(ClassReport, ReportFileNamesAreStable) {
  EXPECT_EQ(report_file_names({"a b", "bob"}), report_file_names({"a b", "bob"}));
  EXPECT_EQ(report_file_names({"a b"})[0], report_file_names({"zed", "a b"})[1])
      << "an escaped name does not depend on the rest of the class";
}

// OWASP CSV injection: a cell a spreadsheet would run as a formula is made text.
TEST(ClassReport, CsvCellsNeverStartAFormula) {
  EXPECT_EQ(csv_cell("=1+2"), "'=1+2");
  EXPECT_EQ(csv_cell("+1"), "'+1");
  EXPECT_EQ(csv_cell("-1"), "'-1");
  EXPECT_EQ(csv_cell("@SUM(A1)"), "'@SUM(A1)");
  EXPECT_EQ(csv_cell("\tx"), "'\tx");
  EXPECT_EQ(csv_cell("=HYPERLINK(\"http://x\",\"click\")"),
            "\"'=HYPERLINK(\"\"http://x\"\",\"\"click\"\")\"");
  EXPECT_EQ(csv_cell("alice"), "alice");
  EXPECT_EQ(csv_cell("a,b"), "\"a,b\"");
}

TEST(ClassReport, FindCheckByIdOrNullWhenTheReportLacksIt) {
  Report r;
  r.checks = {check("greets", CheckStatus::Passed, 2), check("pi", CheckStatus::Failed, 0)};
  ASSERT_NE(find_check(r, "pi"), nullptr);
  EXPECT_EQ(find_check(r, "pi")->status, CheckStatus::Failed);
  EXPECT_EQ(find_check(r, "fast"), nullptr);
}
