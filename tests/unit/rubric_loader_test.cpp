// The rubric loader: a valid rubric becomes the right model; each kind of mistake a teacher can
// make becomes one message, with file:line:col, that says what to change.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <string>

#include "grader/rubric/loader.h"
#include "tests/support/unit_data.h"

namespace grader {
namespace {

using test_support::rubric_error_of;

// Lines 1-4 of most rubrics below; what a test adds starts on line 5.
const std::string kHead = R"(exercise = "hello"
[[run]]
id = "main"
command = ["python3", "hello.py"]
)";

// kHead plus one check with the lines given; the check table starts on line 5, its keys on 6.
std::string with_check(const std::string& lines) {
  return kHead + "[[check]]\n" + lines;
}

template <typename T>
const T& kind_of(const CheckSpec& check) {
  const T* kind = std::get_if<T>(&check.kind);
  if (!kind) throw std::runtime_error("check '" + check.id + "' has another kind");
  return *kind;
}

const TextMatch& text_match(const CheckSpec& check) {
  return std::get<TextMatch>(kind_of<OutputCheck>(check).match);
}

// ---------------------------------------------------------------------------------------------
// The model

TEST(RubricModel, SourcePosFormatsFileLineColumn) {
  SourcePos pos{"rubrics/x.toml", 12, 3};
  EXPECT_EQ(pos.str(), "rubrics/x.toml:12:3");
}

TEST(RubricModel, FindRunReturnsRunById) {
  Rubric rubric;
  rubric.runs.resize(2);
  rubric.runs[0].id = "main";
  rubric.runs[1].id = "small";
  ASSERT_NE(rubric.find_run("small"), nullptr);
  EXPECT_EQ(rubric.find_run("small")->id, "small");
  EXPECT_EQ(rubric.find_run("large"), nullptr);
}

TEST(RubricModel, MaxScoreSumsPointsOfAllChecksHiddenIncluded) {
  Rubric rubric;
  rubric.checks.resize(3);
  rubric.checks[0].points = 2;
  rubric.checks[1].points = 0.5;
  rubric.checks[2].points = 3;
  rubric.checks[2].hidden = true;
  EXPECT_DOUBLE_EQ(rubric.max_score(), 5.5);
}

TEST(RubricModel, EnumsPrintAsRubricKeys) {
  EXPECT_EQ(to_string(Stream::Stdout), "stdout");
  EXPECT_EQ(to_string(Stream::Stderr), "stderr");
  EXPECT_EQ(to_string(Stream::File), "file");
  EXPECT_EQ(to_string(MatchKind::Contains), "contains");
  EXPECT_EQ(to_string(MatchKind::Regex), "regex");
  EXPECT_EQ(to_string(MatchKind::Exact), "exact");
  EXPECT_EQ(to_string(MatchKind::Lines), "lines");
  EXPECT_EQ(to_string(Metric::WallTime), "wall_time");
  EXPECT_EQ(to_string(Metric::CpuTime), "cpu_time");
  EXPECT_EQ(to_string(Metric::PeakMemory), "peak_memory");
}

TEST(RubricModel, RubricErrorKeepsPositionAndBareMessage) {
  RubricError error(SourcePos{"r.toml", 3, 7}, "something is wrong");
  EXPECT_STREQ(error.what(), "r.toml:3:7: something is wrong");
  EXPECT_EQ(error.bare_message(), "something is wrong");
  EXPECT_EQ(error.pos().line, 3);
  EXPECT_EQ(error.pos().column, 7);
}

// ---------------------------------------------------------------------------------------------
// Valid rubrics

TEST(RubricLoader, RubricLoadsDesignExample) {
  Rubric r = parse_rubric(R"(exercise = "hello"
title = "Run a Python script"

[[run]]
id = "main"
command = ["python3", "hello.py"]
timeout = "10s"
memory = "512M"

[[check]]
id = "greets"
run = "main"
stdout.regex = '^Hello, \w+!$'
points = 2
hint = "Print exactly: Hello, <name>!"

[[check]]
id = "pi"
run = "main"
stdout.number = { regex = 'pi = ([-0-9.eE+]+)', value = 3.14159, rel_tol = 1e-3 }
points = 3
hidden = true
)",
                          "rubrics/hello.toml");
  EXPECT_EQ(r.exercise, "hello");
  EXPECT_EQ(r.title, "Run a Python script");
  EXPECT_EQ(r.source, "rubrics/hello.toml");
  ASSERT_EQ(r.runs.size(), 1u);
  EXPECT_EQ(r.runs[0].id, "main");
  EXPECT_EQ(r.runs[0].command, (std::vector<std::string>{"python3", "hello.py"}));
  EXPECT_EQ(r.runs[0].timeout_s, 10.0);
  EXPECT_EQ(r.runs[0].memory_bytes, 512ull << 20);

  ASSERT_EQ(r.checks.size(), 2u);
  const CheckSpec& greets = r.checks[0];
  EXPECT_EQ(greets.id, "greets");
  EXPECT_EQ(greets.run, "main");
  EXPECT_EQ(greets.points, 2.0);
  EXPECT_EQ(greets.hint, "Print exactly: Hello, <name>!");
  EXPECT_EQ(kind_of<OutputCheck>(greets).stream, Stream::Stdout);
  EXPECT_EQ(text_match(greets).kind, MatchKind::Regex);
  EXPECT_EQ(text_match(greets).pattern, R"(^Hello, \w+!$)");

  const CheckSpec& pi = r.checks[1];
  EXPECT_TRUE(pi.hidden);
  EXPECT_EQ(pi.points, 3.0);
  const auto& number = std::get<NumberMatch>(kind_of<OutputCheck>(pi).match);
  EXPECT_EQ(number.regex, "pi = ([-0-9.eE+]+)");
  EXPECT_EQ(number.value, 3.14159);
  EXPECT_EQ(number.rel_tol, 1e-3);
  EXPECT_EQ(number.abs_tol, std::nullopt);
  EXPECT_DOUBLE_EQ(r.max_score(), 5.0);
}

TEST(RubricLoader, RubricAppliesDefaults) {
  Rubric r = parse_rubric(with_check("id = \"ok\"\nexit_code = 0\n"), "r.toml");
  EXPECT_EQ(r.title, "hello");
  const RunSpec& run = r.runs[0];
  EXPECT_EQ(run.timeout_s, 10.0);
  EXPECT_EQ(run.memory_bytes, std::nullopt);
  EXPECT_EQ(run.output_limit, 1024u * 1024);
  EXPECT_EQ(run.stdin_text, std::nullopt);
  EXPECT_EQ(run.stdin_file, std::nullopt);
  EXPECT_TRUE(run.env.empty());
  EXPECT_TRUE(run.collect.empty());
  EXPECT_FALSE(run.hidden);
  const CheckSpec& check = r.checks[0];
  EXPECT_EQ(check.run, "main");
  EXPECT_EQ(check.title, "ok");
  EXPECT_EQ(check.points, 1.0);
  EXPECT_FALSE(check.partial);
  EXPECT_EQ(check.hint, std::nullopt);
  EXPECT_FALSE(check.hidden);
  EXPECT_TRUE(check.needs.empty());
}

