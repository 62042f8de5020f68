// The exercise repository's git commit, for a report's provenance: read from the .git files
// themselves (HEAD, the ref it names, packed-refs; a worktree's gitdir and commondir), so that
// grading needs no git binary and never runs one.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace grader {

// The 40-hex commit HEAD points at in the repository at `repo`, or nullopt when `repo` is not a
// git checkout (or HEAD names a branch with no commit yet).
std::optional<std::string> git_commit(const std::filesystem::path& repo);

}  // namespace grader
