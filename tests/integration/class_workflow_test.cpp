// A teacher's class over several runs of `grade` (issue 13): nothing graded twice that has not
// changed, a late submission graded alone, Ctrl-C leaves the class files of what was done,
// `regrade` re-scores from recorded runs without running learner code and refuses when the runs
// changed, and a damaged record costs nothing but a regrading.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <thread>

#include "tests/support/cli_runner.h"

using namespace grader::testing;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// Each run appends to a log outside the workspace (the process executor lets it): how many times
// learner code ran is counted, not guessed.
std::string rubric(const fs::path& log, const std::string& points = "1") {
  return R"(exercise = "ex"
[[run]]
id = "main"
command = ["bash", "-c", 'echo ran >> "$RUNLOG"; python3 main.py']
timeout = "20s"
env = { RUNLOG = ")" +
         log.string() + R"(" }
[[check]]
id = "says-hi"
run = "main"
stdout.contains = "hi"
points = )" +
         points + "\n[[check]]\nid = \"exits\"\nrun = \"main\"\nexit_code = 0\n";
}

struct ClassRepo : ScratchDir {
  fs::path log = path / "runs.log";
  explicit ClassRepo(const std::map<std::string, std::string>& learners) {
    write("rubrics/ex.toml", rubric(log));
    fs::create_directories(path / "exercises" / "ex");
    for (const auto& [name, code] : learners) write("subs/" + name + "/main.py", code);
  }
  CliResult grade(std::vector<std::string> extra = {}) const {
    std::vector<std::string> args = {
        "grade", "ex", (path / "subs").string(), "--out", out().string(), "--executor", "process"};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_grader(args, path);
  }
  fs::path out() const { return path / "out"; }
  std::size_t runs() const {
    std::string text = slurp(log);
    return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
  }
  json report(const std::string& name) const { return json::parse(slurp(out() / (name + ".json"))); }
};

}  // namespace

TEST(ClassWorkflow, ASecondGradeRunsNothingUnchangedAndGradesWhatIsNewOrChanged) {
  ClassRepo c({{"alice", "print('hi')\n"}, {"bob", "print('bye')\n"}});
  auto first = c.grade();
  ASSERT_EQ(first.exit_code, 1) << first.out << first.err;
  EXPECT_EQ(c.runs(), 2u);
  EXPECT_NE(first.out.find("[1/2] "), std::string::npos)
      << "plain progress lines off a terminal: " << first.out;
  const std::string started = c.report("alice")["provenance"]["started"];

  auto second = c.grade();
  EXPECT_EQ(second.exit_code, 1);
  EXPECT_EQ(c.runs(), 2u) << "nothing changed, nothing ran: " << second.out;
  EXPECT_NE(second.out.find("2 graded (2 unchanged since their last grading)"), std::string::npos)
      << second.out;
  EXPECT_EQ(c.report("alice")["provenance"]["started"], started);

  c.write("subs/carol/main.py", "print('hi')\n");  // late
  c.write("subs/bob/main.py", "print('hi')\n");    // fixed
  auto third = c.grade({"--quiet"});
  EXPECT_EQ(third.exit_code, 0) << third.out;
  EXPECT_EQ(c.runs(), 4u) << "carol and bob only";
  EXPECT_EQ(third.out.find("[1/"), std::string::npos) << "--quiet: the summary only: " << third.out;
  EXPECT_EQ(c.report("bob")["score"], 2.0);
  std::string csv = slurp(c.out() / "gradebook.csv");
  EXPECT_NE(csv.find("\ncarol,2,2,true,graded"), std::string::npos) << csv;

  c.grade({"--force", "--quiet"});
  EXPECT_EQ(c.runs(), 7u) << "--force grades all three again";
}

TEST(ClassWorkflow, TheClassFilesListEveryRecordAndTheReportsCarryTheirProvenance) {
  ClassRepo c(std::map<std::string, std::string>{{"alice", "print('hi')\n"}});
  c.grade({"--quiet"});
  fs::remove_all(c.path / "subs/alice");
  c.write("subs/bob/main.py", "print('hi')\n");
  c.grade({"--quiet"});
  std::string csv = slurp(c.out() / "gradebook.csv");
  EXPECT_NE(csv.find("\nalice,"), std::string::npos) << "graded before, still in the class: " << csv;
  EXPECT_NE(csv.find("\nbob,"), std::string::npos) << csv;
  json p = c.report("bob")["provenance"];
  EXPECT_EQ(p["grader_version"], "0.1.0");
  EXPECT_EQ(p["rubric"]["sha256"].get<std::string>().size(), 64u);
  EXPECT_EQ(p["submission_hash"].get<std::string>().rfind("sha256:", 0), 0u);
  EXPECT_TRUE(p["repo_commit"].is_null()) << "the scratch repository is no git checkout";
  EXPECT_EQ(c.report("bob")["runner"]["executor"], "process");
}