TEST(RubricLoader, RubricLoadsRunOptions) {
  Rubric r = parse_rubric(R"(exercise = "sum"
[[run]]
id = "main"
command = ["python3", "sum.py", "--n", "10"]
timeout = "1.5m"
memory = "1GiB"
output_limit = "64K"
stdin = "1 2 3\n"
env = { OMP_NUM_THREADS = "4", _X1 = "" }
collect = ["out/result.txt", "./log.txt"]
hidden = true

[[run]]
id = "from-file"
command = ["python3", "sum.py"]
stdin_file = "data/input.txt"

[[check]]
id = "ok"
run = "main"
exit_code = 0
)",
                          "r.toml");
  ASSERT_EQ(r.runs.size(), 2u);
  const RunSpec& main = r.runs[0];
  EXPECT_EQ(main.command.size(), 4u);
  EXPECT_EQ(main.timeout_s, 90.0);
  EXPECT_EQ(main.memory_bytes, 1ull << 30);
  EXPECT_EQ(main.output_limit, 64u * 1024);
  EXPECT_EQ(main.stdin_text, "1 2 3\n");
  EXPECT_EQ(main.env, (std::map<std::string, std::string>{{"OMP_NUM_THREADS", "4"}, {"_X1", ""}}));
  EXPECT_EQ(main.collect, (std::vector<std::string>{"out/result.txt", "./log.txt"}));
  EXPECT_TRUE(main.hidden);
  EXPECT_EQ(r.runs[1].stdin_file, "data/input.txt");
  EXPECT_EQ(r.find_run("from-file"), &r.runs[1]);
}

TEST(RubricLoader, RubricLoadsExitCodeCheck) {
  Rubric r = parse_rubric(with_check("id = \"fails\"\nexit_code = 2\n"), "r.toml");
  EXPECT_EQ(kind_of<ExitCodeCheck>(r.checks[0]).expected, 2);
}

TEST(RubricLoader, RubricLoadsEachTextMatcher) {
  Rubric r = parse_rubric(kHead + R"([[check]]
id = "a"
stdout.contains = "Hello"
[[check]]
id = "b"
stdout.regex = '\d+'
[[check]]
id = "c"
stdout.exact = "42\n"
[[check]]
id = "d"
stdout.lines = """
1 2
3 4
"""
)",
                          "r.toml");
  ASSERT_EQ(r.checks.size(), 4u);
  EXPECT_EQ(text_match(r.checks[0]).kind, MatchKind::Contains);
  EXPECT_EQ(text_match(r.checks[0]).pattern, "Hello");
  EXPECT_EQ(text_match(r.checks[1]).kind, MatchKind::Regex);
  EXPECT_EQ(text_match(r.checks[1]).pattern, "\\d+");
  EXPECT_EQ(text_match(r.checks[2]).kind, MatchKind::Exact);
  EXPECT_EQ(text_match(r.checks[2]).pattern, "42\n");
  EXPECT_EQ(text_match(r.checks[3]).kind, MatchKind::Lines);
  EXPECT_EQ(text_match(r.checks[3]).pattern, "1 2\n3 4\n");
}

TEST(RubricLoader, RubricLoadsMatcherWrittenAsInlineTable) {
  Rubric r = parse_rubric(with_check("id = \"a\"\nstdout = { contains = \"Hello\" }\n"), "r.toml");
  EXPECT_EQ(text_match(r.checks[0]).pattern, "Hello");
}

TEST(RubricLoader, RubricLoadsMatcherWrittenAsSubtable) {
  Rubric r = parse_rubric(with_check("id = \"a\"\n[check.stdout]\ncontains = \"Hello\"\n"), "r.toml");
  EXPECT_EQ(text_match(r.checks[0]).pattern, "Hello");
}

TEST(RubricLoader, RubricLoadsStderrCheck) {
  Rubric r = parse_rubric(with_check("id = \"warns\"\nstderr.contains = \"Warning\"\n"), "r.toml");
  EXPECT_EQ(kind_of<OutputCheck>(r.checks[0]).stream, Stream::Stderr);
  EXPECT_EQ(text_match(r.checks[0]).pattern, "Warning");
}

TEST(RubricLoader, RubricLoadsNumberMatchWithAbsoluteTolerance) {
  Rubric r = parse_rubric(
      with_check("id = \"n\"\nstderr.number = { regex = 't=(\\d+)', value = 3, abs_tol = 1 }\n"), "r.toml");
  const auto& number = std::get<NumberMatch>(kind_of<OutputCheck>(r.checks[0]).match);
  EXPECT_EQ(number.value, 3.0);
  EXPECT_EQ(number.abs_tol, 1.0);
  EXPECT_EQ(number.rel_tol, std::nullopt);
}

TEST(RubricLoader, RubricLoadsFileMatcher) {
  Rubric r = parse_rubric(with_check("id = \"f\"\nfile = { path = \"out/result.txt\", regex = '^42$' }\n"),
                          "r.toml");
  const OutputCheck& output = kind_of<OutputCheck>(r.checks[0]);
  EXPECT_EQ(output.stream, Stream::File);
  EXPECT_EQ(output.path, "out/result.txt");
  EXPECT_EQ(std::get<TextMatch>(output.match).kind, MatchKind::Regex);
}

TEST(RubricLoader, RubricLoadsFileExistsCheck) {
  Rubric r =
      parse_rubric(with_check("id = \"f\"\nfile = { path = \"plot.png\", exists = true }\n"), "r.toml");
  EXPECT_EQ(kind_of<FileExistsCheck>(r.checks[0]).path, "plot.png");
}

TEST(RubricLoader, RubricLoadsWallTimeBoundInSeconds) {
  Rubric r =
      parse_rubric(with_check("id = \"t\"\nwall_time = { min = \"500ms\", max = \"2m\" }\n"), "r.toml");
  const BoundCheck& bound = kind_of<BoundCheck>(r.checks[0]);
  EXPECT_EQ(bound.metric, Metric::WallTime);
  EXPECT_EQ(bound.min, 0.5);
  EXPECT_EQ(bound.max, 120.0);
}

TEST(RubricLoader, RubricLoadsCpuTimeBoundWithOnlyMax) {
  Rubric r = parse_rubric(with_check("id = \"t\"\ncpu_time.max = \"10s\"\n"), "r.toml");
  const BoundCheck& bound = kind_of<BoundCheck>(r.checks[0]);
  EXPECT_EQ(bound.metric, Metric::CpuTime);
  EXPECT_EQ(bound.min, std::nullopt);
  EXPECT_EQ(bound.max, 10.0);
}

