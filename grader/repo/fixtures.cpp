// Reading fixtures' expected.toml; see fixtures.h.
#include "grader/repo/fixtures.h"

#include <algorithm>

#include "grader/rubric/loader.h"
#include "grader/util/toml_reader.h"

namespace grader {

namespace fs = std::filesystem;

namespace {

const std::vector<std::string> kStatuses = {"passed", "failed", "skipped", "error"};

void read_check_statuses(const TomlTable& checks, Fixture& f) {
  for (const TomlEntry& e : checks.entries()) {
    const std::string* status = e.value.as_string();
    if (!status || std::find(kStatuses.begin(), kStatuses.end(), *status) == kStatuses.end())
      throw TomlError(e.value.pos(),
                      "check status for '" + e.key + "' must be one of passed, failed, skipped, error");
    f.check_status[e.key] = *status;
  }
}

// description = "...", score = N, [checks] id = "status"; anything else is an error at its key.
void read_expectations(const TomlTable& root, Fixture& f) {
  bool has_score = false;
  for (const TomlEntry& e : root.entries()) {
    if (e.key == "description" && e.value.is_string()) {
      f.description = *e.value.as_string();
    } else if (e.key == "score" && e.value.is_number()) {
      f.score = *e.value.as_number();
      has_score = true;
    } else if (e.key == "checks" && e.value.is_table()) {
      read_check_statuses(*e.value.as_table(), f);
    } else {
      throw TomlError(e.value.pos(),
                      "unexpected key '" + e.key + "'; " + kFixtureExpectFile +
                          " takes description (string), score (number) and [checks] (id = status)");
    }
  }
  if (!has_score)
    throw TomlError({root.pos().file, 1, 1}, "missing 'score = N', the score this fixture must get");
}

Fixture load_one(const fs::path& dir) {
  fs::path file = dir / kFixtureExpectFile;
  Fixture f;
  f.name = dir.filename().string();
  f.dir = dir;
  if (!fs::is_regular_file(file))
    throw RubricError({file.string(), 0, 0}, "fixture '" + f.name + "' has no " + kFixtureExpectFile +
                                                 " declaring its expected score");
  try {
    TomlDocument doc = TomlDocument::parse_file(file);
    read_expectations(doc.root(), f);
  } catch (const TomlError& e) {
    throw RubricError(e.pos(), e.bare_message());
  }
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
