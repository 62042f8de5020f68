// What a contained job may still read: the whole file system but a few hidden paths (the other
// jobs' directories, the grader's ssh keys), as the trees Landlock is to allow. Landlock only
// allows, it cannot deny below an allowed tree; so each directory on the way from / to a hidden
// path is opened up entry by entry, and the hidden path itself is left out. An entry that appears
// in such a directory later (a job directory made after this job started) is not readable either.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace grader::contain {

// The names of a directory's entries ("." and ".." left out); empty when it cannot be read.
using ListDir = std::function<std::vector<std::string>(const std::filesystem::path&)>;
// Where a path really leads (symbolic links followed); the path itself when it leads nowhere.
using Resolve = std::function<std::filesystem::path(const std::filesystem::path&)>;

// The trees to allow so that everything is readable but `hidden` (absolute, real paths). An entry
// that is a link into, or to a directory above, a hidden path is left out too: a rule on it would
// open what it points to whole. Hiding / leaves nothing.
std::vector<std::filesystem::path> visible_trees(const std::vector<std::filesystem::path>& hidden,
                                                 const ListDir& list, const Resolve& resolve);

// The entries of `dir` whose name starts with `prefix`: how the other jobs' directories are
// named (grader-XXXXXX beside this job's own).
std::vector<std::filesystem::path> entries_with_prefix(const std::filesystem::path& dir,
                                                       const std::string& prefix, const ListDir& list);

}  // namespace grader::contain