TEST(RubricLoader, RubricLoadsPeakMemoryBoundInBytes) {
  Rubric r =
      parse_rubric(with_check("id = \"m\"\npeak_memory = { min = \"1K\", max = \"256M\" }\n"), "r.toml");
  const BoundCheck& bound = kind_of<BoundCheck>(r.checks[0]);
  EXPECT_EQ(bound.metric, Metric::PeakMemory);
  EXPECT_EQ(bound.min, 1024.0);
  EXPECT_EQ(bound.max, 256.0 * 1024 * 1024);
}

TEST(RubricLoader, RubricAcceptsIntegerAndFloatPoints) {
  Rubric r = parse_rubric(kHead + R"([[check]]
id = "a"
exit_code = 0
points = 2
[[check]]
id = "b"
exit_code = 0
points = 0.5
[[check]]
id = "c"
exit_code = 0
points = 0
)",
                          "r.toml");
  EXPECT_EQ(r.checks[0].points, 2.0);
  EXPECT_EQ(r.checks[1].points, 0.5);
  EXPECT_EQ(r.checks[2].points, 0.0);
}

TEST(RubricLoader, RubricAcceptsPartialOnLines) {
  Rubric r =
      parse_rubric(with_check("id = \"table\"\nstdout.lines = \"1\\n2\\n\"\npartial = true\n"), "r.toml");
  EXPECT_TRUE(r.checks[0].partial);
}

TEST(RubricLoader, RubricAcceptsPartialFalseOnAnyKind) {
  Rubric r = parse_rubric(with_check("id = \"ok\"\nexit_code = 0\npartial = false\n"), "r.toml");
  EXPECT_FALSE(r.checks[0].partial);
}

TEST(RubricLoader, RubricKeepsTitleHintAndHidden) {
  Rubric r =
      parse_rubric(with_check("id = \"ok\"\nexit_code = 0\ntitle = \"Exits cleanly\"\nhint = \"Return 0\"\n"
                              "hidden = true\n"),
                   "r.toml");
  EXPECT_EQ(r.checks[0].title, "Exits cleanly");
  EXPECT_EQ(r.checks[0].hint, "Return 0");
  EXPECT_TRUE(r.checks[0].hidden);
}

TEST(RubricLoader, RubricOrdersChecksAfterTheirNeeds) {
  Rubric r = parse_rubric(kHead + R"([[check]]
id = "d"
exit_code = 0
needs = ["c", "b"]
[[check]]
id = "a"
exit_code = 0
[[check]]
id = "c"
exit_code = 0
needs = ["e"]
[[check]]
id = "b"
exit_code = 0
[[check]]
id = "e"
exit_code = 0
)",
                          "r.toml");
  std::vector<std::string> ids;
  for (const CheckSpec& check : r.checks) ids.push_back(check.id);
  // a and b keep their file order; d waits for c and b; c waits for e.
  EXPECT_EQ(ids, (std::vector<std::string>{"a", "b", "e", "c", "d"}));
  EXPECT_EQ(r.checks[4].needs, (std::vector<std::string>{"c", "b"}));
}

TEST(RubricLoader, RubricKeepsFileOrderWithoutNeeds) {
  Rubric r = parse_rubric(kHead + R"([[check]]
id = "z"
exit_code = 0
[[check]]
id = "a"
exit_code = 0
)",
                          "r.toml");
  EXPECT_EQ(r.checks[0].id, "z");
  EXPECT_EQ(r.checks[1].id, "a");
}

TEST(RubricLoader, RubricKeepsPlaceholderInPattern) {
  Rubric r = parse_rubric(R"(exercise = "par"
[[run]]
id = "serial"
command = ["python3", "serial.py"]
[[run]]
id = "parallel"
command = ["python3", "parallel.py"]
[[check]]
id = "same"
run = "parallel"
stdout.regex = '^{{stdout:serial}}$'
[[check]]
id = "same-text"
run = "parallel"
stdout.exact = "{{stdout:serial}}"
)",
                          "r.toml");
  EXPECT_EQ(text_match(r.checks[0]).pattern, "^{{stdout:serial}}$");
  EXPECT_EQ(text_match(r.checks[1]).pattern, "{{stdout:serial}}");
}

TEST(RubricLoader, RubricRecordsPositionsOfRunsAndChecks) {
  Rubric r = parse_rubric(with_check("id = \"ok\"\nexit_code = 0\n"), "r.toml");
  EXPECT_EQ(r.runs[0].pos.str(), "r.toml:2:1");
  EXPECT_EQ(r.checks[0].pos.str(), "r.toml:5:1");
}

TEST(RubricLoader, LoadRubricReadsFile) {
  std::filesystem::path path =
      std::filesystem::temp_directory_path() / ("rubric_loader_test_" + std::to_string(::getpid()) + ".toml");
  {
    std::ofstream out(path);
    out << with_check("id = \"ok\"\nexit_code = 0\n");
  }
  Rubric r = load_rubric(path);
  std::filesystem::remove(path);
  EXPECT_EQ(r.source, path.string());
  EXPECT_EQ(r.checks[0].pos.file, path.string());
}

// A docs example of one of this repository's exercises is read as that exercise's rubric, so that
// what it names beside the rubric (a pytest check's tests) is checked against the real exercise.
std::string docs_block_source(const std::string& block, const std::string& name) {
  std::smatch m;
  static const std::regex exercise(R"re((^|\n)exercise = "([a-z0-9-]+)")re");
  if (!std::regex_search(block, m, exercise)) return name;
  std::string dir = std::string(GRADER_SOURCE_DIR) + "/exercises/" + m[2].str();
  if (!std::filesystem::is_directory(dir)) return name;
  return std::string(GRADER_SOURCE_DIR) + "/rubrics/" + m[2].str() + ".toml";
}

// docs/rubrics.md promises that every TOML block in it is a complete rubric that loads.
TEST(RubricLoader, DocsRubricExamplesAllLoad) {
  std::ifstream in(std::string(GRADER_SOURCE_DIR) + "/docs/rubrics.md");
  ASSERT_TRUE(in) << "docs/rubrics.md is missing";
  std::string line;
  std::string block;
  bool in_toml = false;
  int blocks = 0;
  int line_no = 0;
  int block_start = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (!in_toml && line == "```toml") {
      in_toml = true;
      block.clear();
      block_start = line_no + 1;
    } else if (in_toml && line == "```") {
      in_toml = false;
      ++blocks;
      std::string name = "docs/rubrics.md@" + std::to_string(block_start);
      EXPECT_NO_THROW(parse_rubric(block, docs_block_source(block, name)))
          << rubric_error_of(block) << " (block at " << name << ")";
    } else if (in_toml) {
      block += line + "\n";
    }
  }
  EXPECT_GE(blocks, 9);
}

