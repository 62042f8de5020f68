// Reading the JUnit XML that pytest writes (--junitxml, xunit2): its testcases with their
// outcome, message and traceback, and the testsuites' properties. Pure, and strict: the XML comes
// out of a learner's run, so anything that is not well-formed (or is too large or too deep, or
// declares a DTD) is refused with the reason and its line, never half-read.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace grader {

enum class JunitOutcome { Passed, Failed, Error, Skipped };

struct JunitCase {
  std::string classname;  // "test_classify", "test_classify.TestGroup"; "" for a collection error
  std::string name;       // "test_accuracy", "test_param[2]", or the module for a collection error
  JunitOutcome outcome = JunitOutcome::Passed;
  std::string message;  // the failure's, error's or skip's `message` attribute
  std::string text;     // its body: pytest's traceback (or the skip's location)
};

struct JunitReport {
  std::vector<JunitCase> cases;                   // in file order
  std::map<std::string, std::string> properties;  // <property name= value=> of every testsuite
};

struct JunitParse {
  std::optional<JunitReport> report;  // set when the XML could be read
  std::string error;                  // else why not: "line 3: unclosed element 'testcase'"
};

inline constexpr std::size_t kJunitMaxBytes = 16u << 20;

JunitParse parse_junit_xml(std::string_view xml);

std::string to_string(JunitOutcome o);

}  // namespace grader
