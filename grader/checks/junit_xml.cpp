// The JUnit XML reader; see junit_xml.h. A small XML parser of its own (elements, attributes,
// text, the five predefined entities and character references, CDATA, comments, processing
// instructions), enough for what pytest writes and nothing that can expand: no DTD, no entities
// of the document's own.
#include "grader/checks/junit_xml.h"

#include <cstdint>
#include <memory>
#include <stdexcept>

namespace grader {

namespace {

constexpr int kMaxDepth = 64;
constexpr std::size_t kMaxElements = 200000;

struct Element {
  std::string name;
  std::vector<std::pair<std::string, std::string>> attributes;
  std::vector<std::unique_ptr<Element>> children;
  std::string text;  // the character data directly inside it, concatenated

  const std::string* attribute(std::string_view key) const {
    for (const auto& [k, v] : attributes)
      if (k == key) return &v;
    return nullptr;
  }
};

struct XmlError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

class Parser {
 public:
  explicit Parser(std::string_view s) : s_(s) {}

  std::unique_ptr<Element> document() {
    if (s_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;
    skip_misc();
    if (!at("<")) fail("no root element");
    auto root = element(0);
    skip_misc();
    if (pos_ < s_.size()) fail("content after the root element");
    return root;
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    std::size_t line = 1;
    for (std::size_t i = 0; i < pos_ && i < s_.size(); ++i) line += s_[i] == '\n';
    throw XmlError("line " + std::to_string(line) + ": " + what);
  }
  bool at(std::string_view t) const { return s_.substr(pos_, t.size()) == t; }
  void expect(std::string_view t) {
    if (!at(t)) fail("expected '" + std::string(t) + "'");
    pos_ += t.size();
  }
  void skip_space() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r'))
      ++pos_;
  }
  void skip_until(std::string_view end, const char* what) {
    std::size_t e = s_.find(end, pos_);
    if (e == std::string_view::npos) fail(std::string("unterminated ") + what);
    pos_ = e + end.size();
  }
  // Whitespace, comments and processing instructions around the root element.
  void skip_misc() {
    for (;;) {
      skip_space();
      if (at("<?")) {
        skip_until("?>", "processing instruction");
      } else if (at("<!--")) {
        skip_until("-->", "comment");
      } else if (at("<!")) {
        fail("a DTD or declaration is not accepted in a JUnit report");
      } else {
        return;
      }
    }
  }
  std::string name() {
    std::size_t start = pos_;
    auto ok = [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
             c == '-' || c == '.' || c == ':' || static_cast<unsigned char>(c) >= 0x80;
    };
    while (pos_ < s_.size() && ok(s_[pos_])) ++pos_;
    if (pos_ == start) fail("expected a name");
    return std::string(s_.substr(start, pos_ - start));
  }
  void reference(std::string& out) {
    std::size_t semi = s_.find(';', pos_);
    if (semi == std::string_view::npos || semi - pos_ > 12) fail("unterminated '&' reference");
    std::string_view ref = s_.substr(pos_ + 1, semi - pos_ - 1);
    pos_ = semi + 1;
    if (ref == "lt") return out.push_back('<');
    if (ref == "gt") return out.push_back('>');
    if (ref == "amp") return out.push_back('&');
    if (ref == "quot") return out.push_back('"');
    if (ref == "apos") return out.push_back('\'');
    if (ref.size() < 2 || ref[0] != '#') fail("unknown entity '&" + std::string(ref) + ";'");
    bool hex = ref[1] == 'x';
    std::string digits(ref.substr(hex ? 2 : 1));
    if (digits.empty() ||
        digits.find_first_not_of(hex ? "0123456789abcdefABCDEF" : "0123456789") != std::string::npos)
      fail("bad character reference '&" + std::string(ref) + ";'");
    unsigned long cp = std::stoul(digits, nullptr, hex ? 16 : 10);
    if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
      fail("character reference '&" + std::string(ref) + ";' is not a character");
    append_utf8(out, static_cast<std::uint32_t>(cp));
  }
  std::string attribute_value() {
    if (pos_ >= s_.size() || (s_[pos_] != '"' && s_[pos_] != '\'')) fail("expected a quoted attribute value");
    char quote = s_[pos_++];
    std::string out;
    while (pos_ < s_.size() && s_[pos_] != quote) {
      if (s_[pos_] == '<') fail("'<' inside an attribute value");
      if (s_[pos_] == '&') {
        reference(out);
      } else {
        out += s_[pos_++];
      }
    }
    if (pos_ >= s_.size()) fail("unterminated attribute value");
    ++pos_;
    return out;
  }
  // `<name attr="v" ...` up to and including '>' or '/>'; true when it closed itself.
  bool start_tag(Element& e) {
    expect("<");
    e.name = name();
    for (;;) {
      skip_space();
      if (at("/>")) {
        pos_ += 2;
        return true;
      }
      if (at(">")) {
        ++pos_;
        return false;
      }
      std::string key = name();
      skip_space();
      expect("=");
      skip_space();
      if (e.attribute(key)) fail("attribute '" + key + "' given twice");
      e.attributes.emplace_back(key, attribute_value());
    }
  }
  std::unique_ptr<Element> element(int depth) {
    if (depth > kMaxDepth) fail("elements nested deeper than " + std::to_string(kMaxDepth));
    if (++elements_ > kMaxElements) fail("more than " + std::to_string(kMaxElements) + " elements");
    auto e = std::make_unique<Element>();
    if (start_tag(*e)) return e;
    content(*e, depth);
    return e;
  }
  void content(Element& e, int depth) {
    for (;;) {
      if (pos_ >= s_.size()) fail("unclosed element '" + e.name + "'");
      if (at("</")) {
        pos_ += 2;
        std::string closing = name();
        if (closing != e.name) fail("element '" + e.name + "' closed by '</" + closing + ">'");
        skip_space();
        expect(">");
        return;
      }
      if (at("<!--")) {
        skip_until("-->", "comment");
      } else if (at("<![CDATA[")) {
        std::size_t start = pos_ + 9;
        skip_until("]]>", "CDATA section");
        e.text.append(s_.substr(start, pos_ - 3 - start));
      } else if (at("<?")) {
        skip_until("?>", "processing instruction");
      } else if (at("<!")) {
        fail("a declaration inside element '" + e.name + "'");
      } else if (at("<")) {
        e.children.push_back(element(depth + 1));
      } else if (at("&")) {
        reference(e.text);
      } else {
        e.text += s_[pos_++];
      }
    }
  }

