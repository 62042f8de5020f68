// The identity of a submission's files: one SHA-256 over its paths, modes and contents, so that
// `grade` knows a submission it has graded before and a report says exactly what it graded.
// The algorithm is documented in docs/report.md ("Submission tree hash") so that anyone can
// recompute it:
//   every entry under DIR (links not followed), by its path relative to DIR with '/' between
//   names, sorted by bytes; for each, the bytes
//     TYPE ' ' MODE ' ' DIGEST ' ' PATH '\0'
//   TYPE f (regular file), d (directory), l (symlink), o (anything else); MODE 755 or 644 for a
//   file (executable by its owner or not, as git records it), '-' otherwise; DIGEST the hex
//   SHA-256 of a file's bytes or of a link's target, '-' otherwise.
//   The tree hash is "sha256:" and the hex SHA-256 of those records, concatenated.
#pragma once

#include <filesystem>
#include <string>

namespace grader {

// Throws std::runtime_error naming the entry that cannot be read.
std::string tree_hash(const std::filesystem::path& dir);

}  // namespace grader
