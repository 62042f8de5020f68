// JUnit XML (grader/report/junit_report.cpp): well-formed XML whatever the learner printed, one
// <testcase> per check, and tests/failures/errors/skipped counts that agree with the checks, per
// <testsuite> and in total. A small XML reader below checks well-formedness (XML 1.0: tags balanced,
// attributes quoted, only known entities, only characters XML allows) and gives back the tree.
#include <gtest/gtest.h>

#include <cctype>
#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "grader/report/formats.h"
#include "grader/util/text.h"

using namespace grader;

namespace {

struct Element {
  std::string name;
  std::map<std::string, std::string> attrs;
  std::vector<Element> children;
  std::string text;

  std::vector<const Element*> all(const std::string& n) const {
    std::vector<const Element*> out;
    for (const auto& c : children)
      if (c.name == n) out.push_back(&c);
    return out;
  }
};

// A strict reader for the subset of XML the report uses (no DTD, comments, CDATA or PIs besides
// the declaration). Fails with a message on anything that is not well-formed.
class XmlReader {
 public:
  explicit XmlReader(std::string s) : s_(std::move(s)) {}

  Element document() {
    check_chars();
    const std::string decl = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>";
    if (s_.rfind(decl, 0) != 0) fail("no XML declaration");
    i_ = decl.size();
    skip_space();
    Element root = element();
    skip_space();
    if (i_ != s_.size()) fail("content after the root element");
    return root;
  }

 private:
  [[noreturn]] void fail(const std::string& why) {
    throw std::runtime_error("not well-formed at byte " + std::to_string(i_) + ": " + why);
  }

  // Every character must be XML 1.0's Char: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] |
  // [#x10000-#x10FFFF], in valid UTF-8.
  void check_chars() {
    if (!is_valid_utf8(s_)) fail("invalid UTF-8");
    for (std::size_t k = 0; k < s_.size();) {
      unsigned char c = s_[k];
      std::uint32_t cp;
      std::size_t n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
      cp = n == 1 ? c : n == 2 ? c & 0x1F : n == 3 ? c & 0x0F : c & 0x07;
      for (std::size_t m = 1; m < n; ++m) cp = (cp << 6) | (static_cast<unsigned char>(s_[k + m]) & 0x3F);
      bool ok = cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) ||
                (cp >= 0xE000 && cp <= 0xFFFD) || (cp >= 0x10000 && cp <= 0x10FFFF);
      if (!ok) {
        i_ = k;
        fail("character U+" + std::to_string(cp) + " is not allowed in XML");
      }
      k += n;
    }
  }

  void skip_space() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\n' || s_[i_] == '\t' || s_[i_] == '\r')) ++i_;
  }

  std::string name() {
    std::size_t b = i_;
    while (i_ < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[i_])) || s_[i_] == '_' ||
                              s_[i_] == '-' || s_[i_] == '.' || s_[i_] == ':'))
      ++i_;
    if (b == i_) fail("expected a name");
    return s_.substr(b, i_ - b);
  }

  void expect(char c) {
    if (i_ >= s_.size() || s_[i_] != c) fail(std::string("expected '") + c + "'");
    ++i_;
  }

  // Reads text up to `stop` ('<' for content, the quote for attributes), resolving entities.
  std::string chars(char stop) {
    std::string out;
    while (i_ < s_.size() && s_[i_] != stop) {
      char c = s_[i_];
      if (c == '<') fail("raw '<'");
      if (stop == '<' && s_.compare(i_, 3, "]]>") == 0) fail("']]>' in character data");
      if (c == '&') {
        auto semi = s_.find(';', i_);
        if (semi == std::string::npos) fail("unterminated entity");
        std::string e = s_.substr(i_ + 1, semi - i_ - 1);
        static const std::map<std::string, std::string> known = {
            {"amp", "&"}, {"lt", "<"}, {"gt", ">"}, {"quot", "\""}, {"apos", "'"}};
        if (auto it = known.find(e); it != known.end())
          out += it->second;
        else if (e.size() > 1 && e[0] == '#')
          out += "?";  // a character reference; not used by the report
        else
          fail("unknown entity &" + e + ";");
        i_ = semi + 1;
        continue;
      }
      out += c;
      ++i_;
    }
    return out;
  }

  Element element() {
    Element e;
    expect('<');
    e.name = name();
    for (;;) {
      skip_space();
      if (i_ >= s_.size()) fail("unterminated start tag");
      if (s_[i_] == '/') {
        ++i_;
        expect('>');
        return e;
      }
      if (s_[i_] == '>') {
        ++i_;
        break;
      }
      std::string a = name();
      expect('=');
      if (i_ >= s_.size() || (s_[i_] != '"' && s_[i_] != '\'')) fail("unquoted attribute");
      char q = s_[i_++];
      std::string v = chars(q);
      expect(q);
      if (!e.attrs.emplace(a, v).second) fail("repeated attribute " + a);
    }
    for (;;) {
      e.text += chars('<');
      if (i_ >= s_.size()) fail("unclosed <" + e.name + ">");
      if (s_.compare(i_, 2, "</") == 0) {
        i_ += 2;
        if (name() != e.name) fail("mismatched end tag for <" + e.name + ">");
        skip_space();
        expect('>');
        return e;
      }
      e.children.push_back(element());
    }
  }

  std::string s_;
  std::size_t i_ = 0;
};

