// Known-wrong submissions shipped with an exercise (exercises/ID/fixtures/NAME/), each with an
// expected.toml declaring the score it must get and, optionally, the status of some checks:
//
//   description = "sums 1..N instead of the squares"
//   score = 3
//   [checks]
//   sum-small = "failed"
//
// `grader validate` grades each one and compares.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace grader {

inline constexpr const char* kFixtureExpectFile = "expected.toml";

struct Fixture {
  std::string name;
  std::filesystem::path dir;
  std::string description;
  double score = 0;
  std::map<std::string, std::string> check_status;  // check id -> "passed"/"failed"/...
};

// Throws RubricError (file:line:col) for a malformed expected.toml or a missing one.
std::vector<Fixture> load_fixtures(const std::filesystem::path& exercise_dir);

}  // namespace grader
