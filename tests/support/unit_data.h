// Helpers of the unit tests: the files under tests/unit/data/ (output captured from the real
// tools, each file saying where it came from), and a rubric's load error as the text a teacher
// reads.
#pragma once

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

#include "grader/rubric/loader.h"

namespace grader::test_support {

// tests/unit/data/PATH, whole; a missing or empty file is an error, never an empty input.
inline std::string unit_test_data(const std::string& path) {
  std::ifstream in(std::string(GRADER_SOURCE_DIR) + "/tests/unit/data/" + path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  if (s.str().empty()) throw std::runtime_error("no test data " + path);
  return s.str();
}

// The full what() of the error `text` causes when loaded as r.toml, or a note that it loaded.
inline std::string rubric_error_of(const std::string& text) {
  try {
    parse_rubric(text, "r.toml");
  } catch (const RubricError& e) {
    return e.what();
  }
  return "(loaded without error)";
}

}  // namespace grader::test_support