Element parse(const std::string& xml) {
  return XmlReader(xml).document();
}

CheckResult check(std::string id, CheckStatus status, std::string message = "") {
  CheckResult c;
  c.title = id + " title";
  c.id = std::move(id);
  c.status = status;
  c.max_points = 1;
  c.points = status == CheckStatus::Passed ? 1 : 0;
  c.message = message.empty() ? c.id + " message" : std::move(message);
  c.detail = "DETAIL";
  return c;
}

Report report(std::string submission, std::vector<CheckResult> checks) {
  Report r;
  r.exercise = "hello";
  r.submission = std::move(submission);
  r.checks = std::move(checks);
  return r;
}

Report mixed() {
  return report("alice", {check("a", CheckStatus::Passed), check("b", CheckStatus::Passed),
                          check("c", CheckStatus::Failed), check("d", CheckStatus::Error),
                          check("e", CheckStatus::Skipped)});
}

}  // namespace

TEST(JunitReport, TheReaderRejectsWhatIsNotWellFormed) {
  // The reader itself must catch the mistakes the tests below look for.
  const std::string d = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  EXPECT_NO_THROW(parse(d + "<a x=\"1\"><b/>t &amp; u</a>\n"));
  EXPECT_THROW(parse(d + "<a>x < y</a>"), std::runtime_error);
  EXPECT_THROW(parse(d + "<a>x & y</a>"), std::runtime_error);
  EXPECT_THROW(parse(d + "<a x=\"\"\"></a>"), std::runtime_error);
  EXPECT_THROW(parse(d + "<a><b></a></b>"), std::runtime_error);
  EXPECT_THROW(parse(d + "<a>]]></a>"), std::runtime_error);
  EXPECT_THROW(parse(d + "<a>\x1b</a>"), std::runtime_error);
  EXPECT_THROW(parse(d + "<a>\xff</a>"), std::runtime_error);
  EXPECT_THROW(parse(d + "<a>\xEF\xBF\xBF</a>"), std::runtime_error);  // U+FFFF
}

TEST(JunitReport, OutputIsWellFormedXmlWithTestsuitesRoot) {
  std::string xml = render_junit({mixed()}, "hello");
  Element root = parse(xml);
  EXPECT_EQ(root.name, "testsuites");
  EXPECT_EQ(root.attrs["name"], "hello");
  ASSERT_EQ(root.all("testsuite").size(), 1u);
}

TEST(JunitReport, OneTestcasePerCheckNamedByItsId) {
  Element root = parse(render_junit({mixed()}, "hello"));
  const Element* suite = root.all("testsuite")[0];
  EXPECT_EQ(suite->attrs.at("name"), "hello.alice");
  auto cases = suite->all("testcase");
  ASSERT_EQ(cases.size(), 5u);
  const char* ids[] = {"a", "b", "c", "d", "e"};
  for (std::size_t i = 0; i < cases.size(); ++i) {
    EXPECT_EQ(cases[i]->attrs.at("name"), ids[i]);
    EXPECT_EQ(cases[i]->attrs.at("classname"), "hello.alice");
  }
}

