// Reading a TOML file a person wrote, strictly and the same way everywhere: the rubric loader,
// the cluster profiles and the fixtures' expected.toml all read through this. A parsed document
// hands out views of its tables and values that know where they were written (file:line:col),
// typed getters that refuse a value of another type with a message naming the key and its table,
// entries in the order of the file (errors come in the order the author wrote things) and
// unknown-key errors with a did-you-mean. Every error is a TomlError; each reader turns it into
// its own error type at its boundary. toml++ stays inside toml_reader.cpp.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "grader/util/source_pos.h"

namespace grader {

// what(): "r.toml:3:1: unknown key 'regx' in check 'pi'; did you mean 'regex'?"
class TomlError : public std::runtime_error {
 public:
  TomlError(const SourcePos& pos, const std::string& message);
  const SourcePos& pos() const { return pos_; }
  const std::string& bare_message() const { return bare_; }

 private:
  SourcePos pos_;
  std::string bare_;
};

// How much a type error says.
//   Full:  "key 'cores' in check 'x' must be a whole number like 2, not a string"
//          "element 2 of 'command' in run 'main' must be a string, not an integer"
//   Terse: "key 'host' in [ssh] must be a string"
//          "elements of 'types' in [gpu] must be strings"
enum class TomlWording { Full, Terse };

namespace toml_detail {
struct Document;  // the parsed toml++ table, the source name and the wording
}  // namespace toml_detail

class TomlTable;
class TomlArray;

// One value of the document, and where it was written. A view: valid while its TomlDocument is.
class TomlValue {
 public:
  SourcePos pos() const;
  // "a string", "an integer", "a float", "a boolean", "a date", "a time", "a date-time", "an
  // array", "a table": for "must be X, not Y" messages.
  std::string type_name() const;

  bool is_string() const { return as_string() != nullptr; }
  bool is_bool() const { return as_bool().has_value(); }
  bool is_number() const { return as_number().has_value(); }  // an integer or a float
  bool is_table() const;

  const std::string* as_string() const;  // nullptr when not a string
  std::optional<std::int64_t> as_integer() const;
  std::optional<double> as_number() const;
  std::optional<bool> as_bool() const;
  // A table's view, named `where` in messages (see TomlTable::where).
  std::optional<TomlTable> as_table(std::string where = "") const;
  std::optional<TomlArray> as_array() const;

 private:
  friend class TomlTable;
  friend class TomlArray;
  TomlValue(const toml_detail::Document* doc, const void* node) : doc_(doc), node_(node) {}
  const toml_detail::Document* doc_;
  const void* node_;  // a toml::node of doc_
};

class TomlArray {
 public:
  SourcePos pos() const;
  std::size_t size() const;
  bool empty() const { return size() == 0; }
  TomlValue operator[](std::size_t i) const;

 private:
  friend class TomlValue;
  TomlArray(const toml_detail::Document* doc, const void* array) : doc_(doc), array_(array) {}
  const toml_detail::Document* doc_;
  const void* array_;  // a toml::array of doc_
};

// One key = value of a table.
struct TomlEntry {
  std::string key;
  SourcePos key_pos;
  TomlValue value;
};

// One string of an array of strings, and where it was written.
struct TomlString {
  std::string value;
  SourcePos pos;
};

// A table of the document and how messages name it after a key: "at top level", "in run 'main'",
// "in [gpu]", or "" (then messages say just "key 'name'").
class TomlTable {
 public:
  const std::string& where() const { return where_; }
  // The same table under another name.
  TomlTable named(std::string where) const;
  SourcePos pos() const;

  bool has(std::string_view key) const { return get(key).has_value(); }
  std::optional<TomlValue> get(std::string_view key) const;
  // Where `key` (the key itself, or its value) is written; the table's position without it.
  SourcePos key_pos(std::string_view key) const;
  SourcePos value_pos(std::string_view key) const;
  // Every key = value, in the order of the file.
  std::vector<TomlEntry> entries() const;

  // "key 'cores' in check 'x'", "key 'name'": how messages name one of its keys.
  std::string key_name(std::string_view key) const;
  // "'cores' in check 'x'", "'name'": the shorter form, after "of", "for", "in".
  std::string quoted(std::string_view key) const;

  // The first key (in file order) not in `allowed` is an error at that key: "unknown key 'k' in
  // WHERE" and then `hint(k)` where it says something, else a did-you-mean, else "; allowed
  // here: " and the list.
  void reject_unknown(const std::vector<std::string>& allowed,
                      const std::function<std::string(std::string_view)>& hint = {}) const;

  // Typed getters: nullopt when the key is not there; a value of another type is an error at
  // the value, "key 'k' WHERE must be EXPECTED" (and ", not a string" in the Full wording).
  std::optional<std::string> get_string(std::string_view key, std::string_view expected = "a string") const;
  std::optional<std::int64_t> get_integer(std::string_view key,
                                          std::string_view expected = "an integer") const;
  // An integer or a float.
  std::optional<double> get_number(std::string_view key, std::string_view expected = "a number") const;
  std::optional<bool> get_bool(std::string_view key, std::string_view expected = "true or false") const;
  // An array whose elements are all strings; an element of another type is an error at it.
  std::optional<std::vector<TomlString>> get_strings(std::string_view key,
                                                     std::string_view expected = "an array of strings") const;
  // A table, named like this one.
  std::optional<TomlTable> get_table(std::string_view key, std::string_view expected = "a table") const;
  // An array whose elements are all tables ([[run]]), each named like this one.
  std::optional<std::vector<TomlTable>> get_tables(std::string_view key,
                                                   std::string_view expected = "an array of tables") const;

  [[noreturn]] void wrong_type(std::string_view key, const TomlValue& value, std::string_view expected) const;

 private:
  friend class TomlValue;
  friend class TomlDocument;
  TomlTable(const toml_detail::Document* doc, const void* table, std::string where)
      : doc_(doc), table_(table), where_(std::move(where)) {}
  [[noreturn]] void wrong_element(std::size_t index, std::string_view key, const TomlValue& element,
                                  std::string_view singular, std::string_view plural) const;

  const toml_detail::Document* doc_;
  const void* table_;  // a toml::table of doc_
  std::string where_;
};

// A parsed file. Movable; its views stay valid while it lives.
class TomlDocument {
 public:
  // Parses `text`; a syntax error is a TomlError at its position. `source_name` is the file in
  // positions.
  static TomlDocument parse(std::string_view text, const std::string& source_name,
                            TomlWording wording = TomlWording::Full);
  // Reads and parses; an unreadable file is a TomlError at 0:0.
  static TomlDocument parse_file(const std::filesystem::path& file, TomlWording wording = TomlWording::Full);

  TomlDocument(TomlDocument&&) noexcept;
  TomlDocument& operator=(TomlDocument&&) noexcept;
  ~TomlDocument();

  const std::string& source() const;
  // The top-level table, named `where` in messages.
  TomlTable root(std::string where = "") const;

 private:
  explicit TomlDocument(std::unique_ptr<toml_detail::Document> doc);
  std::unique_ptr<toml_detail::Document> doc_;
};

}  // namespace grader
