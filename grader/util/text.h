// Small text helpers shared by checks and reports: trimming, line splitting, UTF-8 repair,
// "did you mean" suggestions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace grader {

std::string_view trim(std::string_view s);
// `s` without trailing whitespace (newlines, CR, spaces, tabs): a tool's output as one message.
std::string_view trim_end(std::string_view s);

// The first line of `s` (without its '\n'); `s` itself when it has no newline.
std::string first_line(std::string_view s);
// The last line of `s` that is not blank after trim_end (a tool's final "error: ..." line).
std::string last_line(std::string_view s);

// The items with `separator` between them: "a, b, c".
std::string join(const std::vector<std::string>& items, std::string_view separator = ", ");

// "; did you mean 'x'?" when one of `candidates` is a likely typo of `word`; else empty.
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

// Lines without their terminators; a final line without '\n' counts, a trailing '\n' does not
// add an empty line. "\r\n" is treated as "\n".
std::vector<std::string_view> split_lines(std::string_view s);

// Collapses runs of whitespace to one space and trims: the comparison form of `lines` checks.
std::string normalize_space(std::string_view s);

// Valid UTF-8 copy: every byte that is not part of a valid sequence becomes "\xNN" (literally,
// four characters), NUL becomes "\0". Learner output goes through this before any report.
std::string sanitize_utf8(std::string_view s);
bool is_valid_utf8(std::string_view s);

// sanitize_utf8, and every control character but newline and tab shown as "\xNN" too: learner
// text bound for a terminal cannot move the cursor, recolour or retitle it (ESC, CR, BEL).
std::string terminal_safe(std::string_view s);

// The candidate closest to `word` by edit distance when it is close enough to be a likely typo,
// or empty.
std::string closest_match(std::string_view word, const std::vector<std::string>& candidates);

// At most `max_bytes` of `s`, cut at a line boundary where one is near, with a marker appended
// when cut. For excerpts of learner output in messages.
std::string excerpt(std::string_view s, std::size_t max_bytes);

// ASCII letters lowercased, every other byte as it is: for comparing names (options, features,
// host names) that are ASCII by definition.
std::string to_lower(std::string_view s);

// "1 task", "2 tasks": `n` and the noun, with an "s" unless n is 1.
std::string counted(std::int64_t n, std::string_view noun);

}  // namespace grader