TEST(JunitReport, SuiteCountsAgreeWithTheChecks) {
  Element root = parse(render_junit({mixed()}, "hello"));
  const Element* suite = root.all("testsuite")[0];
  EXPECT_EQ(suite->attrs.at("tests"), "5");
  EXPECT_EQ(suite->attrs.at("failures"), "1");
  EXPECT_EQ(suite->attrs.at("errors"), "1");
  EXPECT_EQ(suite->attrs.at("skipped"), "1");
}

TEST(JunitReport, EachVerdictHasItsElement) {
  Element root = parse(render_junit({mixed()}, "hello"));
  auto cases = root.all("testsuite")[0]->all("testcase");
  ASSERT_EQ(cases.size(), 5u);
  EXPECT_TRUE(cases[0]->children.empty());  // passed
  EXPECT_TRUE(cases[1]->children.empty());
  ASSERT_EQ(cases[2]->all("failure").size(), 1u);
  EXPECT_EQ(cases[2]->all("failure")[0]->attrs.at("message"), "c message");
  EXPECT_EQ(cases[2]->all("failure")[0]->text, "c message");
  ASSERT_EQ(cases[3]->all("error").size(), 1u);
  EXPECT_EQ(cases[3]->all("error")[0]->attrs.at("message"), "d message");
  ASSERT_EQ(cases[4]->all("skipped").size(), 1u);
  EXPECT_EQ(cases[4]->all("skipped")[0]->attrs.at("message"), "e message");
}

TEST(JunitReport, TotalsAddUpOverReports) {
  Report bob = report("bob", {check("a", CheckStatus::Failed), check("b", CheckStatus::Failed)});
  Element root = parse(render_junit({mixed(), bob}, "class"));
  EXPECT_EQ(root.attrs["tests"], "7");
  EXPECT_EQ(root.attrs["failures"], "3");
  EXPECT_EQ(root.attrs["errors"], "1");
  EXPECT_EQ(root.attrs["skipped"], "1");
  auto suites = root.all("testsuite");
  ASSERT_EQ(suites.size(), 2u);
  EXPECT_EQ(suites[1]->attrs.at("name"), "hello.bob");
  EXPECT_EQ(suites[1]->attrs.at("tests"), "2");
  EXPECT_EQ(suites[1]->attrs.at("failures"), "2");
  EXPECT_EQ(suites[1]->all("testcase").size(), 2u);
}

TEST(JunitReport, NoReportsGiveAnEmptyWellFormedDocument) {
  Element root = parse(render_junit({}, "empty"));
  EXPECT_EQ(root.attrs["tests"], "0");
  EXPECT_EQ(root.attrs["failures"], "0");
  EXPECT_TRUE(root.children.empty());
}

TEST(JunitReport, SetupFailureIsOneMoreErroredTestcase) {
  Report r = report("carol", {check("a", CheckStatus::Skipped)});
  r.runner_error = "sandbox could not be set up";
  Element root = parse(render_junit({r}, "hello"));
  const Element* suite = root.all("testsuite")[0];
  EXPECT_EQ(suite->attrs.at("tests"), "2");
  EXPECT_EQ(suite->attrs.at("errors"), "1");
  EXPECT_EQ(suite->attrs.at("skipped"), "1");
  auto cases = suite->all("testcase");
  ASSERT_EQ(cases.size(), 2u);
  EXPECT_EQ(cases[1]->attrs.at("name"), "setup");
  ASSERT_EQ(cases[1]->all("error").size(), 1u);
  EXPECT_EQ(cases[1]->all("error")[0]->attrs.at("message"), "sandbox could not be set up");
}

TEST(JunitReport, RefusedSubmissionIsASetupError) {
  Report r = report("dave", {});
  r.submission_error = "link.py points out of the submission";
  Element root = parse(render_junit({r}, "hello"));
  auto cases = root.all("testsuite")[0]->all("testcase");
  ASSERT_EQ(cases.size(), 1u);
  EXPECT_EQ(cases[0]->all("error")[0]->text, "link.py points out of the submission");
  EXPECT_EQ(root.attrs["errors"], "1");
}

