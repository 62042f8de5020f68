// Workspace: a fresh private copy of a submission, made per grading, that learner code may
// write into. The submission itself is only read. Anything that could make the copy reach
// outside the submission (a symlink leaving it, a device file, an absolute or `..` symlink
// target) is refused with a message naming the file.
#pragma once

#include <cstdint>
#include <filesystem>
#include <set>
#include <stdexcept>
#include <string>

namespace grader {

// A submission we refuse to stage. This is the learner's doing: graded, not a runner failure.
class SubmissionError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct StageOptions {
  std::set<std::string> exclude;  // top-level names left out (a fixture's expected.toml)
  // The exercise's own files (exercises/ID/provided/): copied in after the submission and over
  // it, so that a program the task gives is the teacher's copy whatever the learner handed in.
  std::filesystem::path provided;
  std::uint64_t max_total_bytes = 256ull * 1024 * 1024;
  std::uint64_t max_files = 20000;
  std::filesystem::path parent;  // where the workspace directory is made; default: temp dir
};

class Workspace {
 public:
  // Throws SubmissionError for what the learner handed in, std::runtime_error when the copy
  // itself fails (disk full).
  static Workspace stage(const std::filesystem::path& submission, const StageOptions& options = {});

  Workspace(Workspace&& other) noexcept;
  Workspace& operator=(Workspace&&) = delete;
  Workspace(const Workspace&) = delete;
  ~Workspace();  // removes the directory and everything the runs left in it

  const std::filesystem::path& dir() const { return dir_; }

 private:
  explicit Workspace(std::filesystem::path dir) : dir_(std::move(dir)) {}
  std::filesystem::path dir_;
};

}  // namespace grader
