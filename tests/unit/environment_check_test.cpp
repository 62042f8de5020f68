// grader/checks/environment_check: a venv judged from its probes' JSON (as the probe the grader
// ships prints it; the JSON below is the shape kEnvironmentProbe writes), and requirements.txt.
#include "grader/checks/environment_check.h"

#include <gtest/gtest.h>

namespace grader {
namespace {

RunResult ok_run(const std::string& out) {
  RunResult r;
  r.status = RunStatus::Ok;
  r.exit_code = 0;
  r.out.data = out;
  return r;
}

// What the probe printed for the course's solution, captured from a real run of
// exercises/venv/solution under the test cluster's python/3.11.2 module.
const char* kGoodProbe =
    R"({"prefix": "/work/project/Example", "executable": "/work/project/Example/bin/python", "version": "3.11.2",)"
    R"( "pyvenv_cfg": {"home": "/tmp/hpc-grader-cluster/sw/python/3.11.2/bin", "include-system-site-packages": "true", "version": "3.11.2"},)"
    R"( "packages": {"hpcdemo": {"version": "1.1.0", "file": "/work/project/Example/lib/python3.11/site-packages/hpcdemo/__init__.py"},)"
    R"( "numpy": {"version": "1.24.2", "file": "/usr/lib/python3/dist-packages/numpy/__init__.py"}},)"
    R"( "paths": {"$PROJECT_DIR": "/work/project"}})";

EnvironmentCheck check() {
  EnvironmentCheck c;
  c.path = "$PROJECT_DIR/Example";
  c.probe_run = "probe";
  return c;
}

const Requirement* find(const EnvironmentEvaluation& e, const std::string& name) {
  for (const auto& r : e.requirements)
    if (r.name == name) return &r;
  return nullptr;
}

TEST(EnvironmentCheck, SolutionMeetsEveryRequirement) {
  EnvironmentCheck c = check();
  c.under = "$PROJECT_DIR";
  c.system_site_packages = true;
  c.python = R"(3\.11\.\d+)";
  c.packages = {{"hpcdemo", "1.1.0"}};
  c.visible = {"numpy"};
  RunResults runs{{"probe", ok_run(kGoodProbe)}};
  auto e = evaluate_environment(c, ok_run(""), runs);
  ASSERT_TRUE(e.error.empty()) << e.error;
  ASSERT_EQ(e.requirements.size(), 6u);
  for (const auto& r : e.requirements) EXPECT_TRUE(r.met) << r.name << ": " << r.message;
}

TEST(EnvironmentCheck, WrongVersionAndOutsideInstallAreSaidApart) {
  EnvironmentCheck c = check();
  c.packages = {{"hpcdemo", "1.0.0"}, {"numpy", ""}};
  RunResults runs{{"probe", ok_run(kGoodProbe)}};
  auto e = evaluate_environment(c, ok_run(""), runs);
  ASSERT_NE(find(e, "hpcdemo"), nullptr);
  EXPECT_FALSE(find(e, "hpcdemo")->met);
  EXPECT_NE(find(e, "hpcdemo")->message.find("1.1.0 is installed, not 1.0.0"), std::string::npos);
  EXPECT_FALSE(find(e, "numpy")->met) << "numpy comes from the system, not from inside the env";
  EXPECT_NE(find(e, "numpy")->message.find("outside the environment"), std::string::npos);
}

TEST(EnvironmentCheck, EnvOutsideItsDirectoryFails) {
  EnvironmentCheck c = check();
  c.under = "$PROJECT_DIR";
  std::string probe = kGoodProbe;
  const std::string from = R"("prefix": "/work/project/Example")";
  probe.replace(probe.find(from), from.size(), R"("prefix": "/work/Example")");
  RunResults runs{{"probe", ok_run(probe)}};
  auto e = evaluate_environment(c, ok_run(""), runs);
  ASSERT_NE(find(e, "under"), nullptr);
  EXPECT_FALSE(find(e, "under")->met);
  EXPECT_NE(find(e, "under")->message.find("not in $PROJECT_DIR"), std::string::npos)
      << find(e, "under")->message;
}

TEST(EnvironmentCheck, MissingEnvQuotesPipsErrors) {
  RunResult probe;
  probe.status = RunStatus::NonzeroExit;
  probe.exit_code = 127;
  probe.err.data = "bash: line 1: /work/project/Example/bin/python: No such file or directory\n";
  RunResult build;
  build.status = RunStatus::NonzeroExit;
  build.err.data =
      "WARNING: Retrying\nERROR: Could not find a version that satisfies the requirement hpcdemo==1.1.0\n";
  RunResults runs{{"probe", probe}};
  auto e = evaluate_environment(check(), build, runs);
  ASSERT_EQ(e.requirements.size(), 1u);
  EXPECT_FALSE(e.requirements[0].met);
  EXPECT_NE(e.requirements[0].message.find("no environment at $PROJECT_DIR/Example"), std::string::npos);
  EXPECT_NE(e.requirements[0].message.find("ERROR: Could not find a version"), std::string::npos)
      << e.requirements[0].message;
}

TEST(EnvironmentCheck, BaseThatImportsThePackageIsAUserInstall) {
  EnvironmentCheck c = check();
  c.not_in_base = {"hpcdemo"};
  c.base_run = "base";
  c.base_setup = "module load python/3.11.2";
  std::string base =
      R"({"prefix": "/usr", "version": "3.11.2", "pyvenv_cfg": null, "packages": {"hpcdemo":)"
      R"( {"version": "1.1.0", "file": "/work/.local/lib/python3.11/site-packages/hpcdemo/__init__.py"}}, "paths": {}})";
  RunResults runs{{"probe", ok_run(kGoodProbe)}, {"base", ok_run(base)}};
  auto e = evaluate_environment(c, ok_run(""), runs);
  ASSERT_NE(find(e, "not_in_base"), nullptr);
  EXPECT_FALSE(find(e, "not_in_base")->met);
  EXPECT_NE(find(e, "not_in_base")->message.find("pip --user"), std::string::npos);
}

TEST(EnvironmentCheck, OutputBeforeTheProbesLineIsIgnoredAndJunkIsNotAPass) {
  RunResults runs{{"probe", ok_run(std::string("hello from a .pth file\n") + kGoodProbe + "\n")}};
  auto e = evaluate_environment(check(), ok_run(""), runs);
  ASSERT_FALSE(e.requirements.empty());
  EXPECT_TRUE(e.requirements[0].met) << e.requirements[0].message;
  RunResults junk{{"probe", ok_run("not json")}};
  auto j = evaluate_environment(check(), ok_run(""), junk);
  ASSERT_EQ(j.requirements.size(), 1u);
  EXPECT_FALSE(j.requirements[0].met);
}

TEST(Requirements, PinnedAndContainsComparedAsPipDoes) {
  RequirementsCheck c{"requirements.txt", true, {"hpcdemo==1.1.0", "hpcdemo_core==1.0.0"}};
  auto ok = evaluate_requirements(c, "hpcdemo==1.1.0\nhpcdemo-core==1.0.0\n# a comment\n\n");
  ASSERT_EQ(ok.size(), 3u);
  for (const auto& r : ok) EXPECT_TRUE(r.met) << r.message;
  auto bad = evaluate_requirements(c, "hpcdemo\nhpcdemo-core>=1.0\n");
  EXPECT_FALSE(bad[0].met);
  EXPECT_NE(bad[0].message.find("requirements.txt:1: 'hpcdemo'"), std::string::npos) << bad[0].message;
  EXPECT_NE(bad[0].message.find("requirements.txt:2: 'hpcdemo-core>=1.0'"), std::string::npos);
  EXPECT_FALSE(bad[1].met);
  EXPECT_FALSE(bad[2].met);
  EXPECT_EQ(normalize_distribution_name("HPCDemo__Core.x"), "hpcdemo-core-x");
}

}  // namespace
}  // namespace grader
