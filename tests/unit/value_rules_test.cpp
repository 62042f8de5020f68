// The rubric's rules for single values (grader/rubric/value_rules): ids, suggestions, workspace
// paths, durations, sizes and regexes, each broken rule a RubricError at the value.
#include "grader/rubric/value_rules.h"

#include <gtest/gtest.h>

#include "grader/rubric/loader.h"

using namespace grader;
using namespace grader::rubric_loader;

namespace {

// The what() of the error `read` throws on the table of `text` (named "in run 'main'"): a
// RubricError for the rubric's own rules, a TomlError for a value of the wrong type (the loader
// turns those into RubricErrors at its boundary).
template <typename Read>
std::string error_of(const std::string& text, Read read) {
  try {
    TomlDocument doc = TomlDocument::parse(text, "r.toml");
    read(doc.root("in run 'main'"));
  } catch (const RubricError& e) {
    return e.what();
  } catch (const TomlError& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST(ValueRules, Ids) {
  EXPECT_TRUE(valid_id("sum-small_2"));
  EXPECT_TRUE(valid_id("2d"));
  EXPECT_FALSE(valid_id(""));
  EXPECT_FALSE(valid_id("-x"));
  EXPECT_FALSE(valid_id("Main"));
  EXPECT_FALSE(valid_id("a b"));
}

TEST(ValueRules, SuggestionGuessesOrLists) {
  EXPECT_EQ(suggestion("mian", {"main", "large"}, "the runs are: "), "; did you mean 'main'?");
  EXPECT_EQ(suggestion("zzzzzz", {"main", "large"}, "the runs are: "), "; the runs are: main, large");
  EXPECT_EQ(suggestion("zzzzzz", {}, "the runs are: "), "");
}

TEST(ValueRules, WorkspacePathsStayInside) {
  auto path_error = [](const std::string& path) {
    return error_of("x = 1\n", [&](const TomlTable& t) {
      checked_path(t, "collect", path, {"r.toml", 1, 5});
    });
  };
  EXPECT_EQ(path_error("out/a.txt"), "(no error)");
  EXPECT_EQ(path_error("a..b/c"), "(no error)") << "'..' only as a whole component";
  EXPECT_EQ(path_error(""), "r.toml:1:5: empty path for 'collect' in run 'main'");
  EXPECT_EQ(
      path_error("/etc/passwd"),
      "r.toml:1:5: path '/etc/passwd' for 'collect' in run 'main' must be relative to the workspace, not "
      "absolute");
  EXPECT_EQ(
      path_error("a/../../b"),
      "r.toml:1:5: path 'a/../../b' for 'collect' in run 'main' must stay inside the workspace; '..' is "
      "not allowed");
}

TEST(ValueRules, DurationsSizesAndNumbers) {
  TomlDocument doc = TomlDocument::parse("t = \"1.5m\"\nm = \"512K\"\nn = -2\n", "r.toml");
  TomlTable t = doc.root("in run 'main'");
  EXPECT_EQ(get_duration(t, "t"), 90.0);
  EXPECT_EQ(get_size(t, "m"), 512u * 1024);
  EXPECT_EQ(get_number(t, "n", false), -2.0);
  EXPECT_EQ(get_duration(t, "none"), std::nullopt);
  EXPECT_EQ(error_of("t = \"10 parsecs\"\n", [](const TomlTable& t) { get_duration(t, "t"); }),
            "r.toml:1:5: invalid duration '10 parsecs' for 't' in run 'main'; use e.g. \"500ms\", \"10s\", "
            "\"1.5m\"");
  EXPECT_EQ(error_of("t = 10\n", [](const TomlTable& t) { get_duration(t, "t"); }),
            "r.toml:1:5: key 't' in run 'main' must be a string like \"10s\", not an integer");
  EXPECT_EQ(error_of("m = \"lots\"\n", [](const TomlTable& t) { get_size(t, "m"); }),
            "r.toml:1:5: invalid size 'lots' for 'm' in run 'main'; use e.g. \"512K\", \"512M\", \"1.5G\"");
  EXPECT_EQ(error_of("n = -2\n", [](const TomlTable& t) { get_number(t, "n", true); }),
            "r.toml:1:5: key 'n' in run 'main' must be 0 or more, not -2");
  EXPECT_EQ(error_of("n = inf\n", [](const TomlTable& t) { get_number(t, "n", false); }),
            "r.toml:1:5: key 'n' in run 'main' must be a finite number");
  EXPECT_EQ(error_of("s = \"a\\nb\"\n", [](const TomlTable& t) { get_line(t, "s"); }),
            "r.toml:1:5: key 's' in run 'main' must be one line");
}

TEST(ValueRules, TableArraysArePresentAndNotEmpty) {
  auto runs = [](const TomlTable& t) { get_table_array(t, "run", {"r.toml", 1, 1}); };
  EXPECT_EQ(error_of("x = 1\n", runs), "r.toml:1:1: rubric has no [[run]]; add at least one");
  EXPECT_EQ(error_of("x = 1\nrun = []\n", runs), "r.toml:2:7: rubric has no [[run]]; add at least one");
  EXPECT_EQ(error_of("run = 1\n", runs),
            "r.toml:1:7: key 'run' in run 'main' must be an array of tables written [[run]], not an integer");
}

TEST(ValueRules, Regexes) {
  auto regex = [](const std::string& pattern, bool group) {
    return error_of("x = 1\n", [&](const TomlTable& t) {
      compile_regex(pattern, "regex", t, {"r.toml", 1, 5}, group);
    });
  };
  EXPECT_EQ(regex("pi = ([0-9.]+)", true), "(no error)");
  EXPECT_EQ(regex("(a", false), "r.toml:1:5: invalid regex for 'regex' in run 'main': missing ): (a");
  EXPECT_EQ(
      regex("pi = [0-9.]+", true),
      "r.toml:1:5: regex in 'number' in run 'main' has no capturing group; put ( ) around the number, e.g. "
      "'pi = ([-0-9.eE+]+)'");
}
