// Finding things in an exercise repository: its root (the directory holding rubrics/ and
// exercises/, found by walking up), and an exercise named by id or by path.
#pragma once

#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "grader/report/report.h"
#include "grader/util/usage_error.h"

namespace grader {

struct Exercise {
  std::string id;
  std::filesystem::path rubric;  // rubrics/ID.toml
  std::filesystem::path dir;     // exercises/ID; may not exist for a bare rubric
};

// The nearest ancestor of `start` (itself included) that has both rubrics/ and exercises/.
std::optional<std::filesystem::path> find_repo_root(const std::filesystem::path& start);

// `name` is an id ("python-script"), an exercise directory ("exercises/python-script") or a
// rubric file ("rubrics/python-script.toml"). `repo` is used for ids; throws UsageError with
// the list of known ids when nothing matches.
Exercise resolve_exercise(const std::string& name, const std::optional<std::filesystem::path>& repo);

// exercises/ID/provided/ when the exercise has one (files the task gives, staged over every
// submission), else empty.
std::filesystem::path provided_dir(const Exercise& exercise);

// What every report graded against `exercise` shares: the grader's version, the rubric's path
// and SHA-256, the tree hash of provided/, and the git commit of the repository around the
// rubric. Throws std::runtime_error when the rubric cannot be read.
Provenance exercise_provenance(const Exercise& exercise);

// Every exercise id that has a rubric, sorted.
std::vector<Exercise> list_exercises(const std::filesystem::path& repo);

}  // namespace grader
