// The LMS grade CSVs (grader/report/lms_export.cpp), read back the way an importer reads CSV:
// RFC 4180 records (quoted fields, doubled quotes, commas and line breaks inside quotes), the
// header columns Canvas requires (Student, ID, SIS User ID, SIS Login ID, Section) and Moodle's
// Username, one grade per learner, formulas kept as text, an empty cell for a lost grading; and
// --lms parsing with its errors.
#include "grader/report/lms_export.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "grader/util/usage_error.h"

using namespace grader;

namespace {

using Record = std::vector<std::string>;

// A strict RFC 4180 reader: fails on a quote inside an unquoted field, text after a closing quote,
// an unterminated quote, or a record whose width differs from the header's.
std::vector<Record> read_csv(const std::string& text) {
  std::vector<Record> records;
  Record record;
  std::string field;
  bool quoted = false, was_quoted = false;
  auto end_field = [&] {
    record.push_back(field);
    field.clear();
    was_quoted = false;
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quoted) {
      if (c != '"') {
        field += c;
      } else if (i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else {
        quoted = false;
        was_quoted = true;
      }
    } else if (c == '"') {
      if (!field.empty() || was_quoted) throw std::runtime_error("quote inside an unquoted field");
      quoted = true;
    } else if (c == ',') {
      end_field();
    } else if (c == '\n') {
      end_field();
      records.push_back(record);
      record.clear();
    } else {
      if (was_quoted) throw std::runtime_error("text after a closing quote");
      field += c;
    }
  }
  if (quoted) throw std::runtime_error("unterminated quote");
  if (!field.empty() || !record.empty()) throw std::runtime_error("the last record has no newline");
  for (const auto& r : records)
    if (r.size() != records.at(0).size())
      throw std::runtime_error("a record's width differs from the header's");
  return records;
}

Rubric rubric() {
  Rubric r;
  r.exercise = "hello";
  r.title = "Run a Python script";
  CheckSpec a;
  a.id = "a";
  a.points = 3;
  CheckSpec b;
  b.id = "b";
  b.points = 5;
  r.checks = {a, b};
  return r;
}

GradedSubmission graded(std::string name, double score) {
  GradedSubmission g;
  g.name = std::move(name);
  g.file = g.name + ".json";
  g.report.exercise = "hello";
  g.report.submission = g.name;
  g.report.score = score;
  g.report.max_score = 8;
  return g;
}

std::vector<GradedSubmission> klass() {
  return {graded("alice", 8), graded("bob", 2.5)};
}

std::string usage_error(const std::vector<std::string>& values) {
  try {
    parse_lms_list(values, "grader grade");
  } catch (const UsageError& e) {
    return e.what();
  }
  ADD_FAILURE() << "no UsageError";
  return "";
}

}  // namespace

TEST(LmsExport, TheReaderRejectsWhatIsNotCsv) {
  EXPECT_NO_THROW(read_csv("a,\"b,\"\"c\"\"\"\n1,2\n"));
  EXPECT_THROW(read_csv("a,b\"c\n"), std::runtime_error);
  EXPECT_THROW(read_csv("\"a\"b\n"), std::runtime_error);
  EXPECT_THROW(read_csv("\"a\n"), std::runtime_error);
  EXPECT_THROW(read_csv("a,b\n1\n"), std::runtime_error);
  EXPECT_THROW(read_csv("a,b"), std::runtime_error);
}

TEST(LmsExport, CanvasHasTheColumnsItsImportRequiresThenTheAssignment) {
  auto rows = read_csv(render_lms_csv(Lms::Canvas, rubric(), klass()));
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0],
            (Record{"Student", "ID", "SIS User ID", "SIS Login ID", "Section", "Run a Python script"}));
  EXPECT_EQ(rows[1], (Record{"Points Possible", "", "", "", "", "8"}))
      << "a new assignment gets the rubric's points";
}

TEST(LmsExport, CanvasFindsEachLearnerByTheLoginWithTheirScore) {
  auto rows = read_csv(render_lms_csv(Lms::Canvas, rubric(), klass()));
  EXPECT_EQ(rows[2], (Record{"", "", "", "alice", "", "8"}));
  EXPECT_EQ(rows[3], (Record{"", "", "", "bob", "", "2.5"}));
}

TEST(LmsExport, MoodleHasUsernameAndTheGradeColumn) {
  auto rows = read_csv(render_lms_csv(Lms::Moodle, rubric(), klass()));
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0], (Record{"Username", "Run a Python script"}));
  EXPECT_EQ(rows[1], (Record{"alice", "8"}));
  EXPECT_EQ(rows[2], (Record{"bob", "2.5"}));
}

