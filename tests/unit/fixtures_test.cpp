// Fixtures' expected.toml (grader/repo/fixtures): what a fixture declares is read, and every
// mistake in it is a RubricError naming file:line:col.
#include "grader/repo/fixtures.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "grader/rubric/loader.h"

namespace fs = std::filesystem;
using namespace grader;

namespace {

class FixturesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "fixtures_test_XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr) << std::strerror(errno);
    exercise_ = tmpl;
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(exercise_, ec);
  }

  // fixtures/NAME/expected.toml with `text`; without text, the directory alone.
  fs::path fixture(const std::string& name, const std::optional<std::string>& text) {
    fs::path dir = exercise_ / "fixtures" / name;
    fs::create_directories(dir);
    if (text) std::ofstream(dir / kFixtureExpectFile) << *text;
    return dir / kFixtureExpectFile;
  }

  // The what() of the error loading causes, with the exercise directory shortened to "EX".
  std::string error() {
    try {
      load_fixtures(exercise_);
    } catch (const RubricError& e) {
      std::string what = e.what();
      std::string dir = exercise_.string();
      if (what.rfind(dir, 0) == 0) what = "EX" + what.substr(dir.size());
      return what;
    }
    return "(loaded without error)";
  }

  fs::path exercise_;
};

}  // namespace

TEST_F(FixturesTest, NoFixturesDirectoryIsNoFixtures) {
  EXPECT_TRUE(load_fixtures(exercise_).empty());
}

TEST_F(FixturesTest, ReadsDescriptionScoreAndCheckStatusesSortedByName) {
  fixture("wrong-sum", "description = \"sums 1..N\"\nscore = 3\n[checks]\nsum-small = \"failed\"\n");
  fixture("crash", "score = 0.5\n");
  std::vector<Fixture> fixtures = load_fixtures(exercise_);
  ASSERT_EQ(fixtures.size(), 2u);
  EXPECT_EQ(fixtures[0].name, "crash");
  EXPECT_DOUBLE_EQ(fixtures[0].score, 0.5);
  EXPECT_TRUE(fixtures[0].description.empty());
  EXPECT_EQ(fixtures[1].name, "wrong-sum");
  EXPECT_EQ(fixtures[1].dir, exercise_ / "fixtures" / "wrong-sum");
  EXPECT_EQ(fixtures[1].description, "sums 1..N");
  EXPECT_DOUBLE_EQ(fixtures[1].score, 3);
  EXPECT_EQ(fixtures[1].check_status, (std::map<std::string, std::string>{{"sum-small", "failed"}}));
}

TEST_F(FixturesTest, MissingExpectedFileIsAnError) {
  fixture("crash", std::nullopt);
  EXPECT_EQ(
      error(),
      "EX/fixtures/crash/expected.toml:0:0: fixture 'crash' has no expected.toml declaring its expected "
      "score");
}

TEST_F(FixturesTest, MissingScoreIsAnError) {
  fixture("crash", "description = \"x\"\n");
  EXPECT_EQ(error(),
            "EX/fixtures/crash/expected.toml:1:1: missing 'score = N', the score this fixture must get");
}

TEST_F(FixturesTest, UnexpectedKeyOrTypeIsAnErrorAtTheValue) {
  fixture("crash", "score = 1\nscroe = 2\n");
  EXPECT_EQ(error(),
            "EX/fixtures/crash/expected.toml:2:9: unexpected key 'scroe'; expected.toml takes description "
            "(string), score (number) and [checks] (id = status)");
  fixture("crash", "score = \"1\"\n");
  EXPECT_EQ(error(),
            "EX/fixtures/crash/expected.toml:1:9: unexpected key 'score'; expected.toml takes description "
            "(string), score (number) and [checks] (id = status)");
}

TEST_F(FixturesTest, UnknownCheckStatusIsAnError) {
  fixture("crash", "score = 1\n[checks]\nsum = \"fail\"\n");
  EXPECT_EQ(
      error(),
      "EX/fixtures/crash/expected.toml:3:7: check status for 'sum' must be one of passed, failed, skipped, "
      "error");
}

TEST_F(FixturesTest, SyntaxErrorNamesItsLine) {
  fixture("crash", "score = 1\nx = [\n");
  std::string e = error();
  EXPECT_EQ(e.rfind("EX/fixtures/crash/expected.toml:", 0), 0u) << e;
  EXPECT_EQ(e.find("expected.toml:1:"), std::string::npos) << e;
}

TEST_F(FixturesTest, ErrorsComeInTheOrderOfTheFile) {
  fixture("crash", "zzz = 1\naaa = 2\nscore = 1\n");
  EXPECT_NE(error().find(":1:7: unexpected key 'zzz'"), std::string::npos) << error();
}
