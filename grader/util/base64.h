// Base64 (RFC 4648, with padding), for bytes that JSON cannot carry as text: learner output that
// is not UTF-8, kept exactly in run records.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace grader {

std::string base64_encode(std::string_view bytes);
// nullopt when `text` is not base64.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace grader
