// Loads a rubric file (TOML) into the Rubric model, strictly: unknown keys, wrong types, bad
// units, invalid RE2 patterns, checks naming missing runs and `needs` cycles are all errors that
// name file:line:col and, where one is obvious, suggest the fix.
#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>

#include "grader/rubric/model.h"

namespace grader {

// what() is the whole message, "rubrics/x.toml:12:3: unknown key 'regx' in check 'pi'; did you
// mean 'regex'?", ready to print.
class RubricError : public std::runtime_error {
 public:
  RubricError(const SourcePos& pos, const std::string& message);
  const SourcePos& pos() const { return pos_; }
  const std::string& bare_message() const { return bare_; }

 private:
  SourcePos pos_;
  std::string bare_;
};

// `source_name` is used in positions and messages (normally the path as the user gave it).
Rubric parse_rubric(std::string_view toml_text, const std::string& source_name);

// Reads and parses; an unreadable file is a RubricError at position 0:0.
Rubric load_rubric(const std::filesystem::path& path);

}  // namespace grader