TEST(ClassWorkflow, RegradeRescoresFromTheRecordsWithoutRunningLearnerCode) {
  ClassRepo c({{"alice", "print('hi')\n"}, {"bob", "print('bye')\n"}});
  c.grade({"--quiet"});
  ASSERT_EQ(c.runs(), 2u);
  c.write("rubrics/ex.toml", rubric(c.log, "5"));
  auto r = run_grader({"regrade", "ex", c.out().string()}, c.path);
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("2 reports re-scored"), std::string::npos) << r.out;
  EXPECT_EQ(c.runs(), 2u) << "no learner code ran";
  EXPECT_EQ(c.report("alice")["score"], 6.0);
  EXPECT_EQ(c.report("alice")["max_score"], 6.0);
  EXPECT_FALSE(c.report("alice")["provenance"]["regraded"].is_null());
  EXPECT_NE(slurp(c.out() / "gradebook.csv").find("\nalice,6,6,true"), std::string::npos);
  // The regraded records carry the rubric they were scored with: grade finds nothing to do.
  c.grade({"--quiet"});
  EXPECT_EQ(c.runs(), 2u);
}

TEST(ClassWorkflow, RegradeRefusesChangedRunsNamingThemAndRewritesNothing) {
  ClassRepo c({{"alice", "print('hi')\n"}, {"bob", "print('bye')\n"}});
  c.grade({"--quiet"});
  const std::string before = slurp(c.out() / "alice.json");
  std::string changed = rubric(c.log, "5");
  changed.replace(changed.find("timeout = \"20s\""), 15, "timeout = \"30s\"");
  c.write("rubrics/ex.toml", changed);
  auto r = run_grader({"regrade", "ex", c.out().string()}, c.path);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("nothing was rewritten"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("run 'main' changed: timeout_s (alice, bob)"), std::string::npos) << r.err;
  EXPECT_EQ(slurp(c.out() / "alice.json"), before);

  auto none = run_grader({"regrade", "ex", (c.path / "nowhere").string()}, c.path);
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_NE(none.err.find("holds no run records; grade the class first"), std::string::npos) << none.err;
}

TEST(ClassWorkflow, ADamagedRecordIsSaidAndTheSubmissionGradedAnew) {
  ClassRepo c(std::map<std::string, std::string>{{"alice", "print('hi')\n"}});
  c.grade({"--quiet"});
  c.write("out/.grader/alice.json", "{\"schema\": \"grader-record/1\", \"key\": 3");
  auto r = c.grade({"--quiet"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.err.find("out/.grader/alice.json: not a run record (not a JSON object); it is graded anew"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(c.runs(), 2u);
  EXPECT_EQ(c.report("alice")["score"], 2.0);
}

TEST(ClassWorkflow, CtrlCLeavesTheClassFilesOfWhatWasGraded) {
  ClassRepo c({{"a-fast", "print('hi')\n"}, {"b-slow", "import time\ntime.sleep(60)\n"}});
  pid_t pid = fork();
  if (pid == 0) {
    if (chdir(c.path.c_str()) != 0) _exit(120);
    freopen("/dev/null", "w", stdout);
    freopen("/dev/null", "w", stderr);
    execl(GRADER_BINARY, GRADER_BINARY, "grade", "ex", "subs", "--out", "out", "--executor", "process",
          nullptr);
    _exit(121);
  }
  // Waits for the condition itself (b-slow's run has started), never for a guessed time.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (c.runs() < 2 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  ASSERT_EQ(c.runs(), 2u) << "b-slow never started";
  ASSERT_TRUE(fs::exists(c.out() / "a-fast.json"));
  kill(pid, SIGINT);
  int status = 0;
  waitpid(pid, &status, 0);
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGINT) << status;
  std::string csv = slurp(c.out() / "gradebook.csv");
  EXPECT_NE(csv.find("\na-fast,2,2,true"), std::string::npos) << csv;
  EXPECT_EQ(csv.find("b-slow"), std::string::npos) << csv;
  EXPECT_TRUE(fs::exists(c.out() / "index.html"));
  // Run again: a-fast is known, only b-slow runs (made quick now).
  c.write("subs/b-slow/main.py", "print('hi')\n");
  auto again = c.grade({"--quiet"});
  EXPECT_NE(again.out.find("2 graded (1 unchanged since their last grading)"), std::string::npos)
      << again.out;
}

// docs/report.md's recipe for the submission tree hash, run as written, gives the report's.
TEST(ClassWorkflow, TheDocumentedTreeHashRecipeGivesTheReportsHash) {
  ClassRepo c(std::map<std::string, std::string>{{"alice", "print('hi')\n"}});
  c.write("subs/alice/data/välj.txt", "åäö\n");
  c.write("subs/alice/run.sh", "#!/bin/sh\n");
  fs::permissions(c.path / "subs/alice/run.sh", fs::perms::owner_exec, fs::perm_options::add);
  fs::create_symlink("main.py", c.path / "subs/alice/link.py");
  c.grade({"--quiet"});
  std::string doc = slurp(fs::path(GRADER_SOURCE_DIR) / "docs/report.md");
  auto start = doc.find("```python\nimport hashlib");
  ASSERT_NE(start, std::string::npos);
  start += 10;
  std::string code = doc.substr(start, doc.find("```", start) - start);
  c.write("recipe.py", code + "\nimport sys\nprint(tree_hash(sys.argv[1]))\n");
  std::string cmd = "python3 " + (c.path / "recipe.py").string() + " " + (c.path / "subs/alice").string();
  FILE* p = popen(cmd.c_str(), "r");
  ASSERT_NE(p, nullptr);
  char buf[128] = {};
  std::string out = fgets(buf, sizeof buf, p) ? buf : "";
  pclose(p);
  EXPECT_EQ(out, c.report("alice")["provenance"]["submission_hash"].get<std::string>() + "\n");
}
