// html_escape and url_path_segment (grader/report/html_escape.cpp): what a learner wrote renders
// as text, in element text and attributes alike, and a file name stays one path segment in an href.
#include "grader/report/html_escape.h"

#include <gtest/gtest.h>

using namespace grader;

TEST(HtmlEscape, MarkupBecomesText) {
  EXPECT_EQ(html_escape("<script>alert(1)</script>"), "&lt;script&gt;alert(1)&lt;/script&gt;");
  EXPECT_EQ(html_escape("a & b"), "a &amp; b");
  EXPECT_EQ(html_escape("&lt;"), "&amp;lt;") << "an entity in the input is shown, not decoded";
}

TEST(HtmlEscape, QuotesCannotCloseAnAttribute) {
  EXPECT_EQ(html_escape("x\" onmouseover=\"y"), "x&quot; onmouseover=&quot;y");
  EXPECT_EQ(html_escape("x' onclick='y"), "x&#39; onclick=&#39;y");
}

TEST(HtmlEscape, InvalidUtf8IsShownAsHexAndValidTextIsKept) {
  EXPECT_EQ(html_escape(std::string("bad\xff", 4)), "bad\\xFF");
  EXPECT_EQ(html_escape("ünï ✓"), "ünï ✓");
  EXPECT_EQ(html_escape(std::string("a\0b", 3)), "a\\0b");
}

TEST(UrlPathSegment, PlainFileNamesAreKept) {
  EXPECT_EQ(url_path_segment("alice.html"), "alice.html");
  EXPECT_EQ(url_path_segment("a_b~1f0c2e9a.json"), "a_b~1f0c2e9a.json");
}

TEST(UrlPathSegment, EverythingElseIsPercentEncoded) {
  EXPECT_EQ(url_path_segment("a b#c?d/e"), "a%20b%23c%3Fd%2Fe");
  EXPECT_EQ(url_path_segment("javascript:alert(1)"), "javascript%3Aalert%281%29")
      << "no scheme can start the link";
  EXPECT_EQ(url_path_segment("ü"), "%C3%BC");
  EXPECT_EQ(url_path_segment("\"'<>"), "%22%27%3C%3E");
}

TEST(UrlPathSegment, DotSegmentsCannotClimb) {
  EXPECT_EQ(url_path_segment(".."), "%2E%2E");
  EXPECT_EQ(url_path_segment("."), "%2E");
  EXPECT_EQ(url_path_segment("..x"), "..x") << "only a whole dot segment means a directory";
}