TEST(RubricLoader, LoadRubricReportsUnreadableFile) {
  try {
    load_rubric("/nonexistent/rubric.toml");
    FAIL() << "loaded a file that does not exist";
  } catch (const RubricError& e) {
    EXPECT_STREQ(e.what(), "/nonexistent/rubric.toml:0:0: cannot read rubric: No such file or directory");
  }
}

// ---------------------------------------------------------------------------------------------
// Errors: one test per kind of message

TEST(RubricErrors, RubricReportsTomlSyntaxErrorPosition) {
  EXPECT_EQ(rubric_error_of("exercise = \"hello\"\n[[run]]\nid = \"main\" \"x\"\n"),
            "r.toml:3:13: Error while parsing key-value pair: expected a comment or whitespace, "
            "saw '\"'");
}

TEST(RubricErrors, RubricReportsTomlDuplicateKey) {
  EXPECT_EQ(rubric_error_of(kHead + "id = \"again\"\n"),
            "r.toml:5:6: Error while parsing key-value pair: cannot redefine existing string "
            "'id'");
}

TEST(RubricErrors, RubricRejectsUnknownTopLevelKey) {
  EXPECT_EQ(rubric_error_of("exercise = \"hello\"\ntite = \"Hello\"\n"),
            "r.toml:2:1: unknown key 'tite' at top level; did you mean 'title'?");
}

TEST(RubricErrors, RubricRejectsMisspelledArrayOfTables) {
  EXPECT_EQ(rubric_error_of(kHead + "[[checks]]\nid = \"a\"\n"),
            "r.toml:5:3: unknown key 'checks' at top level; did you mean 'check'?");
}

TEST(RubricErrors, RubricRejectsUnknownRunKey) {
  EXPECT_EQ(rubric_error_of(kHead + "timout = \"5s\"\n"),
            "r.toml:5:1: unknown key 'timout' in run 'main'; did you mean 'timeout'?");
}

TEST(RubricErrors, RubricRejectsUnknownCheckKey) {
  EXPECT_EQ(rubric_error_of(with_check("id = \"pi\"\nexit_code = 0\npionts = 2\n")),
            "r.toml:8:1: unknown key 'pionts' in check 'pi'; did you mean 'points'?");
}

TEST(RubricErrors, RubricRejectsUnknownStdoutKey) {
  EXPECT_EQ(rubric_error_of(with_check("id = \"pi\"\nstdout.regx = 'pi'\n")),
            "r.toml:7:8: unknown key 'regx' in check 'pi'; did you mean 'regex'?");
}

TEST(RubricErrors, RubricRejectsUnknownNumberKey) {
  EXPECT_EQ(rubric_error_of(
                with_check("id = \"pi\"\nstdout.number = { regex = '(x)', value = 1, rel_tl = 0.1 }\n")),
            "r.toml:7:45: unknown key 'rel_tl' in check 'pi'; did you mean 'rel_tol'?");
}

TEST(RubricErrors, RubricRejectsUnknownFileKey) {
  EXPECT_EQ(rubric_error_of(with_check("id = \"out\"\nfile = { pth = \"out.txt\", exists = true }\n")),
            "r.toml:7:10: unknown key 'pth' in check 'out'; did you mean 'path'?");
}

TEST(RubricErrors, RubricRejectsUnknownBoundKey) {
  EXPECT_EQ(rubric_error_of(with_check("id = \"fast\"\nwall_time = { mx = \"1s\" }\n")),
            "r.toml:7:15: unknown key 'mx' in check 'fast'; did you mean 'max'?");
}

TEST(RubricErrors, RubricListsAllowedKeysWhenNoneIsClose) {
  EXPECT_EQ(
      rubric_error_of(kHead + "workdir = \"src\"\n"),
      "r.toml:5:1: unknown key 'workdir' in run 'main'; allowed here: id, command, timeout, "
      "memory, output_limit, stdin, stdin_file, env, collect, hidden, jobscript, unavailable, notebook, "
      "job_limits");
}

TEST(RubricErrors, RubricSuggestsStdoutForMatcherInCheck) {
  EXPECT_EQ(rubric_error_of(with_check("id = \"greets\"\nregex = 'Hello'\n")),
            "r.toml:7:1: unknown key 'regex' in check 'greets'; did you mean 'stdout.regex'?");
}

TEST(RubricErrors, RubricRejectsWrongType) {
  EXPECT_EQ(rubric_error_of(kHead + "timeout = 10\n"),
            "r.toml:5:11: key 'timeout' in run 'main' must be a string like \"10s\", not an "
            "integer");
}

TEST(RubricErrors, RubricRejectsWrongTypeInArray) {
  EXPECT_EQ(rubric_error_of("exercise = \"hello\"\n[[run]]\nid = \"main\"\ncommand = [\"python3\", 3]\n"),
            "r.toml:4:23: element 2 of 'command' in run 'main' must be a string, not an integer");
}

TEST(RubricErrors, RubricRejectsCommandAsString) {
  EXPECT_EQ(rubric_error_of("exercise = \"hello\"\n[[run]]\nid = \"main\"\ncommand = \"python3 x.py\"\n"),
            "r.toml:4:11: key 'command' in run 'main' must be an array of strings like "
            "[\"python3\", \"main.py\"], not a string");
}

TEST(RubricErrors, RubricRejectsEmptyCommand) {
  EXPECT_EQ(rubric_error_of("exercise = \"hello\"\n[[run]]\nid = \"main\"\ncommand = []\n"),
            "r.toml:4:11: key 'command' in run 'main' is empty; give at least the program to run");
}

TEST(RubricValid, JobscriptRunHasNoCommand) {
  Rubric r = parse_rubric(
      "exercise = \"job\"\n[[run]]\nid = \"job\"\njobscript = \"job.sh\"\n"
      "timeout = \"10m\"\n[[check]]\nid = \"ok\"\nexit_code = 0\n",
      "r.toml");
  ASSERT_EQ(r.runs.size(), 1u);
  EXPECT_EQ(r.runs[0].jobscript, "job.sh");
  EXPECT_TRUE(r.runs[0].command.empty());
  EXPECT_DOUBLE_EQ(r.runs[0].timeout_s, 600);
}

TEST(RubricErrors, RubricRejectsJobscriptWithCommand) {
  EXPECT_EQ(rubric_error_of(kHead + "jobscript = \"job.sh\"\n"),
            "r.toml:4:11: run 'main' has both 'jobscript' and 'command'; a jobscript run is submitted "
            "with sbatch, so give one of them");
}

