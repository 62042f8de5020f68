// Exercise repository lookup; see repo.h.
#include "grader/repo/repo.h"

#include <algorithm>

#include "grader/repo/git_commit.h"
#include "grader/util/sha256.h"
#include "grader/util/text.h"
#include "grader/workspace/tree_hash.h"

namespace grader {

namespace fs = std::filesystem;

std::optional<fs::path> find_repo_root(const fs::path& start) {
  std::error_code ec;
  fs::path dir = fs::absolute(start, ec);
  if (ec) return std::nullopt;
  for (;;) {
    if (fs::is_directory(dir / "rubrics", ec) && fs::is_directory(dir / "exercises", ec)) return dir;
    if (!dir.has_parent_path() || dir.parent_path() == dir) return std::nullopt;
    dir = dir.parent_path();
  }
}

std::vector<Exercise> list_exercises(const fs::path& repo) {
  std::vector<Exercise> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(repo / "rubrics", ec)) {
    if (e.path().extension() != ".toml") continue;
    std::string id = e.path().stem().string();
    out.push_back({id, e.path(), repo / "exercises" / id});
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
  return out;
}

fs::path provided_dir(const Exercise& exercise) {
  std::error_code ec;
  if (exercise.dir.empty() || !fs::is_directory(exercise.dir / "provided", ec)) return {};
  return exercise.dir / "provided";
}

Provenance exercise_provenance(const Exercise& exercise) {
  Provenance p;
  p.grader_version = GRADER_VERSION;
  p.rubric_path = exercise.rubric.string();
  p.rubric_sha256 = sha256_file_hex(exercise.rubric);
  if (fs::path provided = provided_dir(exercise); !provided.empty()) p.provided_hash = tree_hash(provided);
  fs::path rubric_dir = fs::absolute(exercise.rubric).parent_path();
  if (auto root = find_repo_root(rubric_dir)) p.repo_commit = git_commit(*root).value_or("");
  return p;
}

Exercise resolve_exercise(const std::string& name, const std::optional<fs::path>& repo) {
  std::error_code ec;
  fs::path p(name);
  if (fs::is_regular_file(p, ec)) {
    // A rubric file: its exercise directory is found beside, in the repo it belongs to.
    fs::path rubric = fs::absolute(p).lexically_normal();
    std::string id = rubric.stem().string();
    auto root = find_repo_root(rubric.parent_path());
    return {id, rubric, root ? *root / "exercises" / id : fs::path()};
  }
  if (fs::is_directory(p, ec)) {
    fs::path dir = fs::absolute(p).lexically_normal();
    if (dir.filename().empty()) dir = dir.parent_path();
    std::string id = dir.filename().string();
    auto root = find_repo_root(dir);
    if (root && fs::is_regular_file(*root / "rubrics" / (id + ".toml"), ec))
      return {id, *root / "rubrics" / (id + ".toml"), dir};
    if (fs::is_regular_file(dir / "rubric.toml", ec)) return {id, dir / "rubric.toml", dir};
    throw UsageError("'" + name + "' is a directory but no rubric for it was found (looked for rubrics/" +
                     id + ".toml in the repository and " + name + "/rubric.toml)");
  }
  if (!repo)
    throw UsageError("'" + name +
                     "' is not a file or directory, and no exercise repository was found above " +
                     fs::current_path().string() + " to look it up as an id; give --repo DIR");
  fs::path rubric = *repo / "rubrics" / (name + ".toml");
  if (fs::is_regular_file(rubric, ec)) return {name, rubric, *repo / "exercises" / name};
  std::vector<std::string> ids;
  for (const auto& e : list_exercises(*repo)) ids.push_back(e.id);
  std::string msg = "no exercise '" + name + "' in " + repo->string();
  auto guess = closest_match(name, ids);
  if (!guess.empty())
    msg += "; did you mean '" + guess + "'?";
  else if (!ids.empty()) {
    msg += "; known exercises:";
    for (const auto& id : ids) msg += " " + id;
  }
  throw UsageError(msg);
}

}  // namespace grader