TEST(JunitReport, XmlSpecialCharactersAreEscaped) {
  const std::string nasty = "<b>\"x\" & 'y'</b> ]]>";
  Report r = report("eve&<\"'>", {check("id<&>\"'", CheckStatus::Failed, nasty)});
  std::string xml = render_junit({r}, "a\"&<b>");
  EXPECT_EQ(xml.find("<b>"), std::string::npos);
  Element root = parse(xml);
  EXPECT_EQ(root.attrs["name"], "a\"&<b>");
  const Element* suite = root.all("testsuite")[0];
  EXPECT_EQ(suite->attrs.at("name"), "hello.eve&<\"'>");
  const Element* tc = suite->all("testcase")[0];
  EXPECT_EQ(tc->attrs.at("name"), "id<&>\"'");
  EXPECT_EQ(tc->all("failure")[0]->attrs.at("message"), nasty);
  EXPECT_EQ(tc->all("failure")[0]->text, nasty);
}

TEST(JunitReport, InvalidUtf8IsEscapedAsHexBytes) {
  Report r = report("frank", {check("a", CheckStatus::Failed, std::string("got \xff\xfe\0 end", 11))});
  Element root = parse(render_junit({r}, "hello"));  // parse() checks the whole text is UTF-8
  EXPECT_EQ(root.all("testsuite")[0]->all("testcase")[0]->all("failure")[0]->text, "got \\xFF\\xFE\\0 end");
}

TEST(JunitReport, ControlCharactersXmlCannotCarryBecomeReplacementCharacters) {
  Report r = report("gina", {check("a", CheckStatus::Error, "esc\x1b[31m bell\a tab\tok")});
  Element root = parse(render_junit({r}, "hello"));
  EXPECT_EQ(root.all("testsuite")[0]->all("testcase")[0]->all("error")[0]->text,
            "esc\xEF\xBF\xBD[31m bell\xEF\xBF\xBD tab\tok");
}

TEST(JunitReport, DetailIsNotWritten) {
  std::string xml = render_junit({mixed()}, "hello");
  EXPECT_EQ(xml.find("DETAIL"), std::string::npos);
}

TEST(JunitReport, NoncharactersXmlCannotCarryBecomeReplacementCharacters) {
  // U+FFFE and U+FFFF are valid UTF-8 but not XML characters: a learner printing one must not
  // make the CI's JUnit file unreadable.
  Report r = report("hal", {check("a", CheckStatus::Failed, "x\xEF\xBF\xBEy\xEF\xBF\xBFz")});
  Element root = parse(render_junit({r}, "hello"));
  EXPECT_EQ(root.all("testsuite")[0]->all("testcase")[0]->all("failure")[0]->text,
            "x\xEF\xBF\xBDy\xEF\xBF\xBDz");
}

TEST(JunitReport, TheHintIsInTheFailureBodyWhereGitLabShowsIt) {
  Report r = mixed();
  r.checks[2].hint = "print <42>";
  r.checks[3].hint = "install numpy";
  r.checks[0].hint = "never shown for a pass";
  std::string xml = render_junit({r}, "hello");
  Element root = parse(xml);
  auto cases = root.all("testsuite")[0]->all("testcase");
  EXPECT_EQ(cases[2]->all("failure")[0]->text, "c message\nhint: print <42>");
  EXPECT_EQ(cases[2]->all("failure")[0]->attrs.at("message"), "c message");
  EXPECT_EQ(cases[3]->all("error")[0]->text, "d message\nhint: install numpy");
  EXPECT_EQ(xml.find("never shown"), std::string::npos);
}

TEST(JunitReport, ASkippedChecksReasonIsInItsBody) {
  Element root = parse(render_junit({mixed()}, "hello"));
  auto cases = root.all("testsuite")[0]->all("testcase");
  EXPECT_EQ(cases[4]->all("skipped")[0]->text, "e message");
}
