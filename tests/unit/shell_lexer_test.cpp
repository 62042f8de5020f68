// The jobscript parser's shell lexer (grader/jobscript/shell_lexer): words with their quotes
// removed, operators, redirections, comments, and lines whose quote is still open.
#include "grader/jobscript/shell_lexer.h"

#include <gtest/gtest.h>

using namespace grader::jobscript::detail;

namespace {

// Each token as TYPE:text, W a word, O an operator, R a redirection.
std::vector<std::string> tokens(std::string_view line) {
  std::vector<Token> out;
  EXPECT_TRUE(lex(line, out)) << line;
  std::vector<std::string> shown;
  for (const Token& t : out)
    shown.push_back(std::string(t.type == TokType::Word ? "W:"
                                : t.type == TokType::Op ? "O:"
                                                        : "R:") +
                    t.text);
  return shown;
}

using Tokens = std::vector<std::string>;

}  // namespace

TEST(ShellLexer, WordsSplitAtBlanks) {
  EXPECT_EQ(tokens("python3  main.py\t10"), (Tokens{"W:python3", "W:main.py", "W:10"}));
  EXPECT_TRUE(tokens("   ").empty());
}

TEST(ShellLexer, QuotesAreRemovedFromTheTextButKeptInTheRaw) {
  std::vector<Token> out;
  ASSERT_TRUE(lex(R"(echo 'a b' "c \"d\" $x" e\ f)", out));
  ASSERT_EQ(out.size(), 4u);
  EXPECT_EQ(out[1].text, "a b");
  EXPECT_EQ(out[1].raw, "'a b'");
  EXPECT_EQ(out[2].text, "c \"d\" $x");
  EXPECT_EQ(out[3].text, "e f");
  EXPECT_EQ(out[3].raw, R"(e\ f)");
}

TEST(ShellLexer, OperatorsSeparateCommands) {
  EXPECT_EQ(tokens("a && b || c; d | e & f"),
            (Tokens{"W:a", "O:&&", "W:b", "O:||", "W:c", "O:;", "W:d", "O:|", "W:e", "O:&", "W:f"}));
  EXPECT_EQ(tokens("(cd x)"), (Tokens{"O:(", "W:cd", "W:x", "O:)"}));
}

TEST(ShellLexer, RedirectionsTakeTheirFdNumber) {
  EXPECT_EQ(tokens("python x.py > out.txt 2>&1"),
            (Tokens{"W:python", "W:x.py", "R:>", "W:out.txt", "R:2>&", "W:1"}));
  EXPECT_EQ(tokens("cat <<-EOF"), (Tokens{"W:cat", "R:<<-", "W:EOF"}));
  EXPECT_EQ(tokens("run &> log"), (Tokens{"W:run", "R:&>", "W:log"}));
}

TEST(ShellLexer, CommandSubstitutionStaysInItsWord) {
  EXPECT_EQ(tokens("cd $(dirname $(pwd)) `date`"), (Tokens{"W:cd", "W:$(dirname $(pwd))", "W:`date`"}));
}

TEST(ShellLexer, AHashOutsideAWordStartsAComment) {
  EXPECT_EQ(tokens("python a.py # runs a#b"), (Tokens{"W:python", "W:a.py"}));
  EXPECT_EQ(tokens("echo a#b"), (Tokens{"W:echo", "W:a#b"}));
}

TEST(ShellLexer, AnOpenQuoteOrSubstitutionAsksForTheNextLine) {
  std::vector<Token> out;
  EXPECT_FALSE(lex("echo 'abc", out));
  EXPECT_FALSE(lex("echo \"abc", out));
  EXPECT_FALSE(lex("x=$(date", out));
  EXPECT_TRUE(lex("echo 'ab\ncd'", out));
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[1].text, "ab\ncd");
}