TEST(RubricErrors, RubricRejectsJobscriptOutsideWorkspace) {
  EXPECT_NE(
      rubric_error_of("exercise = \"j\"\n[[run]]\nid = \"j\"\njobscript = \"../job.sh\"\n").find("r.toml:4:"),
      std::string::npos);
}

TEST(RubricValid, RequireIsolationAndRunner) {
  Rubric r =
      parse_rubric("exercise = \"x\"\nrequire_isolation = [\"net\", \"pid\"]\nrequire_runner = \"local\"\n" +
                       kHead.substr(kHead.find("[[run]]")) + "[[check]]\nid = \"ok\"\nexit_code = 0\n",
                   "r.toml");
  EXPECT_EQ(r.require_isolation, (std::vector<std::string>{"net", "pid"}));
  EXPECT_EQ(r.require_runner, "local");
}

TEST(RubricErrors, RubricRejectsUnknownIsolationControl) {
  EXPECT_EQ(rubric_error_of("exercise = \"x\"\nrequire_isolation = [\"net\", \"seccmp\"]\n"),
            "r.toml:2:29: unknown isolation control 'seccmp' in 'require_isolation'; did you mean 'seccomp'? "
            "(the controls are listed in docs/security.md)");
}

TEST(RubricErrors, RubricRejectsMissingCommand) {
  EXPECT_EQ(rubric_error_of("exercise = \"hello\"\n[[run]]\nid = \"main\"\n"),
            "r.toml:2:1: run 'main' has no 'command'; add e.g. command = [\"python3\", \"main.py\"] "
            "(or jobscript = \"job.sh\" for a Slurm job)");
}

TEST(RubricErrors, RubricRejectsBadDuration) {
  EXPECT_EQ(rubric_error_of(kHead + "timeout = \"10 parsecs\"\n"),
            "r.toml:5:11: invalid duration '10 parsecs' for 'timeout' in run 'main'; use e.g. "
            "\"500ms\", \"10s\", \"1.5m\"");
}

TEST(RubricErrors, RubricRejectsZeroTimeout) {
  EXPECT_EQ(rubric_error_of(kHead + "timeout = \"0s\"\n"),
            "r.toml:5:11: key 'timeout' in run 'main' must be more than 0");
}

TEST(RubricErrors, RubricRejectsBadSize) {
  EXPECT_EQ(rubric_error_of(kHead + "memory = \"lots\"\n"),
            "r.toml:5:10: invalid size 'lots' for 'memory' in run 'main'; use e.g. \"512K\", "
            "\"512M\", \"1.5G\"");
}

TEST(RubricErrors, RubricRejectsZeroMemory) {
  EXPECT_EQ(rubric_error_of(kHead + "memory = \"0M\"\n"),
            "r.toml:5:10: key 'memory' in run 'main' must be more than 0");
}

TEST(RubricErrors, RubricRejectsBadBoundDuration) {
  EXPECT_EQ(rubric_error_of(with_check("id = \"fast\"\nwall_time.max = \"quick\"\n")),
            "r.toml:7:17: invalid duration 'quick' for 'max' in check 'fast'; use e.g. \"500ms\", "
            "\"10s\", \"1.5m\"");
}

TEST(RubricErrors, RubricRejectsBadBoundSize) {
  EXPECT_EQ(rubric_error_of(with_check("id = \"small\"\npeak_memory.max = \"1 parsec\"\n")),
            "r.toml:7:19: invalid size '1 parsec' for 'max' in check 'small'; use e.g. \"512K\", "
            "\"512M\", \"1.5G\"");
}

TEST(RubricErrors, RubricRejectsBoundMinAboveMax) {
  EXPECT_EQ(rubric_error_of(with_check("id = \"t\"\ncpu_time = { min = \"2s\", max = \"500ms\" }\n")),
            "r.toml:7:20: key 'min' in check 't' (2 s) is more than 'max' (500 ms)");
}

TEST(RubricErrors, RubricRejectsEmptyBound) {
  EXPECT_EQ(rubric_error_of(with_check("id = \"t\"\npeak_memory = {}\n")),
            "r.toml:7:15: key 'peak_memory' in check 't' needs 'min', 'max' or both");
}

TEST(RubricErrors, RubricRejectsInvalidRegex) {
  EXPECT_EQ(rubric_error_of(with_check("id = \"greets\"\nstdout.regex = 'Hello, (\\w+'\n")),
            "r.toml:7:16: invalid regex for 'regex' in check 'greets': missing ): Hello, (\\w+");
}

TEST(RubricErrors, RubricRejectsInvalidNumberRegex) {
  EXPECT_EQ(
      rubric_error_of(with_check("id = \"pi\"\nstdout.number = { regex = 'pi = ([0-9.+', value = 3 }\n")),
      "r.toml:7:27: invalid regex for 'regex' in check 'pi': missing ]: [0-9.+");
}

TEST(RubricErrors, RubricRejectsNumberRegexWithoutGroup) {
  EXPECT_EQ(
      rubric_error_of(with_check("id = \"pi\"\nstdout.number = { regex = 'pi = [0-9.]+', value = 3 }\n")),
      "r.toml:7:27: regex in 'number' in check 'pi' has no capturing group; put ( ) around "
      "the number, e.g. 'pi = ([-0-9.eE+]+)'");
}

TEST(RubricErrors, RubricRejectsNumberWithoutValue) {
  EXPECT_EQ(rubric_error_of(with_check("id = \"pi\"\nstdout.number = { regex = 'pi = (.*)' }\n")),
            "r.toml:7:17: key 'number' in check 'pi' has no 'value'");
}

TEST(RubricErrors, RubricRejectsNegativeTolerance) {
  EXPECT_EQ(rubric_error_of(
                with_check("id = \"pi\"\nstdout.number = { regex = '(.*)', value = 3, rel_tol = -0.1 }\n")),
            "r.toml:7:56: key 'rel_tol' in check 'pi' must be 0 or more, not -0.1");
}

TEST(RubricErrors, RubricRejectsMissingRunWithSuggestion) {
  EXPECT_EQ(rubric_error_of(R"(exercise = "hello"
[[run]]
id = "main"
command = ["python3", "hello.py"]
[[run]]
id = "small"
command = ["python3", "hello.py", "--small"]
[[check]]
id = "x"
run = "man"
exit_code = 0
)"),
            "r.toml:10:7: check 'x' names run 'man', which does not exist; did you mean 'main'?");
}

TEST(RubricErrors, RubricListsRunsWhenNoneIsClose) {
  EXPECT_EQ(rubric_error_of(with_check("id = \"x\"\nrun = \"benchmark\"\nexit_code = 0\n")),
            "r.toml:7:7: check 'x' names run 'benchmark', which does not exist; the runs are: "
            "main");
}

