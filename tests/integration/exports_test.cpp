// The export formats end to end, each read back the way its consumer reads it: the real grader
// binary writes them; Python's csv module reads the LMS grade CSVs (as an importer would: quotes,
// commas, the header columns each LMS requires), nlohmann::json reads PrairieLearn's and
// Gradescope's results.json, and Python's xml.etree (a real XML parser, as a CI's JUnit reader is)
// reads the JUnit XML. Debian's python3 must be installed (ci/setup); without it these fail.
#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "tests/support/cli_runner.h"

using namespace grader::testing;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

const fs::path kRepo = GRADER_SOURCE_DIR;
const fs::path kExercise = kRepo / "exercises" / "python-script";

// Runs Debian's python3 on `code` with `file` as sys.argv[1]; the code prints JSON, returned parsed.
json python_reads(const std::string& code, const fs::path& file) {
  ScratchDir tmp;
  fs::path script = tmp.write("read.py", code);
  std::string cmd = "/usr/bin/python3 '" + script.string() + "' '" + file.string() + "' > '" +
                    (tmp.path / "out").string() + "' 2> '" + (tmp.path / "err").string() + "'";
  int rc = std::system(cmd.c_str());
  EXPECT_EQ(rc, 0) << "python3 could not read " << file << ":\n" << slurp(tmp.path / "err");
  return json::parse(slurp(tmp.path / "out"));
}

// csv.reader over the file, as Canvas's and Moodle's importers read it (RFC 4180 quoting).
const char* kCsvRows = R"(import csv, json, sys
with open(sys.argv[1], newline='', encoding='utf-8') as f:
    print(json.dumps(list(csv.reader(f, strict=True))))
)";

// Every <testcase> of a JUnit file: suite (classname), name, and the kind and text of its verdict.
const char* kJunitCases = R"(import json, sys, xml.etree.ElementTree as ET
cases = []
for tc in ET.parse(sys.argv[1]).getroot().iter('testcase'):
    verdict = [{'kind': e.tag, 'text': e.text or '', 'message': e.get('message')} for e in tc]
    cases.append({'classname': tc.get('classname'), 'name': tc.get('name'), 'verdict': verdict})
print(json.dumps(cases))
)";

const char* kRubric = R"(exercise = "ex"
title = "Answer, with \" and ,"
[[run]]
id = "main"
command = ["python3", "main.py"]
timeout = "5s"
[[check]]
id = "exits"
run = "main"
exit_code = 0
[[check]]
id = "answer"
run = "main"
stdout.contains = "42"
points = 2
)";

// An exercise repository with a class of three: full marks, 1 of 3, and a name that is a formula.
struct ClassRepo : ScratchDir {
  const std::string quoted = "o'neil, \"jr\"";
  const std::string formula = "=HYPERLINK(\"x\",\"click\")";  // no "/": one directory
  ClassRepo() {
    write("rubrics/ex.toml", kRubric);
    fs::create_directories(path / "exercises" / "ex");
    write("class/alice/main.py", "print(42)\n");
    write("class/" + quoted + "/main.py", "print(41)\n");
    write("class/" + formula + "/main.py", "print(42)\n");
  }
  CliResult grade(std::vector<std::string> extra) const {
    std::vector<std::string> args = {
        "grade", "ex", (path / "class").string(), "--out", (path / "out").string(), "--executor", "process"};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_grader(args, path);
  }
};

}  // namespace

TEST(Exports, CanvasCsvHasTheColumnsItsImportRequiresAndEachLearnersScore) {
  ClassRepo repo;
  auto r = repo.grade({"--lms", "canvas", "--lms", "moodle"});
  ASSERT_EQ(r.exit_code, 1) << r.out << r.err;
  json rows = python_reads(kCsvRows, repo.path / "out" / "canvas.csv");
  ASSERT_EQ(rows.size(), 5u) << rows.dump();
  EXPECT_EQ(rows[0],
            json({"Student", "ID", "SIS User ID", "SIS Login ID", "Section", "Answer, with \" and ,"}));
  EXPECT_EQ(rows[1], json({"Points Possible", "", "", "", "", "3"}));
  std::map<std::string, std::string> score;  // SIS Login ID -> the assignment's cell
  for (std::size_t i = 2; i < rows.size(); ++i) score[rows[i][3]] = rows[i][5];
  EXPECT_EQ(score["alice"], "3");
  EXPECT_EQ(score[repo.quoted], "1") << "a name with a comma and quotes is one cell";
  EXPECT_EQ(score["'" + repo.formula], "3") << "a formula stays text: " << rows.dump();
}

