// The CLI's argument parser (grader/cli/args.cpp): positionals, `--opt VALUE` and `--opt=VALUE`,
// flags, `--`, unknown options as a UsageError that names the command and suggests a spelling,
// a value option missing its value, repeated options; and use_color with --color and NO_COLOR.
#include "grader/cli/args.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <optional>
#include <string>

#include "grader/util/usage_error.h"

using namespace grader;
using namespace grader::cli;

namespace {

const OptionSpec kSpec = {{"--format", "--out", "--color"}, {"--teacher", "-h", "--help"}};

Args parse(const std::vector<std::string>& argv) {
  return parse_args("grader check", argv, kSpec);
}

// The message of the UsageError parsing `argv` throws; fails the test when it throws none.
std::string usage_error(const std::vector<std::string>& argv) {
  try {
    parse(argv);
  } catch (const UsageError& e) {
    return e.what();
  }
  ADD_FAILURE() << "no UsageError";
  return "";
}

// Sets or unsets NO_COLOR for one test and puts back what was there.
class NoColor {
 public:
  explicit NoColor(const char* value) {
    if (const char* old = std::getenv("NO_COLOR")) old_ = old;
    if (value)
      setenv("NO_COLOR", value, 1);
    else
      unsetenv("NO_COLOR");
  }
  ~NoColor() {
    if (old_)
      setenv("NO_COLOR", old_->c_str(), 1);
    else
      unsetenv("NO_COLOR");
  }

 private:
  std::optional<std::string> old_;
};

}  // namespace

TEST(Args, PositionalsKeepTheirOrder) {
  Args a = parse({"hello", "subs/alice", "extra"});
  EXPECT_EQ(a.positional, (std::vector<std::string>{"hello", "subs/alice", "extra"}));
  EXPECT_TRUE(a.values.empty());
  EXPECT_TRUE(a.flags.empty());
}

TEST(Args, ValueOptionTakesTheNextArgument) {
  Args a = parse({"hello", "--format", "json", "alice"});
  EXPECT_EQ(a.value("--format"), "json");
  EXPECT_EQ(a.positional, (std::vector<std::string>{"hello", "alice"}));
}

TEST(Args, ValueOptionTakesAnInlineValue) {
  Args a = parse({"--format=junit", "hello"});
  EXPECT_EQ(a.value("--format"), "junit");
  EXPECT_EQ(a.positional, (std::vector<std::string>{"hello"}));
}

TEST(Args, InlineValueKeepsEverythingAfterTheFirstEquals) {
  EXPECT_EQ(parse({"--out=a=b"}).value("--out"), "a=b");
}

TEST(Args, InlineValueMayBeEmpty) {
  Args a = parse({"--out="});
  ASSERT_TRUE(a.value("--out").has_value());
  EXPECT_EQ(*a.value("--out"), "");
}

TEST(Args, ValueMayLookLikeAnOption) {
  // The argument after a value option is its value, whatever it looks like.
  Args a = parse({"--out", "--teacher"});
  EXPECT_EQ(a.value("--out"), "--teacher");
  EXPECT_FALSE(a.flag("--teacher"));
}

TEST(Args, AbsentValueIsNullopt) {
  Args a = parse({"hello"});
  EXPECT_EQ(a.value("--format"), std::nullopt);
}

TEST(Args, FlagsAreSetWhereverTheyAre) {
  Args a = parse({"--teacher", "hello", "-h"});
  EXPECT_TRUE(a.flag("--teacher"));
  EXPECT_TRUE(a.flag("-h"));
  EXPECT_FALSE(a.flag("--help"));
  EXPECT_EQ(a.positional, (std::vector<std::string>{"hello"}));
}

TEST(Args, DoubleDashMakesTheRestPositional) {
  Args a = parse({"hello", "--", "--teacher", "--format", "-x"});
  EXPECT_FALSE(a.flag("--teacher"));
  EXPECT_EQ(a.value("--format"), std::nullopt);
  EXPECT_EQ(a.positional, (std::vector<std::string>{"hello", "--teacher", "--format", "-x"}));
}

TEST(Args, LoneDashAndEmptyStringArePositional) {
  Args a = parse({"-", ""});
  EXPECT_EQ(a.positional, (std::vector<std::string>{"-", ""}));
}