TEST(RubricErrors, RubricRequiresRunWhenThereAreSeveral) {
  EXPECT_EQ(rubric_error_of(R"(exercise = "hello"
[[run]]
id = "main"
command = ["python3", "hello.py"]
[[run]]
id = "small"
command = ["python3", "hello.py", "--small"]
[[check]]
id = "x"
exit_code = 0
)"),
            "r.toml:8:1: check 'x' has no 'run'; with several runs (main, small) every check "
            "names the one it grades");
}

TEST(RubricErrors, RubricRejectsUnknownNeed) {
  EXPECT_EQ(rubric_error_of(kHead + R"([[check]]
id = "compiles"
exit_code = 0
[[check]]
id = "output"
stdout.contains = "42"
needs = ["compile"]
)"),
            "r.toml:11:10: check 'output' needs 'compile', which does not exist; did you mean "
            "'compiles'?");
}

TEST(RubricErrors, RubricRejectsNeedsCycle) {
  EXPECT_EQ(rubric_error_of(kHead + R"([[check]]
id = "a"
exit_code = 0
needs = ["b"]
[[check]]
id = "b"
exit_code = 0
needs = ["a"]
)"),
            "r.toml:8:10: needs cycle: a -> b -> a");
}

TEST(RubricErrors, RubricReportsNeedsCycleFromItsFirstCheckInFile) {
  EXPECT_EQ(rubric_error_of(kHead + R"([[check]]
id = "free"
exit_code = 0
needs = ["y"]
[[check]]
id = "z"
exit_code = 0
needs = ["x"]
[[check]]
id = "y"
exit_code = 0
needs = ["z"]
[[check]]
id = "x"
exit_code = 0
needs = ["y"]
)"),
            "r.toml:12:10: needs cycle: z -> x -> y -> z");
}

TEST(RubricErrors, RubricRejectsSelfNeed) {
  EXPECT_EQ(rubric_error_of(with_check("id = \"a\"\nexit_code = 0\nneeds = [\"a\"]\n")),
            "r.toml:8:10: check 'a' needs itself");
}

TEST(RubricErrors, RubricRejectsRepeatedNeed) {
  EXPECT_EQ(rubric_error_of(kHead + R"([[check]]
id = "a"
exit_code = 0
[[check]]
id = "b"
exit_code = 0
needs = ["a", "a"]
)"),
            "r.toml:11:15: check 'b' lists 'a' twice in 'needs'");
}

TEST(RubricErrors, RubricRejectsTwoKinds) {
  EXPECT_EQ(rubric_error_of(with_check("id = \"x\"\nexit_code = 0\nstdout.contains = \"hi\"\n")),
            "r.toml:8:1: check 'x' has two kinds, 'exit_code' and 'stdout'; give one per check");
}

TEST(RubricErrors, RubricRejectsNoKind) {
  EXPECT_EQ(rubric_error_of(with_check("id = \"x\"\npoints = 2\n")),
            "r.toml:5:1: check 'x' has no kind; give one of exit_code, stdout, stderr, file, "
            "wall_time, cpu_time, peak_memory, jobscript, environment, requirements, conda_env, slurm, "
            "speedup, pytest, cell, notebook");
}

TEST(RubricErrors, RubricRejectsTwoMatchers) {
  EXPECT_EQ(rubric_error_of(with_check("id = \"x\"\nstdout.regex = 'a'\nstdout.exact = \"a\"\n")),
            "r.toml:8:8: key 'stdout' in check 'x' has both 'regex' and 'exact'; give one");
}

TEST(RubricErrors, RubricRejectsOutputWithoutMatcher) {
  EXPECT_EQ(rubric_error_of(with_check("id = \"x\"\nstdout = {}\n")),
            "r.toml:7:10: key 'stdout' in check 'x' needs one of contains, regex, exact, lines, "
            "number, count");
}

TEST(RubricErrors, RubricRejectsOutputAsString) {
  EXPECT_EQ(rubric_error_of(with_check("id = \"x\"\nstdout = \"Hello\"\n")),
            "r.toml:7:10: key 'stdout' in check 'x' must be a table like stdout.contains = "
            "\"...\", not a string");
}

TEST(RubricErrors, RubricRejectsPartialWithoutLines) {
  EXPECT_EQ(rubric_error_of(with_check("id = \"x\"\nstdout.regex = 'a'\npartial = true\n")),
            "r.toml:8:11: key 'partial' in check 'x' needs a 'lines' matcher or a check of several "
            "requirements (jobscript, environment, requirements, conda_env); this check uses "
            "'regex'");
}

TEST(RubricErrors, RubricRejectsPartialOnExitCode) {
  EXPECT_EQ(rubric_error_of(with_check("id = \"x\"\nexit_code = 0\npartial = true\n")),
            "r.toml:8:11: key 'partial' in check 'x' needs a 'lines' matcher or a check of several "
            "requirements (jobscript, environment, requirements, conda_env); this check uses "
            "'exit_code'");
}

TEST(RubricErrors, RubricRejectsAbsolutePath) {
  EXPECT_EQ(rubric_error_of(kHead + "stdin_file = \"/etc/passwd\"\n"),
            "r.toml:5:14: path '/etc/passwd' for 'stdin_file' in run 'main' must be relative to "
            "the workspace, not absolute");
}

TEST(RubricErrors, RubricRejectsParentDirectoryInPath) {
  EXPECT_EQ(rubric_error_of(kHead + "collect = [\"out.txt\", \"out/../../secret\"]\n"),
            "r.toml:5:23: path 'out/../../secret' for 'collect' in run 'main' must stay inside "
            "the workspace; '..' is not allowed");
}

TEST(RubricErrors, RubricRejectsParentDirectoryInFileCheckPath) {
  EXPECT_EQ(rubric_error_of(with_check("id = \"x\"\nfile = { path = \"..\", exists = true }\n")),
            "r.toml:7:17: path '..' for 'path' in check 'x' must stay inside the workspace; '..' "
            "is not allowed");
}

TEST(RubricErrors, RubricRejectsEmptyPath) {
  EXPECT_EQ(rubric_error_of(with_check("id = \"x\"\nfile = { path = \"\", exists = true }\n")),
            "r.toml:7:17: empty path for 'path' in check 'x'");
}

TEST(RubricErrors, RubricRejectsStdinWithStdinFile) {
  EXPECT_EQ(rubric_error_of(kHead + "stdin = \"1 2\"\nstdin_file = \"in.txt\"\n"),
            "r.toml:6:1: run 'main' has both 'stdin' and 'stdin_file'; give one");
}

TEST(RubricErrors, RubricRejectsInvalidEnvName) {
  EXPECT_EQ(rubric_error_of(kHead + "env = { \"1X\" = \"a\" }\n"),
            "r.toml:5:9: environment variable name '1X' in run 'main' is not valid; use letters, "
            "digits and '_', not starting with a digit");
}