TEST(Exports, MoodleCsvHasUsernameAndTheGradeColumn) {
  ClassRepo repo;
  auto r = repo.grade({"--lms", "moodle"});
  ASSERT_EQ(r.exit_code, 1) << r.out << r.err;
  json rows = python_reads(kCsvRows, repo.path / "out" / "moodle.csv");
  ASSERT_EQ(rows.size(), 4u) << rows.dump();
  EXPECT_EQ(rows[0], json({"Username", "Answer, with \" and ,"}));
  EXPECT_EQ(rows[1], json({"'" + repo.formula, "3"}));
  EXPECT_EQ(rows[2], json({"alice", "3"}));
  EXPECT_EQ(rows[3], json({repo.quoted, "1"}));
  EXPECT_FALSE(fs::exists(repo.path / "out" / "canvas.csv")) << "only what was asked for";
}

TEST(Exports, AnUnknownLmsIsAUsageErrorBeforeAnythingIsGraded) {
  ClassRepo repo;
  auto r = repo.grade({"--lms", "moodle,canva"});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("unknown --lms 'canva'; did you mean 'canvas'?"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(repo.path / "out" / "alice.json")) << "nothing was graded";
}

TEST(Exports, PrairieLearnResultsAreWhatItsExternalGraderReads) {
  auto r = run_grader({"check", kExercise.string(), (kExercise / "fixtures" / "ignores-argument").string(),
                       "--format", "prairielearn"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  json j = json::parse(r.out);
  EXPECT_EQ(j["gradable"], true);
  EXPECT_DOUBLE_EQ(j["score"].get<double>(), 5.0 / 8.0);
  ASSERT_EQ(j["tests"].size(), 5u);
  EXPECT_EQ(j["tests"][3]["name"], "sum of squares for a hidden N");
  EXPECT_DOUBLE_EQ(j["tests"][3]["points"].get<double>(), 0.0);
  EXPECT_DOUBLE_EQ(j["tests"][3]["max_points"].get<double>(), 2.0);
  EXPECT_EQ(r.out.find("627121885"), std::string::npos) << "a hidden expected value leaked:\n" << r.out;
  EXPECT_EQ(r.out.find("1234"), std::string::npos) << "the hidden run's argument leaked:\n" << r.out;
}

TEST(Exports, GradescopeResultsCarryExecutionTimeAndOutputFormat) {
  auto r = run_grader({"check", kExercise.string(), (kExercise / "fixtures" / "wrong-sum").string(),
                       "--format", "gradescope"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  json j = json::parse(r.out);
  ASSERT_TRUE(j["execution_time"].is_number_integer()) << j.dump();
  EXPECT_GE(j["execution_time"].get<int>(), 1) << "three runs of python took some time";
  EXPECT_EQ(j["output_format"], "text");
  for (const auto& t : j["tests"]) EXPECT_EQ(t["output_format"], "text");
}

TEST(Exports, JunitIsOneTestcasePerCheckWithTheFailureTextInItsBody) {
  ScratchDir out;
  fs::path xml = out.path / "r.xml";
  auto r = run_grader({"check", kExercise.string(), (kExercise / "fixtures" / "ignores-argument").string(),
                       "--format", "junit", "--out", xml.string()});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  json cases = python_reads(kJunitCases, xml);
  ASSERT_EQ(cases.size(), 5u) << cases.dump();
  std::set<std::string> names;
  for (const auto& c : cases) {
    EXPECT_EQ(c["classname"], "python-script.ignores-argument");
    names.insert(c["name"].get<std::string>());
  }
  EXPECT_EQ(names.size(), 5u) << "GitLab keeps only the first of equal names";
  EXPECT_TRUE(cases[0]["verdict"].empty()) << "a pass has no child";
  ASSERT_EQ(cases[3]["verdict"].size(), 1u);
  EXPECT_EQ(cases[3]["verdict"][0]["kind"], "failure");
  EXPECT_EQ(cases[3]["verdict"][0]["text"],
            "found 385, which is not the expected value\nhint: Read N from the command line; do not assume N "
            "= 10.");
  EXPECT_EQ(cases[4]["verdict"][0]["kind"], "skipped");
  EXPECT_EQ(cases[4]["verdict"][0]["text"], "skipped: needs 'sum-hidden', which did not pass");
}

TEST(Exports, ValidateJunitWithoutARunnerParsesWithEveryFixtureATestcase) {
  ScratchDir out;
  fs::path xml = out.path / "v.xml";
  auto r = run_grader({"validate", kRepo.string(), "--exercise", "batch-script", "--junit", xml.string()});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  json cases = python_reads(kJunitCases, xml);
  ASSERT_EQ(cases.size(), 8u) << "rubric, solution and six fixtures: " << cases.dump();
  for (const auto& c : cases) EXPECT_TRUE(c["verdict"].empty()) << c.dump();
  EXPECT_EQ(cases[2]["name"], "fixture constraint-typo");
}
