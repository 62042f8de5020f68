// Text helpers: line splitting, whitespace, UTF-8 repair, suggestions.
#include "grader/util/text.h"

#include <gtest/gtest.h>

using namespace grader;

TEST(Text, SplitLinesHandlesFinalNewlineAndCrLf) {
  auto lines = split_lines("a\r\nb\nc");
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0], "a");
  EXPECT_EQ(lines[2], "c");
  EXPECT_EQ(split_lines("a\n").size(), 1u);
  EXPECT_TRUE(split_lines("").empty());
}

TEST(Text, NormalizeSpaceCollapsesRuns) {
  EXPECT_EQ(normalize_space("  a \t b  c \n"), "a b c");
}

TEST(Text, SanitizeUtf8EscapesInvalidBytesAndNul) {
  std::string raw("ok \xff\xfe end\0x", 11);
  EXPECT_EQ(sanitize_utf8(raw), "ok \\xFF\\xFE end\\0x");
  EXPECT_TRUE(is_valid_utf8(sanitize_utf8(raw)));
}

TEST(Text, SanitizeUtf8KeepsValidMultibyte) {
  EXPECT_EQ(sanitize_utf8("π ≈ 3.14 ✓ 😀"), "π ≈ 3.14 ✓ 😀");
}

TEST(Text, SanitizeUtf8RejectsOverlongAndSurrogates) {
  EXPECT_FALSE(is_valid_utf8("\xc0\xaf"));      // overlong '/'
  EXPECT_FALSE(is_valid_utf8("\xed\xa0\x80"));  // UTF-16 surrogate
  EXPECT_FALSE(is_valid_utf8("\xe2\x82"));      // truncated sequence
  EXPECT_EQ(sanitize_utf8("\xe2\x82"), "\\xE2\\x82");
}

TEST(Text, TerminalSafeShowsControlCharacters) {
  EXPECT_EQ(terminal_safe("red \x1b[31mX\x1b[0m\rbell\a\ttab\nnext"),
            "red \\x1B[31mX\\x1B[0m\\x0Dbell\\x07\ttab\nnext");
  EXPECT_EQ(terminal_safe("\xff ok"), "\\xFF ok");
}

TEST(Text, ClosestMatchSuggestsTypos) {
  EXPECT_EQ(closest_match("regx", {"regex", "contains", "exact"}), "regex");
  EXPECT_EQ(closest_match("zzzzzz", {"regex", "contains"}), "");
  EXPECT_EQ(closest_match("mian", {"main", "large"}), "main") << "a swap is one edit";
}

TEST(Text, ExcerptCutsAndSaysHowMuch) {
  std::string big(1000, 'x');
  auto e = excerpt(big, 100);
  EXPECT_LT(e.size(), 140u);
  EXPECT_NE(e.find("900 more bytes"), std::string::npos);
  EXPECT_EQ(excerpt("short", 100), "short");
}

TEST(Text, TrimEndTakesTrailingWhitespaceOnly) {
  EXPECT_EQ(trim_end("  error: x \r\n\n"), "  error: x");
  EXPECT_EQ(trim_end("\n\n"), "");
}

TEST(Text, FirstAndLastLine) {
  EXPECT_EQ(first_line("one\r\ntwo\n"), "one");
  EXPECT_EQ(first_line("only"), "only");
  EXPECT_EQ(last_line("warning: a\nerror: b\n\n"), "error: b");
  EXPECT_EQ(last_line("only\n"), "only");
}

TEST(Text, JoinPutsTheSeparatorBetween) {
  EXPECT_EQ(join({"a", "b", "c"}), "a, b, c");
  EXPECT_EQ(join({"a", "", "c"}, ","), "a,,c");
  EXPECT_EQ(join({}), "");
}

TEST(Text, DidYouMeanOnlyForLikelyTypos) {
  EXPECT_EQ(did_you_mean("regx", {"regex", "exact"}), "; did you mean 'regex'?");
  EXPECT_EQ(did_you_mean("zzzzzz", {"regex", "exact"}), "");
}
