// The `pytest` check kind of a rubric: hidden tests in Python, run with pytest next to the
// learner's code, one report check per test (docs/rubrics.md, "Hidden tests with pytest").
//   pytest = { tests = "tests/", points = { test_accuracy = 3, test_one_sample = 1 } }
// The loader turns one such [[check]] into a check per test named in `points`, plus one for the
// suite as a whole, all reading the JUnit XML of one run that the loader adds for them.
#pragma once

#include <string>
#include <vector>

namespace grader {

struct PytestCheck {
  std::string suite;  // the [[check]] id the tests were given under
  std::string tests;  // the tests' directory as the rubric names it, for messages ("tests/")
  std::string xml;    // the JUnit XML the run leaves, workspace-relative
  // The test (pytest's function name) this check reports: the testcases named so, or so with a
  // parameter ("test_x[3]"). Empty: the suite's own check, which reports the tests given no
  // points and passes only when every test in the XML passed.
  std::string test;
  std::vector<std::string> scored;  // for the suite's check: the tests with a check of their own
};

}  // namespace grader