TEST(LmsExport, NamesWithCommasQuotesAndLineBreaksRoundTrip) {
  std::vector<GradedSubmission> all = {graded("o'neil, \"jr\"", 1), graded("two\nlines", 2)};
  for (Lms lms : {Lms::Canvas, Lms::Moodle}) {
    auto rows = read_csv(render_lms_csv(lms, rubric(), all));
    std::size_t login = lms == Lms::Canvas ? 3 : 0, first = lms == Lms::Canvas ? 2 : 1;
    EXPECT_EQ(rows[first][login], "o'neil, \"jr\"") << to_string(lms);
    EXPECT_EQ(rows[first + 1][login], "two\nlines") << to_string(lms);
  }
}

TEST(LmsExport, AFormulaInALoginOrTitleStaysText) {
  Rubric r = rubric();
  r.title = "=SUM(A1:A9)";
  std::vector<GradedSubmission> all = {graded("=HYPERLINK(\"http://x\",\"click\")", 1), graded("@cmd", 1),
                                       graded("+1", 1), graded("-2", 1)};
  auto rows = read_csv(render_lms_csv(Lms::Moodle, r, all));
  EXPECT_EQ(rows[0][1], "'=SUM(A1:A9)");
  EXPECT_EQ(rows[1][0], "'=HYPERLINK(\"http://x\",\"click\")");
  EXPECT_EQ(rows[2][0], "'@cmd");
  EXPECT_EQ(rows[3][0], "'+1");
  EXPECT_EQ(rows[4][0], "'-2");
}

TEST(LmsExport, ALostGradingHasAnEmptyGradeNotAZero) {
  std::vector<GradedSubmission> all = klass();
  all[1].report.runner_error = "cluster unreachable";
  auto canvas = read_csv(render_lms_csv(Lms::Canvas, rubric(), all));
  EXPECT_EQ(canvas[3], (Record{"", "", "", "bob", "", ""}));
  auto moodle = read_csv(render_lms_csv(Lms::Moodle, rubric(), all));
  EXPECT_EQ(moodle[2], (Record{"bob", ""}));
}

TEST(LmsExport, ARefusedSubmissionIsGradedZero) {
  // The learner's doing (a link out of the submission): a graded failure, not a lost grading.
  std::vector<GradedSubmission> all = {graded("eve", 0)};
  all[0].report.submission_error = "link.py points out of the submission";
  EXPECT_EQ(read_csv(render_lms_csv(Lms::Moodle, rubric(), all))[1], (Record{"eve", "0"}));
}

TEST(LmsExport, AnUntitledRubricNamesTheColumnByTheExercise) {
  Rubric r = rubric();
  r.title.clear();
  EXPECT_EQ(read_csv(render_lms_csv(Lms::Moodle, r, {}))[0], (Record{"Username", "hello"}));
}

TEST(LmsExport, InvalidUtf8InANameIsEscaped) {
  auto text = render_lms_csv(Lms::Moodle, rubric(),
                             {graded(std::string("b\xff"
                                                 "d"),
                                     1)});
  EXPECT_EQ(read_csv(text)[1][0], "b\\xFFd");
}

TEST(LmsExport, FilesAreNamedBySystem) {
  EXPECT_EQ(lms_file_name(Lms::Canvas), "canvas.csv");
  EXPECT_EQ(lms_file_name(Lms::Moodle), "moodle.csv");
}

TEST(LmsList, CommaSeparatedAndRepeatedInOrderWithoutDuplicates) {
  EXPECT_EQ(parse_lms_list({"moodle,canvas"}, "g"), (std::vector<Lms>{Lms::Moodle, Lms::Canvas}));
  EXPECT_EQ(parse_lms_list({"canvas", "moodle, canvas"}, "g"), (std::vector<Lms>{Lms::Canvas, Lms::Moodle}));
  EXPECT_TRUE(parse_lms_list({}, "g").empty());
}

TEST(LmsList, AnUnknownNameIsAUsageErrorWithASuggestion) {
  EXPECT_EQ(usage_error({"canva"}),
            "grader grade: unknown --lms 'canva'; did you mean 'canvas'? (known: canvas, moodle)");
  EXPECT_EQ(usage_error({"canvas,blackboard"}),
            "grader grade: unknown --lms 'blackboard' (known: canvas, moodle)");
}

TEST(LmsList, AnEmptyNameIsAUsageError) {
  EXPECT_EQ(usage_error({""}), "grader grade: --lms '' has an empty name (known: canvas, moodle)");
  EXPECT_EQ(usage_error({"canvas,"}),
            "grader grade: --lms 'canvas,' has an empty name (known: canvas, moodle)");
  EXPECT_EQ(usage_error({"canvas,,moodle"}),
            "grader grade: --lms 'canvas,,moodle' has an empty name (known: canvas, moodle)");
}
