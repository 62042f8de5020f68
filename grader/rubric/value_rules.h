// Parts of the rubric loader (grader/rubric/loader.h): the rubric's rules for single values, on
// top of the TOML reader's typed getters. One-line strings, finite numbers, durations ("10s"),
// sizes ("512M"), [[run]]/[[check]] arrays, workspace paths, RE2 patterns and ids; each broken
// rule is a RubricError at the value, worded as the rubric docs word it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "grader/util/source_pos.h"
#include "grader/util/toml_reader.h"

namespace grader::rubric_loader {

[[noreturn]] void fail(const SourcePos& at, const std::string& message);

bool contains(const std::vector<std::string>& items, std::string_view item);

// Exercise, run and check ids end up in file names, report keys and `needs` lists: lowercase
// letters, digits, '-' and '_', starting with a letter or digit.
bool valid_id(std::string_view s);

// "; did you mean 'x'?" when one candidate is a likely typo, else `list_intro` and the list to
// pick from ("; the runs are: a, b"), else (no candidates) nothing.
std::string suggestion(std::string_view word, const std::vector<std::string>& candidates,
                       std::string_view list_intro);

// A string without line breaks.
std::optional<std::string> get_line(const TomlTable& t, std::string_view key);
// A finite number; with `non_negative`, 0 or more.
std::optional<double> get_number(const TomlTable& t, std::string_view key, bool non_negative);
// "500ms", "10s", "1.5m": seconds.
std::optional<double> get_duration(const TomlTable& t, std::string_view key);
// "512K", "512M", "1.5G": bytes.
std::optional<std::uint64_t> get_size(const TomlTable& t, std::string_view key);
// [[run]] and [[check]]: present (else an error at `start`), an array, not empty, of tables.
std::vector<TomlTable> get_table_array(const TomlTable& t, std::string_view key, const SourcePos& start);

// Paths the learner's workspace is read through: relative, and never above the workspace.
std::string checked_path(const TomlTable& t, std::string_view key, const std::string& path,
                         const SourcePos& at);

// An RE2 pattern that compiles; with `needs_group`, one with a capturing group (number matchers).
void compile_regex(const std::string& pattern, std::string_view key, const TomlTable& t, const SourcePos& at,
                   bool needs_group);

// The entries of `t` whose keys are in `keys`, in file order.
std::vector<TomlEntry> entries_in(const TomlTable& t, const std::vector<std::string>& keys);

// Each runner placeholder in `text` must be one of `allowed` (grader/rubric/placeholders.h): a
// {{name}} the grader would not fill in is a typo, refused here rather than run as written.
void check_placeholders(const std::string& text, const SourcePos& pos,
                        const std::vector<std::string>& allowed, const std::string& where);

}  // namespace grader::rubric_loader
