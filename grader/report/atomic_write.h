// Writing a report so that a reader never sees half of it: a temporary file in the same
// directory, flushed, then renamed over the target.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace grader {

// Throws std::runtime_error naming the path and the reason.
void atomic_write(const std::filesystem::path& path, std::string_view content);

// atomic_write, unless the file already holds exactly `content` (then nothing is written, so a
// class resumed without changes costs reads, not flushes). Returns whether it wrote.
bool write_if_changed(const std::filesystem::path& path, std::string_view content);

// Many files at once, all or nothing: each is written to a temporary file beside it, then one
// flush of the file system for all of them, then the renames. Before commit() nothing is in
// place; a batch destroyed uncommitted leaves no temporary file behind. For `regrade`, which
// rewrites a whole class: one flush instead of two per learner.
class AtomicBatch {
 public:
  AtomicBatch() = default;
  AtomicBatch(const AtomicBatch&) = delete;
  AtomicBatch& operator=(const AtomicBatch&) = delete;
  ~AtomicBatch();
  void add(const std::filesystem::path& path, std::string_view content);
  void commit();

 private:
  std::vector<std::pair<std::string, std::filesystem::path>> pending_;  // temporary file, target
};

}  // namespace grader
