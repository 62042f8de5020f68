// The #SBATCH part (grader/jobscript/directives): the words of a directive line split as sbatch
// splits them, and each line's options read as getopt_long reads them.
#include "grader/jobscript/directives.h"

#include <gtest/gtest.h>

#include "grader/jobscript/options.h"

using namespace grader::jobscript;
using namespace grader::jobscript::detail;

using Words = std::vector<std::string>;

TEST(DirectiveWords, QuotesBackslashesAndComments) {
  EXPECT_EQ(directive_words(" -A  proj -t 10:00"), (Words{"-A", "proj", "-t", "10:00"}));
  EXPECT_EQ(directive_words(R"( -J "my job" --comment='a b')"), (Words{"-J", "my job", "--comment=a b"}));
  EXPECT_EQ(directive_words(R"( -J a\"b)"), (Words{"-J", "a\"b"}));
  EXPECT_EQ(directive_words(" -n 2 # two tasks"), (Words{"-n", "2"}));
  EXPECT_EQ(directive_words(" -J 'a # b'"), (Words{"-J", "a # b"}));
  EXPECT_TRUE(directive_words("   ").empty());
}

TEST(DirectiveLine, ShortLongAndAbbreviatedOptions) {
  std::vector<Directive> out;
  std::vector<Issue> issues;
  parse_directive_line(3, "#SBATCH -n2 -HQ --accou=p --time 5", " -n2 -HQ --accou=p --time 5", out, issues);
  EXPECT_TRUE(issues.empty());
  ASSERT_EQ(out.size(), 5u);
  EXPECT_EQ(out[0].option, "ntasks");
  EXPECT_EQ(out[0].value, "2");
  EXPECT_EQ(out[1].option, "hold");
  EXPECT_EQ(out[2].option, "quiet");
  EXPECT_EQ(out[3].option, "account");
  EXPECT_EQ(out[3].written, "--accou");
  EXPECT_EQ(out[4].option, "time");
  EXPECT_EQ(out[4].value, "5");
  EXPECT_EQ(out[4].line, 3);
}

TEST(DirectiveLine, ProblemsAreErrorsOfTheirKind) {
  auto kind_of = [](std::string_view rest) {
    std::vector<Directive> out;
    std::vector<Issue> issues;
    parse_directive_line(1, "#SBATCH" + std::string(rest), rest, out, issues);
    EXPECT_EQ(issues.size(), 1u) << rest;
    return issues.empty() ? Issue::Kind::BadValue : issues[0].kind;
  };
  EXPECT_EQ(kind_of(" --nosuch=1"), Issue::Kind::UnknownOption);
  EXPECT_EQ(kind_of(" -y"), Issue::Kind::UnknownOption);
  EXPECT_EQ(kind_of(" --mem"), Issue::Kind::MissingValue);
  EXPECT_EQ(kind_of(" -A"), Issue::Kind::MissingValue);
  EXPECT_EQ(kind_of(" --gpus-per"), Issue::Kind::AmbiguousOption);
  EXPECT_EQ(kind_of(" --hold=1"), Issue::Kind::BadValue);
  EXPECT_EQ(kind_of(" account"), Issue::Kind::StrayArgument);
}

TEST(Directives, TheFirstCommandEndsThem) {
  JobScript js;
  std::vector<std::string> lines = {"#!/bin/bash", "#SBATCH -A p", "# SBATCH -n 2", "",
                                    "echo hi",     "#SBATCH -t 5"};
  read_shebang(lines, js);
  read_directives(lines, js);
  EXPECT_EQ(js.shebang, "#!/bin/bash");
  ASSERT_EQ(js.directives.size(), 1u);
  EXPECT_EQ(js.directives[0].option, "account");
  ASSERT_EQ(js.ignored.size(), 1u);
  EXPECT_EQ(js.ignored[0].option, "time");
  EXPECT_EQ(js.first_command_line, 5);
  ASSERT_EQ(js.issues.size(), 2u);
  EXPECT_EQ(js.issues[0].kind, Issue::Kind::NotADirective);
  EXPECT_EQ(js.issues[1].kind, Issue::Kind::IgnoredDirective);
}

TEST(Options, TableLookups) {
  ASSERT_NE(find_long("account"), nullptr);
  EXPECT_EQ(find_long("account")->short_name, 'A');
  EXPECT_EQ(find_long("acc"), nullptr) << "abbreviations are not names";
  EXPECT_EQ(options_starting_with("acc").size(), 2u) << "account, acctg-freq";
  EXPECT_EQ(std::string(find_short('t')->name), "time");
  EXPECT_EQ(long_option('G'), "gpus");
  EXPECT_EQ(long_option('y'), "");
  EXPECT_TRUE(known_option("gres"));
  EXPECT_FALSE(known_option("gre"));
}
