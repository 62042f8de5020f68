// Runner placeholders: the loader refuses the ones the grader would not fill in, and grading
// fills {{python_modules}}, {{project_dir}} and {{cores}} from the runner's cluster profile, so that one
// rubric grades on the test cluster and on a real one.
#include "grader/grading/runner_values.h"

#include <gtest/gtest.h>

#include <string>

#include "grader/rubric/loader.h"
#include "grader/rubric/placeholders.h"
#include "tests/support/unit_data.h"

namespace grader {
namespace {

using test_support::rubric_error_of;

const std::string kRubric = R"(exercise = "venv"
[[run]]
id = "make"
command = ["bash", "-c", "module load {{python_modules}} && make-env.sh"]
env = { PROJECT_DIR = "{{project_dir}}", WHEELHOUSE = "{{workdir}}/wheels" }
[[check]]
id = "ok"
run = "make"
exit_code = 0
hint = "module load {{python_modules}} first"
)";

RunnerValues cluster(std::optional<std::string> storage) {
  ClusterProfile p;
  p.name = "rackham";
  p.python.recommended = {"python/3.11.8", "python/3.12.7"};  // not a real pair: order shows
  p.project_dir = std::move(storage);
  return runner_values(&p);
}

TEST(Placeholders, FoundOnlyForLowercaseNamesInDoubleBraces) {
  auto uses = find_placeholders("a {{workdir}}/x {{stdout:run}} {{ python }} {{Upper}} {{project_dir}}");
  ASSERT_EQ(uses.size(), 2u);
  EXPECT_EQ(uses[0].name, "workdir");
  EXPECT_EQ(uses[0].offset, 2u);
  EXPECT_EQ(uses[1].name, "project_dir");
  EXPECT_EQ(replace_all("{{a}}-{{a}}", "{{a}}", "{{a}}{{a}}"), "{{a}}{{a}}-{{a}}{{a}}");
}

TEST(Placeholders, TheLoaderRefusesAnUnknownOneWithItsLine) {
  std::string text = kRubric;
  text.replace(text.find("{{project_dir}}"), 15, "{{project_dri}}");
  EXPECT_EQ(rubric_error_of(text),
            "r.toml:5:23: unknown placeholder '{{project_dri}}' in env 'PROJECT_DIR' in run 'make'; did you "
            "mean 'project_dir'?");
  text.replace(text.find("{{project_dri}}"), 15, "{{home}}");
  EXPECT_EQ(
      rubric_error_of(text),
      "r.toml:5:23: unknown placeholder '{{home}}' in env 'PROJECT_DIR' in run 'make'; the placeholders "
      "are: workdir, python_modules, project_dir, cores, seed");
}

TEST(Placeholders, PathsInACommandAreRefusedWithTheWayThatWorks) {
  std::string text = kRubric;
  text.replace(text.find("make-env.sh"), 11, "{{workdir}}/make-env.sh");
  EXPECT_EQ(rubric_error_of(text),
            "r.toml:4:26: '{{workdir}}' in 'command' in run 'make' works in env values only; set e.g. env = "
            "{ DIR = \"{{workdir}}\" } and use \"$DIR\"");
}

TEST(RunnerValues, AProfileGivesItsRecommendedModulesAndItsProjectStorage) {
  RunnerValues v = cluster("/proj/hpc-python/");
  EXPECT_EQ(v.python_modules, "python/3.11.8 python/3.12.7") << "all of them, in the order loaded";
  EXPECT_EQ(project_dir_for(v, "alice-1f2e"), "/proj/hpc-python/hpc-grader/alice-1f2e");
  EXPECT_EQ(project_dir_for(cluster(std::nullopt), "x"), "{{workdir}}/project");
}

TEST(RunnerValues, FilledInCommandsEnvAndHintsButWorkdirIsLeftForEachRun) {
  Rubric r = parse_rubric(kRubric, "r.toml");
  std::string problem;
  Rubric out = with_runner_values(r, cluster("/proj/p"), "/proj/p/hpc-grader/t", problem);
  EXPECT_EQ(problem, "");
  EXPECT_EQ(out.runs[0].command[2], "module load python/3.11.8 python/3.12.7 && make-env.sh");
  EXPECT_EQ(out.runs[0].env.at("PROJECT_DIR"), "/proj/p/hpc-grader/t");
  EXPECT_EQ(out.runs[0].env.at("WHEELHOUSE"), "{{workdir}}/wheels");
  EXPECT_EQ(out.checks[0].hint, "module load python/3.11.8 python/3.12.7 first");
  EXPECT_TRUE(uses_project_dir(r));
}

TEST(RunnerValues, AModuleNoProfileNamesIsARunnerProblemNotAGuess) {
  Rubric r = parse_rubric(kRubric, "r.toml");
  std::string problem;
  Rubric out = with_runner_values(r, runner_values(nullptr), "x", problem);
  EXPECT_EQ(problem,
            "the rubric loads {{python_modules}}, and no cluster profile is known for this runner; name a "
            "cluster profile with --runner NAME");
  EXPECT_EQ(out.runs[0].command[2], r.runs[0].command[2]);

  ClusterProfile bare;
  bare.name = "tetralith";
  problem.clear();
  with_runner_values(r, runner_values(&bare), "x", problem);
  EXPECT_NE(problem.find("the profile 'tetralith' names no Python module ([python] recommended)"),
            std::string::npos)
      << problem;
}

TEST(RunnerValues, BaseSetupTakesTheModuleToo) {
  Rubric r = parse_rubric(kRubric + R"([[check]]
id = "env"
run = "make"
environment = { path = "$PROJECT_DIR/Example", not_in_base = ["hpcdemo"], base_setup = "module load {{python_modules}}" }
)",
                          "r.toml");
  std::string problem;
  Rubric out = with_runner_values(r, cluster(std::nullopt), "d", problem);
  const auto& env = std::get<EnvironmentCheck>(out.checks[1].kind);
  EXPECT_EQ(env.base_setup, "module load python/3.11.8 python/3.12.7");
  const RunSpec* base_probe = out.find_run(env.base_run);
  ASSERT_NE(base_probe, nullptr);
  EXPECT_NE(base_probe->command[2].find("module load python/3.11.8 python/3.12.7\n"), std::string::npos)
      << base_probe->command[2];
}