  std::string_view s_;
  std::size_t pos_ = 0;
  std::size_t elements_ = 0;
};

std::string attr_or_empty(const Element& e, std::string_view key) {
  const std::string* v = e.attribute(key);
  return v ? *v : std::string();
}

// The outcome of a testcase from its children; a failure outranks an error (a teardown error
// after a failed call), either outranks a skip.
JunitCase read_case(const Element& e) {
  JunitCase c;
  c.classname = attr_or_empty(e, "classname");
  c.name = attr_or_empty(e, "name");
  auto rank = [](JunitOutcome o) {
    switch (o) {
      case JunitOutcome::Failed: return 3;
      case JunitOutcome::Error: return 2;
      case JunitOutcome::Skipped: return 1;
      case JunitOutcome::Passed: return 0;
    }
    return 0;
  };
  for (const auto& child : e.children) {
    JunitOutcome o = JunitOutcome::Passed;
    if (child->name == "failure") o = JunitOutcome::Failed;
    if (child->name == "error") o = JunitOutcome::Error;
    if (child->name == "skipped") o = JunitOutcome::Skipped;
    if (rank(o) <= rank(c.outcome)) continue;
    c.outcome = o;
    c.message = attr_or_empty(*child, "message");
    c.text = child->text;
  }
  return c;
}

void read_suite(const Element& e, JunitReport& out) {
  for (const auto& child : e.children) {
    if (child->name == "testcase") {
      if (!child->attribute("name")) throw XmlError("a testcase without a name");
      out.cases.push_back(read_case(*child));
    } else if (child->name == "testsuite") {
      read_suite(*child, out);
    } else if (child->name == "properties") {
      for (const auto& p : child->children)
        if (p->name == "property") out.properties[attr_or_empty(*p, "name")] = attr_or_empty(*p, "value");
    }
  }
}

}  // namespace

std::string to_string(JunitOutcome o) {
  switch (o) {
    case JunitOutcome::Passed: return "passed";
    case JunitOutcome::Failed: return "failed";
    case JunitOutcome::Error: return "error";
    case JunitOutcome::Skipped: return "skipped";
  }
  return "unknown";
}

JunitParse parse_junit_xml(std::string_view xml) {
  JunitParse out;
  if (xml.size() > kJunitMaxBytes) {
    out.error = "it is larger than " + std::to_string(kJunitMaxBytes >> 20) + " MiB";
    return out;
  }
  try {
    std::unique_ptr<Element> root = Parser(xml).document();
    if (root->name != "testsuites" && root->name != "testsuite")
      throw XmlError("the root element is '" + root->name + "', not 'testsuites' or 'testsuite'");
    JunitReport report;
    if (root->name == "testsuite") {
      Element wrapper;
      wrapper.children.push_back(std::move(root));
      read_suite(wrapper, report);
    } else {
      read_suite(*root, report);
    }
    out.report = std::move(report);
  } catch (const XmlError& e) {
    out.error = e.what();
  }
  return out;
}

}  // namespace grader
