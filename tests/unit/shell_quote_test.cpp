// shell_quote (runners/shell_quote.h): every word comes out as one single-quoted shell word that
// a POSIX shell reads back byte for byte. The remote shells really reading them are in the SSH
// and Slurm integration tests.
#include "runners/shell_quote.h"

#include <gtest/gtest.h>

#include <optional>
#include <random>
#include <string>

namespace grader {
namespace {

// What a POSIX shell makes of `quoted` as a word built only from '...' runs and \' escapes,
// the two forms shell_quote writes; nullopt for anything else (which the shell would expand).
std::optional<std::string> shell_reads(const std::string& quoted) {
  std::string word;
  std::size_t i = 0;
  while (i < quoted.size()) {
    if (quoted[i] == '\'') {
      const std::size_t close = quoted.find('\'', i + 1);
      if (close == std::string::npos) return std::nullopt;
      word += quoted.substr(i + 1, close - i - 1);
      i = close + 1;
    } else if (quoted.compare(i, 2, "\\'") == 0) {
      word += '\'';
      i += 2;
    } else {
      return std::nullopt;
    }
  }
  return word;
}

TEST(ShellQuote, WordsAreSingleQuoted) {
  EXPECT_EQ(shell_quote("python3"), "'python3'");
  EXPECT_EQ(shell_quote(""), "''") << "an empty argument stays an argument";
  EXPECT_EQ(shell_quote("a b"), "'a b'");
}

TEST(ShellQuote, SingleQuoteIsClosedEscapedAndReopened) {
  EXPECT_EQ(shell_quote("it's"), "'it'\\''s'");
  EXPECT_EQ(shell_quote("'"), "''\\'''");
}

TEST(ShellQuote, ShellSyntaxPassesThroughInert) {
  const std::string nasty = "$HOME `id` $(reboot) \"x\" \\ ; | & > < * ? ~ # !\n\ttab";
  EXPECT_EQ(shell_quote(nasty), "'" + nasty + "'");
  EXPECT_EQ(shell_reads(shell_quote(nasty)), nasty);
}

TEST(ShellQuote, AnyBytesButNulRoundTrip) {
  std::mt19937 rng(20261201);
  std::uniform_int_distribution<int> byte(1, 255);
  for (int n = 0; n < 500; ++n) {
    std::string word;
    for (int i = n % 40; i > 0; --i) word += static_cast<char>(byte(rng) % 7 == 0 ? '\'' : byte(rng));
    const std::string quoted = shell_quote(word);
    EXPECT_EQ(shell_reads(quoted), word) << quoted;
  }
}

}  // namespace
}  // namespace grader