const std::string kParallel = R"(exercise = "parallel"
[[run]]
id = "one"
command = ["python3", "p.py", "1"]
[[run]]
id = "all"
command = ["python3", "p.py", "{{cores}}"]
env = { WORKERS = "{{cores}}" }
[[check]]
id = "fast"
title = "{{cores}} workers beat 1"
speedup = { serial = "one", parallel = "all", value = "{{cores}}", lower = -0.4 }
)";

TEST(CoresPlaceholder, FilledFromTheProfilesCoresPerNode) {
  ClusterProfile p;
  p.name = "rackham";
  p.python.recommended = {"python/3.11.8"};
  p.cores_per_node = 20;
  RunnerValues v = runner_values(&p);
  ASSERT_EQ(v.cores, 20);
  std::string problem;
  Rubric out = with_runner_values(parse_rubric(kParallel, "r.toml"), v, "", problem);
  EXPECT_EQ(problem, "");
  EXPECT_EQ(out.runs[1].command[2], "20");
  EXPECT_EQ(out.runs[1].env.at("WORKERS"), "20");
  EXPECT_EQ(out.checks[0].title, "20 workers beat 1");
  EXPECT_EQ(std::get<SpeedupCheck>(out.checks[0].kind).value, 20.0)
      << "value = \"{{cores}}\" follows the runner";
}

TEST(CoresPlaceholder, FilledFromTheMachineWhenNoProfileSaysSo) {
  RunnerValues v = runner_values(nullptr);
  EXPECT_FALSE(v.cores.has_value()) << "the profile alone knows no cores; the runner adds this machine's";
  v.cores = 2;
  std::string problem;
  Rubric out = with_runner_values(parse_rubric(kParallel, "r.toml"), v, "", problem);
  EXPECT_EQ(out.runs[1].command[2], "2");
}

TEST(CoresPlaceholder, UnknownCoresIsARunnerErrorNeverAGuess) {
  ClusterProfile p;
  p.name = "dardel";
  std::string problem;
  with_runner_values(parse_rubric(kParallel, "r.toml"), runner_values(&p), "", problem);
  EXPECT_EQ(
      problem,
      "the rubric uses {{cores}}, and the profile 'dardel' gives no cores_per_node; name a cluster profile "
      "that does with --runner NAME");
}

}  // namespace
}  // namespace grader
