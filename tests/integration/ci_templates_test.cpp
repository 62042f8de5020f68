// The exercise-repository CI templates (ci/templates/), read as YAML (yaml-cpp) the way each CI
// reads them: both run the same commands on Debian 12, those docs/ci.md documents, with the build
// and install of the README; each publishes report.xml where its CI shows JUnit, even when
// validation fails. Then the parts that can run here do: `ci/setup --grader`, and the templates'
// validate line with this build's grader on an exercise repository without a cluster.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/cli_runner.h"

using namespace grader::testing;
namespace fs = std::filesystem;

namespace {

const fs::path kRepo = GRADER_SOURCE_DIR;
const std::string kValidate = "grader validate --junit report.xml --color never";

YAML::Node load(const std::string& name) {
  return YAML::LoadFile((kRepo / "ci" / "templates" / name).string());
}

// GitLab's job `validate`: its script, one command per item.
std::vector<std::string> gitlab_script() {
  return load("gitlab-ci.yml")["validate"]["script"].as<std::vector<std::string>>();
}

YAML::Node github_steps() {
  return load("github-actions.yml")["jobs"]["validate"]["steps"];
}

// GitHub's job: the lines of every `run`, in order.
std::vector<std::string> github_commands() {
  std::vector<std::string> out;
  for (const auto& step : github_steps()) {
    if (!step["run"]) continue;
    std::istringstream lines(step["run"].as<std::string>());
    for (std::string line; std::getline(lines, line);)
      if (!line.empty()) out.push_back(line);
  }
  return out;
}

YAML::Node github_step_using(const std::string& action) {
  for (const auto& step : github_steps())
    if (step["uses"] && step["uses"].as<std::string>().rfind(action + "@", 0) == 0) return step;
  ADD_FAILURE() << "no step uses " << action;
  return YAML::Node();
}

bool contains(const std::string& text, const std::string& needle) {
  return text.find(needle) != std::string::npos;
}

}  // namespace

TEST(CiTemplates, BothRunTheSameCommandsOnDebian12) {
  EXPECT_EQ(load("gitlab-ci.yml")["validate"]["image"].as<std::string>(), "debian:12");
  EXPECT_EQ(load("github-actions.yml")["jobs"]["validate"]["container"].as<std::string>(), "debian:12");
  std::vector<std::string> gitlab = gitlab_script();
  // GitLab keeps its shell's directory between items; GitHub's steps each start in the checkout.
  gitlab.erase(std::remove(gitlab.begin(), gitlab.end(), "cd \"$CI_PROJECT_DIR\""), gitlab.end());
  EXPECT_EQ(gitlab, github_commands());
  EXPECT_EQ(gitlab.back(), kValidate);
}

TEST(CiTemplates, EveryCommandIsTheOneDocsCiDocuments) {
  std::string doc = slurp(kRepo / "docs" / "ci.md");
  for (const auto& command : gitlab_script())
    EXPECT_TRUE(contains(doc, "    " + command + "\n") || command == "cd \"$CI_PROJECT_DIR\"")
        << "docs/ci.md does not show: " << command;
}

TEST(CiTemplates, TheBuildAndInstallAreTheReadmes) {
  std::string readme = slurp(kRepo / "README.md");
  std::vector<std::string> script = gitlab_script();
  for (const std::string command :
       {"cmake -B build -DBUILD_TESTING=OFF", "cmake --build build -j2 --target grader",
        "cmake --install build --prefix"}) {
    EXPECT_TRUE(contains(readme, command)) << "the README no longer documents: " << command;
    bool run =
        std::any_of(script.begin(), script.end(), [&](const auto& c) { return c.rfind(command, 0) == 0; });
    EXPECT_TRUE(run) << "the templates do not run: " << command;
  }
}

TEST(CiTemplates, GitlabPublishesTheReportAsItsJunitReportAlways) {
  YAML::Node artifacts = load("gitlab-ci.yml")["validate"]["artifacts"];
  EXPECT_EQ(artifacts["reports"]["junit"].as<std::string>(), "report.xml");
  EXPECT_EQ(artifacts["when"].as<std::string>(), "always");
}

TEST(CiTemplates, GithubKeepsTheReportAndShowsItAlways) {
  YAML::Node upload = github_step_using("actions/upload-artifact");
  ASSERT_TRUE(upload);
  EXPECT_EQ(upload["if"].as<std::string>(), "always()");
  EXPECT_EQ(upload["with"]["path"].as<std::string>(), "report.xml");
  YAML::Node show = github_step_using("mikepenz/action-junit-report");
  ASSERT_TRUE(show);
  EXPECT_EQ(show["if"].as<std::string>(), "always()");
  EXPECT_EQ(show["with"]["report_paths"].as<std::string>(), "report.xml");
  YAML::Node permissions = load("github-actions.yml")["permissions"];
  EXPECT_EQ(permissions["checks"].as<std::string>(), "write") << "the action publishes a check run";
}

TEST(CiTemplates, CiSetupForTheGraderAloneKnowsItsPackages) {
  // ci/test ran ci/setup first, so the grader's packages are all here: nothing is installed.
  int rc = std::system((kRepo / "ci" / "setup").string().append(" --grader > /dev/null").c_str());
  EXPECT_EQ(rc, 0);
  rc = std::system((kRepo / "ci" / "setup").string().append(" --gradr 2> /dev/null").c_str());
  EXPECT_EQ(WEXITSTATUS(rc), 2) << "an unknown option is refused before anything is installed";
}

TEST(CiTemplates, TheValidateLineRunsAsDocumentedWithoutACluster) {
  // An exercise repository of two exercises, one with a Slurm job: what a CI runner validates.
  ScratchDir repo;
  fs::create_directories(repo.path / "rubrics");
  fs::create_directories(repo.path / "exercises");
  for (const char* id : {"python-script", "batch-script"}) {
    fs::copy_file(kRepo / "rubrics" / (std::string(id) + ".toml"),
                  repo.path / "rubrics" / (std::string(id) + ".toml"));
    fs::copy(kRepo / "exercises" / id, repo.path / "exercises" / id, fs::copy_options::recursive);
  }
  std::istringstream words(kValidate);
  std::vector<std::string> args;
  for (std::string w; words >> w;) args.push_back(w);
  ASSERT_EQ(args.front(), "grader");
  args.erase(args.begin());
  auto r = run_grader(args, repo.path);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  std::string xml = slurp(repo.path / "report.xml");
  EXPECT_TRUE(contains(xml, "<testsuites name=\"grader validate\"")) << xml;
  EXPECT_TRUE(contains(xml, "failures=\"0\" errors=\"0\"")) << xml;
  EXPECT_TRUE(contains(r.out, "not run here")) << r.out;
}
