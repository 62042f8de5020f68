// The rubric's value rules; see value_rules.h.
#include "grader/rubric/value_rules.h"

#include <re2/re2.h>

#include <algorithm>
#include <cmath>
#include <sstream>

#include "grader/rubric/loader.h"
#include "grader/rubric/placeholders.h"
#include "grader/util/text.h"
#include "grader/util/units.h"

namespace grader::rubric_loader {

namespace {

std::string number_text(double v) {
  std::ostringstream out;
  out << v;
  return out.str();
}

}  // namespace

void fail(const SourcePos& at, const std::string& message) {
  throw RubricError(at, message);
}

bool contains(const std::vector<std::string>& items, std::string_view item) {
  return std::find(items.begin(), items.end(), item) != items.end();
}

bool valid_id(std::string_view s) {
  auto lower_or_digit = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (s.empty() || !lower_or_digit(s.front())) return false;
  return std::all_of(s.begin(), s.end(), [&](char c) { return lower_or_digit(c) || c == '-' || c == '_'; });
}

std::string suggestion(std::string_view word, const std::vector<std::string>& candidates,
                       std::string_view list_intro) {
  if (std::string guess = did_you_mean(word, candidates); !guess.empty()) return guess;
  if (candidates.empty()) return "";
  return "; " + std::string(list_intro) + join(candidates);
}

std::optional<std::string> get_line(const TomlTable& t, std::string_view key) {
  std::optional<std::string> text = t.get_string(key);
  if (text && text->find_first_of("\r\n") != std::string::npos)
    fail(t.value_pos(key), t.key_name(key) + " must be one line");
  return text;
}

std::optional<double> get_number(const TomlTable& t, std::string_view key, bool non_negative) {
  std::optional<double> value = t.get_number(key);
  if (!value) return std::nullopt;
  if (!std::isfinite(*value)) fail(t.value_pos(key), t.key_name(key) + " must be a finite number");
  if (non_negative && *value < 0)
    fail(t.value_pos(key), t.key_name(key) + " must be 0 or more, not " + number_text(*value));
  return value;
}

std::optional<double> get_duration(const TomlTable& t, std::string_view key) {
  std::optional<std::string> text = t.get_string(key, "a string like \"10s\"");
  if (!text) return std::nullopt;
  std::optional<double> seconds = parse_duration(*text);
  if (!seconds)
    fail(t.value_pos(key),
         "invalid duration '" + *text + "' for " + t.quoted(key) + "; use e.g. \"500ms\", \"10s\", \"1.5m\"");
  return seconds;
}

std::optional<std::uint64_t> get_size(const TomlTable& t, std::string_view key) {
  std::optional<std::string> text = t.get_string(key, "a string like \"512M\"");
  if (!text) return std::nullopt;
  std::optional<std::uint64_t> bytes = parse_size(*text);
  if (!bytes)
    fail(t.value_pos(key),
         "invalid size '" + *text + "' for " + t.quoted(key) + "; use e.g. \"512K\", \"512M\", \"1.5G\"");
  return bytes;
}

std::vector<TomlTable> get_table_array(const TomlTable& t, std::string_view key, const SourcePos& start) {
  std::string written = "[[" + std::string(key) + "]]";
  std::optional<std::vector<TomlTable>> tables = t.get_tables(key, "an array of tables written " + written);
  if (!tables) fail(start, "rubric has no " + written + "; add at least one");
  if (tables->empty()) fail(t.value_pos(key), "rubric has no " + written + "; add at least one");
  return *tables;
}

std::string checked_path(const TomlTable& t, std::string_view key, const std::string& path,
                         const SourcePos& at) {
  std::string what = "path '" + path + "' for " + t.quoted(key);
  if (path.empty()) fail(at, "empty path for " + t.quoted(key));
  if (path.find('\0') != std::string::npos) fail(at, what + " contains a NUL character");
  if (path.front() == '/') fail(at, what + " must be relative to the workspace, not absolute");
  std::size_t begin = 0;
  while (begin <= path.size()) {
    std::size_t end = path.find('/', begin);
    if (end == std::string::npos) end = path.size();
    if (path.compare(begin, end - begin, "..") == 0)
      fail(at, what + " must stay inside the workspace; '..' is not allowed");
    begin = end + 1;
  }
  return path;
}

void compile_regex(const std::string& pattern, std::string_view key, const TomlTable& t, const SourcePos& at,
                   bool needs_group) {
  RE2::Options options;
  options.set_log_errors(false);
  RE2 re(pattern, options);
  if (!re.ok()) fail(at, "invalid regex for " + t.quoted(key) + ": " + re.error());
  if (needs_group && re.NumberOfCapturingGroups() < 1) {
    fail(at, "regex in 'number' " + t.where() +
                 " has no capturing group; put ( ) around the number, e.g. "
                 "'pi = ([-0-9.eE+]+)'");
  }
}

std::vector<TomlEntry> entries_in(const TomlTable& t, const std::vector<std::string>& keys) {
  std::vector<TomlEntry> out;
  for (TomlEntry& e : t.entries())
    if (contains(keys, e.key)) out.push_back(std::move(e));
  return out;
}

void check_placeholders(const std::string& text, const SourcePos& pos,
                        const std::vector<std::string>& allowed, const std::string& where) {
  for (const PlaceholderUse& use : find_placeholders(text)) {
    if (contains(allowed, use.name)) continue;
    const auto& in_env = env_placeholder_names();
    if (contains(in_env, use.name))
      fail(pos, "'{{" + use.name + "}}' " + where + " works in env values only; set e.g. env = { DIR = \"{{" +
                    use.name + "}}\" } and use \"$DIR\"");
    fail(pos, "unknown placeholder '{{" + use.name + "}}' " + where +
                  suggestion(use.name, in_env, "the placeholders are: "));
  }
}

}  // namespace grader::rubric_loader