TEST(RubricErrors, RubricRejectsNonStringEnvValue) {
  EXPECT_EQ(rubric_error_of(kHead + "env = { OMP_NUM_THREADS = 4 }\n"),
            "r.toml:5:27: environment variable 'OMP_NUM_THREADS' in run 'main' must be a string "
            "like \"4\", not an integer");
}

TEST(RubricErrors, RubricRejectsDuplicateRunId) {
  EXPECT_EQ(rubric_error_of(kHead + "[[run]]\nid = \"main\"\ncommand = [\"python3\"]\n"),
            "r.toml:6:6: run id 'main' is already used at line 2");
}

TEST(RubricErrors, RubricRejectsDuplicateCheckId) {
  EXPECT_EQ(rubric_error_of(kHead + "[[check]]\nid = \"a\"\nexit_code = 0\n[[check]]\nid = \"a\"\n"
                                    "exit_code = 1\n"),
            "r.toml:9:6: check id 'a' is already used at line 5");
}

TEST(RubricErrors, RubricRejectsInvalidId) {
  EXPECT_EQ(rubric_error_of(with_check("id = \"Prints Pi\"\nexit_code = 0\n")),
            "r.toml:6:6: check id 'Prints Pi' must be lowercase letters, digits, '-' and '_', "
            "starting with a letter or digit");
}

TEST(RubricErrors, RubricRejectsInvalidExerciseName) {
  EXPECT_EQ(rubric_error_of("exercise = \"-hello\"\n"),
            "r.toml:1:12: exercise '-hello' must be lowercase letters, digits, '-' and '_', "
            "starting with a letter or digit");
}

TEST(RubricErrors, RubricRejectsMissingExercise) {
  EXPECT_EQ(rubric_error_of("title = \"Hello\"\n"),
            "r.toml:1:1: rubric has no 'exercise'; add e.g. exercise = \"hello\"");
}

// With no runs and no checks, the checks are what is missing: a rubric of static checks needs no
// run (RubricLoader.StaticChecksAloneNeedNoRun).
TEST(RubricErrors, RubricRejectsMissingChecksBeforeRuns) {
  EXPECT_EQ(rubric_error_of("exercise = \"hello\"\n"),
            "r.toml:1:1: rubric has no [[check]]; add at least one");
}

TEST(RubricErrors, RubricRejectsRunWrittenAsTable) {
  EXPECT_EQ(rubric_error_of("exercise = \"hello\"\n[run]\nid = \"main\"\n"),
            "r.toml:2:1: key 'run' at top level must be an array of tables written [[run]], not "
            "a table");
}

TEST(RubricErrors, RubricRejectsMissingChecks) {
  EXPECT_EQ(rubric_error_of(kHead), "r.toml:1:1: rubric has no [[check]]; add at least one");
}

TEST(RubricErrors, RubricRejectsMissingId) {
  EXPECT_EQ(rubric_error_of(with_check("exit_code = 0\n")),
            "r.toml:5:1: check #1 has no 'id'; add e.g. id = \"prints-result\"");
}

TEST(RubricErrors, RubricRejectsMultiLineTitle) {
  EXPECT_EQ(rubric_error_of(with_check("id = \"x\"\nexit_code = 0\ntitle = \"a\\nb\"\n")),
            "r.toml:8:9: key 'title' in check 'x' must be one line");
}

TEST(RubricErrors, RubricRejectsNegativePoints) {
  EXPECT_EQ(rubric_error_of(with_check("id = \"x\"\nexit_code = 0\npoints = -1\n")),
            "r.toml:8:10: key 'points' in check 'x' must be 0 or more, not -1");
}

TEST(RubricErrors, RubricRejectsNonFinitePoints) {
  EXPECT_EQ(rubric_error_of(with_check("id = \"x\"\nexit_code = 0\npoints = inf\n")),
            "r.toml:8:10: key 'points' in check 'x' must be a finite number");
}

TEST(RubricErrors, RubricRejectsExitCodeOutOfRange) {
  EXPECT_EQ(rubric_error_of(with_check("id = \"x\"\nexit_code = 256\n")),
            "r.toml:7:13: key 'exit_code' in check 'x' must be between 0 and 255, not 256");
}

TEST(RubricErrors, RubricRejectsExitCodeAsString) {
  EXPECT_EQ(rubric_error_of(with_check("id = \"x\"\nexit_code = \"0\"\n")),
            "r.toml:7:13: key 'exit_code' in check 'x' must be an integer like 0, not a string");
}

TEST(RubricErrors, RubricRejectsExistsFalse) {
  EXPECT_EQ(rubric_error_of(with_check("id = \"x\"\nfile = { path = \"a.txt\", exists = false }\n")),
            "r.toml:7:35: 'exists = false' in check 'x' is not supported; only exists = true");
}

TEST(RubricErrors, RubricRejectsExistsWithMatcher) {
  EXPECT_EQ(rubric_error_of(
                with_check("id = \"x\"\nfile = { path = \"a.txt\", exists = true, contains = \"a\" }\n")),
            "r.toml:7:41: key 'file' in check 'x' has both 'exists' and 'contains'; give one");
}

TEST(RubricErrors, RubricRejectsFileWithoutPath) {
  EXPECT_EQ(rubric_error_of(with_check("id = \"x\"\nfile = { exists = true }\n")),
            "r.toml:7:8: key 'file' in check 'x' has no 'path'");
}

TEST(RubricErrors, RubricRejectsPlaceholderForUnknownRun) {
  EXPECT_EQ(rubric_error_of(with_check("id = \"same\"\nstdout.exact = \"{{stdout:man}}\"\n")),
            "r.toml:7:16: check 'same' uses '{{stdout:man}}', but there is no run 'man'; did "
            "you mean 'main'?");
}

TEST(RubricErrors, RubricRejectsUnclosedPlaceholder) {
  EXPECT_EQ(rubric_error_of(with_check("id = \"same\"\nstdout.contains = \"{{stdout:main\"\n")),
            "r.toml:7:19: unclosed placeholder '{{stdout:' in 'contains' in check 'same'; write "
            "{{stdout:RUN}}");
}

TEST(RubricErrors, RubricValidatesRegexWithPlaceholderFilledIn) {
  EXPECT_EQ(rubric_error_of(with_check("id = \"same\"\nstdout.regex = '({{stdout:main}}'\n")),
            "r.toml:7:16: invalid regex for 'regex' in check 'same': missing ): (x");
}

}  // namespace
}  // namespace grader

// ---------------------------------------------------------------------------------------------
// jobscript checks

