// Reading fixtures' expected.toml; see fixtures.h.
#include "grader/repo/fixtures.h"

#include <toml++/toml.h>

#include <algorithm>

#include "grader/rubric/loader.h"

namespace grader {

namespace fs = std::filesystem;

namespace {

SourcePos pos_of(const fs::path& file, const toml::source_region& src) {
  return {file.string(), static_cast<int>(src.begin.line), static_cast<int>(src.begin.column)};
}

Fixture load_one(const fs::path& dir) {
  fs::path file = dir / kFixtureExpectFile;
  Fixture f;
  f.name = dir.filename().string();
  f.dir = dir;
  if (!fs::is_regular_file(file))
    throw RubricError({file.string(), 0, 0}, "fixture '" + f.name + "' has no " + kFixtureExpectFile +
                                                 " declaring its expected score");
  toml::table t;
  try {
    t = toml::parse_file(file.string());
  } catch (const toml::parse_error& e) {
    throw RubricError(pos_of(file, e.source()), std::string(e.description()));
  }
  bool has_score = false;
  for (auto&& [key, node] : t) {
    std::string k(key.str());
    if (k == "description" && node.is_string()) {
      f.description = *node.value<std::string>();
    } else if (k == "score" && (node.is_integer() || node.is_floating_point())) {
      f.score = *node.value<double>();
      has_score = true;
    } else if (k == "checks" && node.is_table()) {
      for (auto&& [id, status] : *node.as_table()) {
        auto s = status.value<std::string>();
        static const std::vector<std::string> kStatuses = {"passed", "failed", "skipped", "error"};
        if (!s || std::find(kStatuses.begin(), kStatuses.end(), *s) == kStatuses.end())
          throw RubricError(pos_of(file, status.source()),
                            "check status for '" + std::string(id.str()) +
                                "' must be one of passed, failed, skipped, error");
        f.check_status[std::string(id.str())] = *s;
      }
    } else {
      throw RubricError(pos_of(file, node.source()),
                        "unexpected key '" + k + "'; " + kFixtureExpectFile +
                            " takes description (string), score (number) and [checks] (id = status)");
    }
  }
  if (!has_score)
    throw RubricError({file.string(), 1, 1}, "missing 'score = N', the score this fixture must get");
  return f;
}

}  // namespace

std::vector<Fixture> load_fixtures(const fs::path& exercise_dir) {
  std::vector<Fixture> out;
  std::error_code ec;
  fs::path root = exercise_dir / "fixtures";
  if (!fs::is_directory(root, ec)) return out;
  for (const auto& e : fs::directory_iterator(root, ec))
    if (e.is_directory()) out.push_back(load_one(e.path()));
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return out;
}

}  // namespace grader
