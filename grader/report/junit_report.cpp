// JUnit XML, the format CI systems render; see formats.h. What GitLab reads of it is described at
// https://docs.gitlab.com/ci/testing/unit_test_reports (testcase classname as the suite, name as
// the test; the failure's text, not its message attribute, shown as the test's output).
#include <cstdio>

#include "grader/report/formats.h"
#include "grader/util/text.h"

namespace grader {

namespace {

// XML 1.0 cannot carry most control characters even escaped, nor the noncharacters U+FFFE and
// U+FFFF (valid UTF-8 all the same); they become U+FFFD.
std::string xml_escape(std::string_view raw) {
  std::string s = sanitize_utf8(raw);
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    unsigned char c = s[i];
    if (c == 0xEF && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0xBF &&
        (static_cast<unsigned char>(s[i + 2]) & 0xFE) == 0xBE) {
      out += "\xEF\xBF\xBD";
      i += 2;
      continue;
    }
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        if (c < 0x20 && c != '\n' && c != '\t' && c != '\r')
          out += "\xEF\xBF\xBD";
        else
          out += static_cast<char>(c);
    }
  }
  return out;
}

}  // namespace

std::string render_junit(const std::vector<Report>& reports, const std::string& name) {
  std::size_t tests = 0, failures = 0, errors = 0, skipped = 0;
  std::string suites;
  for (const auto& r : reports) {
    std::size_t t = 0, f = 0, e = 0, s = 0;
    std::string cases;
    std::string classname = xml_escape(r.exercise + "." + r.submission);
    for (const auto& c : r.checks) {
      ++t;
      cases += "    <testcase classname=\"" + classname + "\" name=\"" + xml_escape(c.id) + "\">\n";
      std::string msg = xml_escape(c.message);
      // GitLab shows an element's body and ignores its message attribute: the body has it all.
      std::string body = xml_escape(c.hint ? c.message + "\nhint: " + *c.hint : c.message);
      switch (c.status) {
        case CheckStatus::Passed: break;
        case CheckStatus::Failed:
          ++f;
          cases += "      <failure message=\"" + msg + "\">" + body + "</failure>\n";
          break;
        case CheckStatus::Error:
          ++e;
          cases += "      <error message=\"" + msg + "\">" + body + "</error>\n";
          break;
        case CheckStatus::Skipped:
          ++s;
          cases += "      <skipped message=\"" + msg + "\">" + msg + "</skipped>\n";
          break;
      }
      cases += "    </testcase>\n";
    }
    if (!r.submission_error.empty() || !r.runner_error.empty()) {
      ++t;
      ++e;
      std::string msg = xml_escape(r.runner_error.empty() ? r.submission_error : r.runner_error);
      cases += "    <testcase classname=\"" + classname + "\" name=\"setup\">\n      <error message=\"" +
               msg + "\">" + msg + "</error>\n    </testcase>\n";
    }
    suites += "  <testsuite name=\"" + classname + "\" tests=\"" + std::to_string(t) + "\" failures=\"" +
              std::to_string(f) + "\" errors=\"" + std::to_string(e) + "\" skipped=\"" + std::to_string(s) +
              "\">\n" + cases + "  </testsuite>\n";
    tests += t;
    failures += f;
    errors += e;
    skipped += s;
  }
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"" + xml_escape(name) +
         "\" tests=\"" + std::to_string(tests) + "\" failures=\"" + std::to_string(failures) +
         "\" errors=\"" + std::to_string(errors) + "\" skipped=\"" + std::to_string(skipped) + "\">\n" +
         suites + "</testsuites>\n";
}

}  // namespace grader
