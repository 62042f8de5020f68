// Writing a report so that a reader never sees half of it: a temporary file in the same
// directory, flushed, then renamed over the target.
#pragma once

#include <filesystem>
#include <string_view>

namespace grader {

// Throws std::runtime_error naming the path and the reason.
void atomic_write(const std::filesystem::path& path, std::string_view content);

}  // namespace grader
