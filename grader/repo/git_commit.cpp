// Reading HEAD's commit from .git; see git_commit.h.
#include "grader/repo/git_commit.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "grader/util/text.h"

namespace grader {

namespace fs = std::filesystem;

namespace {

std::optional<std::string> first_line_of(const fs::path& p) {
  std::ifstream in(p);
  std::string line;
  if (!in || !std::getline(in, line)) return std::nullopt;
  return std::string(trim(line));
}

bool is_commit(const std::string& s) {
  return s.size() == 40 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

// The .git directory: the folder itself, or where a worktree's or submodule's .git file points.
std::optional<fs::path> git_dir(const fs::path& repo) {
  const fs::path dot = repo / ".git";
  std::error_code ec;
  if (fs::is_directory(dot, ec)) return dot;
  auto line = first_line_of(dot);
  if (!line || line->rfind("gitdir:", 0) != 0) return std::nullopt;
  fs::path dir = std::string(trim(line->substr(7)));
  return dir.is_absolute() ? dir : repo / dir;
}

std::optional<std::string> packed_ref(const fs::path& dir, const std::string& ref) {
  std::ifstream in(dir / "packed-refs");
  for (std::string line; std::getline(in, line);) {
    std::istringstream words(line);
    std::string sha, name;
    if (words >> sha >> name && name == ref && is_commit(sha)) return sha;
  }
  return std::nullopt;
}

std::optional<std::string> resolve_ref(const fs::path& dir, const fs::path& common, const std::string& ref) {
  for (const fs::path& base : {dir, common}) {
    if (auto sha = first_line_of(base / ref); sha && is_commit(*sha)) return sha;
  }
  return packed_ref(common, ref);
}

}  // namespace

std::optional<std::string> git_commit(const fs::path& repo) {
  auto dir = git_dir(repo);
  if (!dir) return std::nullopt;
  auto head = first_line_of(*dir / "HEAD");
  if (!head) return std::nullopt;
  if (is_commit(*head)) return head;
  if (head->rfind("ref:", 0) != 0) return std::nullopt;
  fs::path common = *dir;
  if (auto c = first_line_of(*dir / "commondir"))
    common = fs::path(*c).is_absolute() ? fs::path(*c) : *dir / *c;
  return resolve_ref(*dir, common, std::string(trim(head->substr(4))));
}

}  // namespace grader