TEST(Args, UnknownOptionNamesTheCommandAndSuggestsASpelling) {
  EXPECT_EQ(usage_error({"hello", "--fromat", "json"}),
            "grader check: unknown option '--fromat'; did you mean '--format'? (see grader check --help)");
}

TEST(Args, UnknownOptionWithInlineValueIsNamedWithoutIt) {
  EXPECT_EQ(usage_error({"--teachr=1"}),
            "grader check: unknown option '--teachr'; did you mean '--teacher'? (see grader check --help)");
}

TEST(Args, UnknownOptionFarFromAnyGetsNoSuggestion) {
  std::string msg = usage_error({"--zzzzzzzzzz"});
  EXPECT_EQ(msg, "grader check: unknown option '--zzzzzzzzzz' (see grader check --help)");
}

TEST(Args, UnknownShortOptionIsAnError) {
  std::string msg = usage_error({"-x"});
  EXPECT_EQ(msg.rfind("grader check: unknown option '-x'", 0), 0u) << msg;
}

TEST(Args, TheCommandNameComesFromTheCaller) {
  try {
    parse_args("grader list", {"--bogus"}, {{"--repo"}, {"--help"}});
    FAIL() << "no UsageError";
  } catch (const UsageError& e) {
    EXPECT_EQ(std::string(e.what()).rfind("grader list: unknown option '--bogus'", 0), 0u) << e.what();
  }
}

TEST(Args, ValueOptionAtTheEndWithoutItsValueIsAnError) {
  EXPECT_EQ(usage_error({"hello", "--format"}), "grader check: option '--format' needs a value");
}

TEST(Args, FlagGivenAValueIsAnErrorThatSaysSo) {
  std::string msg = usage_error({"--teacher=yes"});
  EXPECT_EQ(msg, "grader check: option '--teacher' takes no value") << msg;
}

TEST(Args, RepeatedValueOptionKeepsTheLast) {
  Args a = parse({"--format", "json", "--format=text", "--format", "junit"});
  EXPECT_EQ(a.value("--format"), "junit");
  EXPECT_EQ(a.values.size(), 1u);
}

TEST(Args, RepeatedFlagIsSetOnce) {
  Args a = parse({"--teacher", "--teacher"});
  EXPECT_TRUE(a.flag("--teacher"));
  EXPECT_EQ(a.flags.size(), 1u);
}

TEST(UseColor, AlwaysAndNeverWinOverEverything) {
  NoColor set("1");
  EXPECT_TRUE(use_color("always"));
  EXPECT_FALSE(use_color("never"));
}

TEST(UseColor, NoColorSetTurnsAutoOff) {
  NoColor set("1");
  EXPECT_FALSE(use_color(std::nullopt));
  EXPECT_FALSE(use_color("auto"));
}

TEST(UseColor, EmptyNoColorIsIgnored) {
  // no-color.org: only a non-empty NO_COLOR counts. Then auto follows whether stdout is a TTY.
  NoColor set("");
  bool tty = isatty(STDOUT_FILENO) == 1;
  EXPECT_EQ(use_color(std::nullopt), tty);
  EXPECT_EQ(use_color("auto"), tty);
}

TEST(UseColor, AutoFollowsTheTerminalWithoutNoColor) {
  NoColor unset(nullptr);
  EXPECT_EQ(use_color(std::nullopt), isatty(STDOUT_FILENO) == 1);
}

TEST(UseColor, OtherSettingsAreAUsageError) {
  NoColor unset(nullptr);
  try {
    use_color("yes");
    FAIL() << "no UsageError";
  } catch (const UsageError& e) {
    EXPECT_EQ(std::string(e.what()), "--color must be auto, always or never, not 'yes'");
  }
}

TEST(Args, EveryValueOfARepeatedOptionIsKeptInOrder) {
  Args a = parse({"--format", "json", "--out=a", "--format=junit"});
  EXPECT_EQ(a.all_values("--format"), (std::vector<std::string>{"json", "junit"}));
  EXPECT_EQ(a.value("--format"), "junit") << "value() is still the last one";
  EXPECT_EQ(a.all_values("--out"), std::vector<std::string>{"a"});
  EXPECT_TRUE(a.all_values("--color").empty());
}
