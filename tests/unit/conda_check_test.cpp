// grader/checks/conda_check: environment.yml and create-env.sh against Bianca's conda rules.
#include "grader/checks/conda_check.h"

#include <gtest/gtest.h>

namespace grader {
namespace {

CondaEnvCheck bianca() {
  CondaEnvCheck c;
  c.file = "environment.yml";
  c.script = "create-env.sh";
  c.python = "3.12";
  c.packages = {"numpy", "matplotlib"};
  c.no_pip = true;
  c.mirrored = true;
  c.profile_name = "bianca";
  c.channels = {"conda-forge", "bioconda", "main"};
  c.conda_module = "conda";
  c.project_dir = "/proj/.*";
  return c;
}

const Requirement* find(const std::vector<Requirement>& rs, const std::string& name) {
  for (const auto& r : rs)
    if (r.name == name) return &r;
  return nullptr;
}

const char* kGood =
    "name: example\nchannels:\n  - conda-forge\ndependencies:\n  - python=3.12\n  - numpy=1.26\n"
    "  - matplotlib=3.8\n";

TEST(CondaCheck, TheCoursesFileMeetsEveryRule) {
  auto rs = evaluate_conda_yaml(bianca(), kGood);
  ASSERT_GE(rs.size(), 8u);
  for (const auto& r : rs) EXPECT_TRUE(r.met) << r.name << ": " << r.message;
}

TEST(CondaCheck, NotYamlNamesFileAndLine) {
  auto rs =
      evaluate_conda_yaml(bianca(), "name: example\nchannels: [conda-forge\ndependencies:\n  - numpy\n");
  ASSERT_EQ(rs.size(), 1u);
  EXPECT_FALSE(rs[0].met);
  EXPECT_EQ(rs[0].message.rfind("environment.yml:", 0), 0u) << rs[0].message;
}

TEST(CondaCheck, TabsNonUtf8AndAliasesAreRefusedWithTheirLine) {
  auto tabs = evaluate_conda_yaml(bianca(), "name: x\ndependencies:\n\t- numpy\n");
  EXPECT_NE(tabs[0].message.find("environment.yml:3: a tab"), std::string::npos) << tabs[0].message;
  auto latin = evaluate_conda_yaml(bianca(), "name: x\n# Bj\xf6rn\n");
  EXPECT_NE(latin[0].message.find("environment.yml:2: a byte that is not UTF-8"), std::string::npos);
  std::string bomb = "a: &a [x, x, x]\nb: &b [*a, *a, *a]\nc: [*b, *b, *b]\n";
  auto b = evaluate_conda_yaml(bianca(), bomb);
  ASSERT_EQ(b.size(), 1u);
  EXPECT_FALSE(b[0].met);
  EXPECT_NE(b[0].message.find("aliases"), std::string::npos);
}

TEST(CondaCheck, PipSectionUnmirroredChannelAndWrongPython) {
  std::string text =
      "name: e\nchannels:\n  - my-lab\ndependencies:\n  - python=3.11\n  - numpy\n  - pip:\n"
      "      - matplotlib==3.8\n";
  auto rs = evaluate_conda_yaml(bianca(), text);
  EXPECT_FALSE(find(rs, "mirrored")->met);
  EXPECT_NE(find(rs, "mirrored")->message.find("environment.yml:3: 'my-lab'"), std::string::npos);
  EXPECT_FALSE(find(rs, "python")->met);
  EXPECT_NE(find(rs, "python")->message.find("environment.yml:5: 'python=3.11'"), std::string::npos);
  EXPECT_FALSE(find(rs, "matplotlib")->met) << "a package only under pip: is not a conda dependency";
  EXPECT_FALSE(find(rs, "no_pip")->met);
  EXPECT_NE(find(rs, "no_pip")->message.find("environment.yml:7: a pip: section"), std::string::npos);
}

TEST(CondaCheck, DoubleEqualsIsAcceptedWithANoteAndTildeIsNot) {
  auto ok = evaluate_conda_yaml(bianca(),
                                "name: e\nchannels: [conda-forge]\ndependencies:\n  - python==3.12.7\n"
                                "  - numpy==1.26.4\n  - matplotlib\n");
  EXPECT_TRUE(find(ok, "python")->met) << find(ok, "python")->message;
  EXPECT_TRUE(find(ok, "pins")->met);
  EXPECT_NE(find(ok, "pins")->message.find("exactly this version"), std::string::npos);
  auto bad =
      evaluate_conda_yaml(bianca(), "name: e\nchannels: [conda-forge]\ndependencies:\n  - numpy~=1.26\n");
  EXPECT_FALSE(find(bad, "pins")->met);
}

TEST(CondaCheck, ScriptLoadsCondaAndUsesProjectStorage) {
  CondaEnvCheck c = bianca();
  auto good = evaluate_conda_script(
      c,
      "#!/bin/bash\nmodule load conda\nexport CONDA_ENVS_PATH=/proj/sens2025/$USER/envs\nconda env create -f "
      "environment.yml\n");
  ASSERT_EQ(good.size(), 2u);
  for (const auto& r : good) EXPECT_TRUE(r.met) << r.message;
  auto home = evaluate_conda_script(c, "ml conda\nconda create --prefix ~/envs/x python=3.12\n");
  EXPECT_TRUE(find(home, "conda_module")->met) << "ml conda loads it too";
  EXPECT_FALSE(find(home, "project_storage")->met);
  EXPECT_NE(find(home, "project_storage")->message.find("home directory"), std::string::npos);
  auto nowhere = evaluate_conda_script(c, "conda env create -f environment.yml\n");
  EXPECT_FALSE(find(nowhere, "conda_module")->met);
  EXPECT_NE(find(nowhere, "project_storage")->message.find("~/.conda"), std::string::npos);
}

}  // namespace
}  // namespace grader
