// End-to-end: the real grader binary on the python-script exercise, its fixtures, and bad input.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>

#include "grader/util/text.h"
#include "tests/support/cli_runner.h"

using namespace grader::testing;
namespace fs = std::filesystem;

namespace {

const fs::path kRepo = GRADER_SOURCE_DIR;
const fs::path kExercise = kRepo / "exercises" / "python-script";

nlohmann::json parse_report(const std::string& text) {
  EXPECT_TRUE(grader::is_valid_utf8(text));
  return nlohmann::json::parse(text);
}

// A throwaway exercise repository with one rubric and one submission.
struct MiniRepo : ScratchDir {
  MiniRepo(const std::string& rubric, const std::map<std::string, std::string>& submission) {
    write("rubrics/ex.toml", rubric);
    fs::create_directories(path / "exercises" / "ex");
    for (const auto& [name, content] : submission) write("sub/" + name, content);
  }
  fs::path sub() const { return path / "sub"; }
};

const char* kEchoRubric = R"(exercise = "ex"
[[run]]
id = "main"
command = ["python3", "main.py"]
timeout = "5s"
[[check]]
id = "ok"
exit_code = 0
)";

}  // namespace

TEST(Cli, SolutionGetsFullMarksAndExitZero) {
  auto r = run_grader({"check", kExercise.string(), (kExercise / "solution").string(), "--color", "never"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("Score: 8/8"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("✓ greets with the real Python version"), std::string::npos) << r.out;
}

TEST(Cli, CheckByIdFromInsideTheRepoWritesJson) {
  ScratchDir out;
  auto report = out.path / "nested" / "report.json";
  auto r = run_grader({"check", "python-script", (kExercise / "solution").string(), "--format", "json",
                       "--out", report.string()},
                      kExercise / "starter");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  auto j = parse_report(slurp(report));
  EXPECT_EQ(j["schema"], "grader-report/1");
  EXPECT_EQ(j["exercise"], "python-script");
  EXPECT_EQ(j["submission"], "solution");
  EXPECT_EQ(j["score"], 8.0);
  EXPECT_EQ(j["passed"], true);
  EXPECT_EQ(j["runner"]["executor"], "sandbox") << "the sandbox is the default executor";
  auto isolation = j["runner"]["isolation"].get<std::vector<std::string>>();
  EXPECT_NE(std::find(isolation.begin(), isolation.end(), "seccomp"), isolation.end()) << j["runner"].dump();
  EXPECT_EQ(j["runs"].size(), 3u);
  EXPECT_EQ(j["runs"][1]["status"], "ok");
  EXPECT_GT(j["runs"][1]["wall_s"].get<double>(), 0.0);
  EXPECT_NE(r.out.find("Score: 8/8"), std::string::npos) << "the text summary still goes to the terminal";
}

TEST(Cli, ProcessExecutorOnRequestSaysSo) {
  auto r = run_grader({"check", kExercise.string(), (kExercise / "solution").string(), "--format", "json",
                       "--executor", "process"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = parse_report(r.out);
  EXPECT_EQ(j["runner"]["executor"], "process");
  EXPECT_EQ(j["runner"]["isolation"], nlohmann::json({"pgroup", "rlimits", "subreaper"}));
}

TEST(Cli, RubricDemandingIsolationIsRefusedRatherThanRunWeaker) {
  MiniRepo repo(std::string("exercise = \"ex\"\nrequire_isolation = [\"net\", \"seccomp\"]\n") +
                    std::string(kEchoRubric).substr(std::string(kEchoRubric).find("[[run]]")),
                {{"main.py", "pass\n"}});
  auto weak = run_grader({"check", "ex", repo.sub().string(), "--executor", "process", "--format", "json"},
                         repo.path);
  EXPECT_EQ(weak.exit_code, 3) << weak.out << weak.err;
  auto j = parse_report(weak.out);
  EXPECT_EQ(j["error"]["kind"], "runner");
  EXPECT_NE(j["error"]["message"].get<std::string>().find("requires isolation 'net'"), std::string::npos)
      << j["error"];
  EXPECT_TRUE(j["runs"].empty()) << "nothing of the learner's ran";
  auto strong = run_grader({"check", "ex", repo.sub().string(), "--format", "json"}, repo.path);
  EXPECT_EQ(strong.exit_code, 0) << "the sandbox applies net and seccomp here: " << strong.out << strong.err;
}

TEST(Cli, WrongSumLosesPointsAndExitsOne) {
  auto r = run_grader(
      {"check", kExercise.string(), (kExercise / "fixtures" / "wrong-sum").string(), "--format", "json"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  auto j = parse_report(r.out);
  EXPECT_EQ(j["score"], 3.0);
  EXPECT_EQ(j["passed"], false);
  EXPECT_EQ(j["checks"][1]["id"], "sum-small");
  EXPECT_EQ(j["checks"][1]["message"], "found 55, expected 385");
}

TEST(Cli, CrashIsAGradedFailureNotARunnerError) {
  auto r = run_grader(
      {"check", kExercise.string(), (kExercise / "fixtures" / "crash").string(), "--color", "never"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("ZeroDivisionError"), std::string::npos) << "the learner sees the Traceback's end:\n"
                                                                << r.out;
}

TEST(Cli, InfiniteLoopTimesOut) {
  auto r = run_grader(
      {"check", kExercise.string(), (kExercise / "fixtures" / "infinite-loop").string(), "--format", "json"});
  EXPECT_EQ(r.exit_code, 1);
  auto j = parse_report(r.out);
  EXPECT_EQ(j["runs"][1]["status"], "timeout");
  EXPECT_EQ(j["runs"][1]["signal"], 9);
  EXPECT_LT(j["runs"][1]["wall_s"].get<double>(), 4.0) << "killed at the 2 s limit";
  EXPECT_EQ(j["checks"][4]["status"], "skipped");
}

TEST(Cli, HiddenValuesNeverReachTheLearner) {
  auto sub = (kExercise / "fixtures" / "ignores-argument").string();
  auto learner = run_grader({"check", kExercise.string(), sub, "--format", "json"});
  EXPECT_EQ(learner.exit_code, 1);
  EXPECT_EQ(learner.out.find("627121885"), std::string::npos) << learner.out;
  EXPECT_EQ(learner.out.find("\"1234\""), std::string::npos) << "the hidden run's argument leaked:\n"
                                                             << learner.out;
  auto text = run_grader({"check", kExercise.string(), sub, "--color", "never"});
  EXPECT_EQ(text.out.find("627121885"), std::string::npos) << text.out;
  auto teacher = run_grader({"check", kExercise.string(), sub, "--format", "json", "--teacher"});
  EXPECT_NE(teacher.out.find("627121885"), std::string::npos) << "teachers see what was expected";
}

TEST(Cli, GradescopeAndJunitFormats) {
  auto sub = (kExercise / "fixtures" / "wrong-format").string();
  auto gs = run_grader({"check", kExercise.string(), sub, "--format", "gradescope"});
  auto j = parse_report(gs.out);
  EXPECT_EQ(j["score"], 1.0);
  EXPECT_EQ(j["tests"].size(), 5u);
  EXPECT_EQ(j["tests"][3]["visibility"], "after_published");
  auto junit = run_grader({"check", kExercise.string(), sub, "--format", "junit"});
  EXPECT_NE(junit.out.find("<testsuites"), std::string::npos);
  EXPECT_NE(junit.out.find("failures=\"3\""), std::string::npos) << junit.out;
}

TEST(Cli, ValidatePassesOnThisRepository) {
  ScratchDir out;
  // batch-script submits a job: the test cluster (ci/cluster start) must be up.
  auto r = run_grader({"validate", kRepo.string(), "--runner", "local", "--junit",
                       (out.path / "v.xml").string(), "--color", "never"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("✓ fixture wrong-sum: scores 3/8 as declared"), std::string::npos) << r.out;
  EXPECT_NE(slurp(out.path / "v.xml").find("failures=\"0\""), std::string::npos);
}

TEST(Cli, ValidateCatchesAFixtureThatScoresOtherThanDeclared) {
  MiniRepo repo(kEchoRubric, {});
  repo.write("exercises/ex/solution/main.py", "pass\n");
  repo.write("exercises/ex/fixtures/bad/main.py", "raise SystemExit(3)\n");
  repo.write("exercises/ex/fixtures/bad/expected.toml", "score = 1\n");
  auto r = run_grader({"validate", repo.path.string(), "--color", "never"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("✗ fixture bad: scored 0/1, declared 1"), std::string::npos) << r.out;
}

TEST(Cli, MalformedRubricExitsTwoNamingFileAndLine) {
  MiniRepo repo(
      "exercise = \"ex\"\n[[run]]\nid = \"main\"\ncommand = [\"true\"]\n[[check]]\nid = \"a\"\nregx = 'x'\n",
      {{"main.py", ""}});
  auto r = run_grader({"check", "ex", repo.sub().string()}, repo.path);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("rubrics/ex.toml:7:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("unknown key 'regx'"), std::string::npos) << r.err;
}

TEST(Cli, UnknownExerciseSuggestsTheClosest) {
  auto r = run_grader({"check", "pyton-script", "."}, kRepo);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("did you mean 'python-script'?"), std::string::npos) << r.err;
}

TEST(Cli, UnknownOptionSuggestsTheClosest) {
  auto r = run_grader({"check", "python-script", "--fromat", "json"}, kRepo);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("did you mean '--format'?"), std::string::npos) << r.err;
}

TEST(Cli, HelpAndVersion) {
  auto v = run_grader({"--version"});
  EXPECT_EQ(v.exit_code, 0);
  EXPECT_EQ(v.out.rfind("grader ", 0), 0u);
  for (std::string cmd : {"check", "validate", "list"}) {
    auto h = run_grader({cmd, "--help"});
    EXPECT_EQ(h.exit_code, 0) << cmd;
    EXPECT_NE(h.out.find("usage: grader " + cmd), std::string::npos) << h.out;
  }
  EXPECT_EQ(run_grader({}).exit_code, 2);
}

TEST(Cli, ListShowsExercises) {
  auto r = run_grader({"list"}, kExercise);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("python-script\tRun a Python script\t8 points"), std::string::npos) << r.out;
}

TEST(Cli, SymlinkToShadowIsRefusedWithValidJson) {
  MiniRepo repo(kEchoRubric, {{"main.py", "pass\n"}});
  fs::create_symlink("/etc/shadow", repo.sub() / "data.txt");
  auto r = run_grader({"check", "ex", repo.sub().string(), "--format", "json"}, repo.path);
  EXPECT_EQ(r.exit_code, 1) << "a refused submission is graded, not a runner failure";
  auto j = parse_report(r.out);
  EXPECT_EQ(j["error"]["kind"], "submission");
  EXPECT_NE(j["error"]["message"].get<std::string>().find("/etc/shadow"), std::string::npos);
  EXPECT_EQ(j["checks"][0]["status"], "error");
  EXPECT_EQ(j["score"], 0.0);
}

TEST(Cli, MissingInterpreterExitsThree) {
  MiniRepo repo(
      "exercise = \"ex\"\n[[run]]\nid = \"main\"\ncommand = [\"python9\", \"x.py\"]\n[[check]]\nid = "
      "\"a\"\nexit_code = 0\n",
      {{"x.py", ""}});
  auto r = run_grader({"check", "ex", repo.sub().string(), "--format", "json"}, repo.path);
  EXPECT_EQ(r.exit_code, 3);
  auto j = parse_report(r.out);
  EXPECT_EQ(j["runs"][0]["status"], "runner_error");
  EXPECT_NE(j["runs"][0]["message"].get<std::string>().find("python9"), std::string::npos);
  EXPECT_EQ(j["checks"][0]["status"], "error");
}

TEST(Cli, NonUtf8OutputStillGivesValidReports) {
  MiniRepo repo(R"(exercise = "ex"
[[run]]
id = "main"
command = ["python3", "main.py"]
[[check]]
id = "says"
stdout.contains = "never"
)",
                {{"main.py", "import sys\nsys.stdout.buffer.write(b'\\xff\\xfe\\x00\\x80 raw\\n')\n"}});
  for (std::string format : {"json", "gradescope", "junit", "text"}) {
    auto r = run_grader({"check", "ex", repo.sub().string(), "--format", format, "--teacher"}, repo.path);
    EXPECT_EQ(r.exit_code, 1) << format;
    EXPECT_TRUE(grader::is_valid_utf8(r.out)) << format;
    if (format == "json") {
      EXPECT_NE(parse_report(r.out)["runs"][0]["stdout"].get<std::string>().find("\\xFF\\xFE\\0\\x80"),
                std::string::npos);
    }
  }
}

TEST(Cli, NoColourWhenNotATerminalOrNoColorSet) {
  auto sub = (kExercise / "solution").string();
  EXPECT_EQ(run_grader({"check", kExercise.string(), sub}).out.find("\033["), std::string::npos);
  EXPECT_EQ(run_grader({"check", kExercise.string(), sub, "--color", "always"}, {}, {{"NO_COLOR", ""}})
                    .out.find("\033[32m") == std::string::npos,
            false);
  EXPECT_EQ(run_grader({"check", kExercise.string(), sub}, {}, {{"NO_COLOR", "1"}}).out.find("\033["),
            std::string::npos);
}

TEST(Cli, SubmissionDirectoryIsNotModified) {
  MiniRepo repo(kEchoRubric,
                {{"main.py", "open('made.txt', 'w').write('x')\nimport os; os.remove('main.py')\n"}});
  auto r = run_grader({"check", "ex", repo.sub().string()}, repo.path);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(fs::exists(repo.sub() / "main.py"));
  EXPECT_FALSE(fs::exists(repo.sub() / "made.txt"));
}

// Issue 15: a typo in an exercise id must not validate nothing and pass.
TEST(Cli, ValidateUnknownExerciseIsAUsageErrorNamingTheKnownIds) {
  auto r = run_grader({"validate", kRepo.string(), "--exercise", "python-scirpt", "--color", "never"});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_EQ(r.out.find("all valid"), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("no exercise 'python-scirpt'; did you mean 'python-script'?"), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("batch-script"), std::string::npos) << "the known ids are listed: " << r.err;
  auto mixed = run_grader({"validate", kRepo.string(), "--exercise", "python-script,nosuch"});
  EXPECT_EQ(mixed.exit_code, 2) << "one unknown id among known ones is still refused: " << mixed.out;
}

// Issue 15: a submission path that is not there, or is a file, is a usage error, not a 0/8 report.
TEST(Cli, CheckOfAMissingOrPlainFileSubmissionIsAUsageError) {
  ScratchDir scratch;
  auto file = scratch.write("hello.py", "print('hi')\n");
  for (const fs::path& p : {scratch.path / "nonexistent", file}) {
    auto r = run_grader({"check", kExercise.string(), p.string(), "--format", "json"});
    EXPECT_EQ(r.exit_code, 2) << p << r.out << r.err;
    EXPECT_TRUE(r.out.empty()) << "no report: " << r.out;
    EXPECT_NE(r.err.find(p.string()), std::string::npos) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << "one line: " << r.err;
  }
}

// Issue 15: --out inside SUBMISSIONS_DIR is not graded as a learner on the second run.
TEST(Cli, GradeSkipsItsOwnOutputDirectoryInsideTheClass) {
  MiniRepo repo(kEchoRubric, {});
  repo.write("class/alice/main.py", "pass\n");
  fs::path out = repo.path / "class" / "reports";
  for (int round = 0; round < 2; ++round) {
    auto r = run_grader(
        {"grade", "ex", (repo.path / "class").string(), "--out", out.string(), "--executor", "process"},
        repo.path);
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("1 graded"), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find("reports:"), std::string::npos) << "reports/ graded as a learner: " << r.out;
    if (round == 1) {
      EXPECT_NE(r.err.find("skipping"), std::string::npos) << "said once: " << r.err;
    }
  }
  EXPECT_FALSE(fs::exists(out / "reports.json"));
  auto csv = slurp(out / "gradebook.csv");
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 2) << csv;
}

// Issue 13: "a b" and "a_b" used to share a_b.json, one report silently overwritten.
TEST(Cli, GradeKeepsEveryReportWhenNamesWouldMeet) {
  MiniRepo repo(kEchoRubric, {});
  for (const char* name : {"a b", "a_b", "=HYPERLINK(\"http:x\",\"y\")"})
    repo.write(std::string("class/") + name + "/main.py", "pass\n");
  fs::path out = repo.path / "reports";
  auto r = run_grader(
      {"grade", "ex", (repo.path / "class").string(), "--out", out.string(), "--executor", "process"},
      repo.path);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  std::set<std::string> submissions;
  int reports = 0;
  for (const auto& e : fs::directory_iterator(out)) {
    if (e.path().extension() != ".json") continue;
    ++reports;
    submissions.insert(parse_report(slurp(e.path()))["submission"].get<std::string>());
  }
  EXPECT_EQ(reports, 3);
  EXPECT_EQ(submissions.size(), 3u) << "each report is a different learner's";
  auto csv = slurp(out / "gradebook.csv");
  EXPECT_NE(csv.find("\"'=HYPERLINK("), std::string::npos) << "the name is text, not a formula: " << csv;
}

// A rubric's workspace_size bounds all of a submission's files together (the root sandbox's
// disk_quota): 1 MB files, each far under the file size limit, stop at 2M.
TEST(Cli, RubricWorkspaceSizeBoundsTheWorkspace) {
  if (::geteuid() != 0) GTEST_SKIP() << "bounded workspaces need a root grader; CI runs as root";
  MiniRepo repo(R"(exercise = "ex"
workspace_size = "2M"
[[run]]
id = "main"
command = ["python3", "main.py"]
timeout = "10s"
[[check]]
id = "ok"
exit_code = 0
)",
                {{"main.py", "for i in range(5):\n    open(f'f{i}', 'wb').write(b'x' * 1000000)\n"}});
  auto r = run_grader({"check", "ex", repo.sub().string(), "--format", "json"}, repo.path);
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  auto j = parse_report(r.out);
  EXPECT_EQ(j["runs"][0]["status"], "output_limit");
  EXPECT_NE(j["runs"][0]["message"].get<std::string>().find("the workspace's 2 MiB, 100000-file limit"),
            std::string::npos)
      << j["runs"][0]["message"];
  EXPECT_FALSE(fs::exists(repo.sub() / "f0")) << "the submission itself is never written";
}