namespace grader {
namespace {

const std::string kJobHead = R"(exercise = "batch"
[[run]]
id = "job"
jobscript = "job.sh"
[[run]]
id = "other"
command = ["true"]
[[check]]
id = "directives"
)";

TEST(RubricJobscript, LoadsWithProfileDefaultsAndNoRun) {
  Rubric r = parse_rubric(
      kJobHead +
          R"(jobscript = { file = "job.sh", profile = "snowy", require = ["account", "time"], max_time = "10m", cores = 2, account = true, cluster = true, gpu = true, module_before_python = true, python_modules = true, runs = "mmmult.py", srun_for_parallel = true, no_home_paths = true, max_memory = "4G", partition = 'core' }
partial = true
)",
      "r.toml");
  const CheckSpec& c = r.checks.front();
  EXPECT_EQ(c.run, "");
  EXPECT_TRUE(c.partial);
  const auto& j = std::get<JobscriptCheck>(c.kind);
  EXPECT_EQ(j.file, "job.sh");
  ASSERT_TRUE(j.profile);
  EXPECT_EQ(j.profile->name, "snowy");
  EXPECT_EQ(j.require, (std::vector<std::string>{"account", "time"}));
  EXPECT_EQ(*j.max_time_s, 600);
  EXPECT_EQ(*j.cores, 2);
  EXPECT_EQ(*j.account, *j.profile->account_pattern);
  EXPECT_EQ(*j.cluster, "snowy");
  EXPECT_EQ(*j.gpu, true);
  EXPECT_EQ(j.python_modules, j.profile->python.modules);
  EXPECT_EQ(*j.runs, "mmmult.py");
  EXPECT_EQ(*j.max_memory, 4ull << 30);
  EXPECT_EQ(*j.partition, "core");
}

TEST(RubricJobscript, RejectsRun) {
  EXPECT_EQ(rubric_error_of(kJobHead + "run = \"job\"\njobscript = { file = \"job.sh\" }\n"),
            "r.toml:10:7: check 'directives' is a jobscript check: it reads the file from the submission as "
            "handed in, "
            "before any run, so it takes no 'run'");
}

TEST(RubricJobscript, RejectsUnknownKeyWithSuggestion) {
  EXPECT_EQ(rubric_error_of(kJobHead + "jobscript = { file = \"job.sh\", max_tme = \"10m\" }\n"),
            "r.toml:10:32: unknown key 'max_tme' in check 'directives'; did you mean 'max_time'?");
}

TEST(RubricJobscript, RequireTakesLongOptionNames) {
  EXPECT_EQ(rubric_error_of(kJobHead + "jobscript = { file = \"job.sh\", require = [\"t\"] }\n"),
            "r.toml:10:43: 't' in 'require' in check 'directives' is not an sbatch option; write 'time', "
            "sbatch's long "
            "name of -t");
  EXPECT_EQ(rubric_error_of(kJobHead + "jobscript = { file = \"job.sh\", require = [\"--account\"] }\n"),
            "r.toml:10:43: '--account' in 'require' in check 'directives' is not an sbatch option; write "
            "'account', "
            "without the dashes");
  EXPECT_EQ(rubric_error_of(kJobHead + "jobscript = { file = \"job.sh\", require = [\"acount\"] }\n"),
            "r.toml:10:43: 'acount' in 'require' in check 'directives' is not an sbatch option; did you mean "
            "'account'?");
}

TEST(RubricJobscript, TrueNeedsAProfile) {
  EXPECT_EQ(rubric_error_of(kJobHead + "jobscript = { file = \"job.sh\", account = true }\n"),
            "r.toml:10:42: 'account = true' in check 'directives' takes its account pattern from a cluster "
            "profile; add "
            "profile = \"NAME\" or give the value");
  EXPECT_EQ(rubric_error_of(kJobHead +
                            "jobscript = { file = \"job.sh\", profile = \"rackham\", max_time = true }\n"),
            "r.toml:10:64: 'max_time = true' in check 'directives': cluster profile 'rackham' has no maximum "
            "walltime; give the value");
}

TEST(RubricJobscript, UnknownProfileSuggests) {
  EXPECT_EQ(rubric_error_of(kJobHead + "jobscript = { file = \"job.sh\", profile = \"rackam\" }\n"),
            "r.toml:10:42: cluster profile for 'profile' in check 'directives': no cluster profile 'rackam'; "
            "did you "
            "mean 'rackham'?");
}

TEST(RubricJobscript, NeedsFileAndRelativePath) {
  EXPECT_EQ(rubric_error_of(kJobHead + "jobscript = { cores = 2 }\n"),
            "r.toml:10:13: key 'jobscript' in check 'directives' has no 'file'; add e.g. file = \"job.sh\"");
  EXPECT_EQ(rubric_error_of(kJobHead + "jobscript = { file = \"/etc/job.sh\" }\n"),
            "r.toml:10:22: path '/etc/job.sh' for 'file' in check 'directives' must be relative to the "
            "workspace, not "
            "absolute");
}

TEST(RubricJobscript, BadRegexAndCores) {
  EXPECT_EQ(rubric_error_of(kJobHead + "jobscript = { file = \"job.sh\", account = '(x' }\n"),
            "r.toml:10:42: invalid regex for 'account' in check 'directives': missing ): (x");
  EXPECT_EQ(rubric_error_of(kJobHead + "jobscript = { file = \"job.sh\", cores = 0 }\n"),
            "r.toml:10:40: key 'cores' in check 'directives' must be 1 or more");
}

TEST(RubricLoader, WorkspaceBoundsAreSizesAndCountsWithTheirLimits) {
  Rubric r = parse_rubric(
      "workspace_size = \"256M\"\nworkspace_files = 5000\n" + with_check("id = \"ok\"\nexit_code = 0\n"),
      "r.toml");
  EXPECT_EQ(r.workspace.bytes, 256ull << 20);
  EXPECT_EQ(r.workspace.files, 5000u);
  EXPECT_FALSE(parse_rubric(with_check("id = \"ok\"\nexit_code = 0\n"), "r.toml").workspace.bytes);
  EXPECT_EQ(rubric_error_of("workspace_size = \"10K\"\n" + kHead),
            "r.toml:1:18: 'workspace_size' must be at least 1M");
  EXPECT_EQ(rubric_error_of("workspace_files = 3\n" + kHead),
            "r.toml:1:19: 'workspace_files' must be at least 16");
}

// Issue 12: a rubric of static checks only runs nothing, and needs no [[run]].
TEST(RubricLoader, StaticChecksAloneNeedNoRun) {
  Rubric r = parse_rubric(R"(exercise = "job"
[[check]]
id = "script"
jobscript = { file = "job.sh", max_time = "1h" }
)",
                          "r.toml");
  EXPECT_TRUE(r.runs.empty());
  EXPECT_EQ(rubric_error_of("exercise = \"job\"\n[[check]]\nid = \"ok\"\nexit_code = 0\n"),
            "r.toml:2:1: check 'ok' grades a run, and the rubric has no [[run]]; add one (only jobscript and "
            "conda_env checks, which read the submission as handed in, need none)");
}

}  // namespace
}  // namespace grader
