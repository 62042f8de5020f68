// Parts of the jobscript parser (grader/jobscript/parser.h): the small text helpers its parts
// share. The values sbatch options take (memory, gres, GPU counts, constraints) are parsed in
// values.cpp too, declared in parser.h.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace grader::jobscript::detail {

bool all_digits(std::string_view s);
// A count or time field: digits only, nine at most (every real one fits, and no product of
// them overflows); nullopt otherwise.
std::optional<std::int64_t> to_int(std::string_view s);

}  // namespace grader::jobscript::detail
