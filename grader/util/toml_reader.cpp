// The TOML reading helper; see toml_reader.h. The only file that includes toml++.
#include "grader/util/toml_reader.h"

#include <toml++/toml.h>

#include <algorithm>
#include <utility>

#include "grader/util/text.h"

namespace grader {

namespace toml_detail {

struct Document {
  std::string source;
  TomlWording wording = TomlWording::Full;
  toml::table root;
};

}  // namespace toml_detail

namespace {

const toml::node& node_of(const void* p) {
  return *static_cast<const toml::node*>(p);
}
const toml::table& table_of(const void* p) {
  return *static_cast<const toml::table*>(p);
}
const toml::array& array_of(const void* p) {
  return *static_cast<const toml::array*>(p);
}

SourcePos pos_in(const toml_detail::Document* doc, const toml::source_region& region) {
  return {doc->source, static_cast<int>(region.begin.line), static_cast<int>(region.begin.column)};
}

[[noreturn]] void fail(const SourcePos& at, const std::string& message) {
  throw TomlError(at, message);
}

}  // namespace

TomlError::TomlError(const SourcePos& pos, const std::string& message)
    : std::runtime_error(pos.str() + ": " + message), pos_(pos), bare_(message) {}

// ---------------------------------------------------------------------------------------------
// Values and arrays

SourcePos TomlValue::pos() const {
  return pos_in(doc_, node_of(node_).source());
}

std::string TomlValue::type_name() const {
  switch (node_of(node_).type()) {
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a float";
    case toml::node_type::boolean: return "a boolean";
    case toml::node_type::date: return "a date";
    case toml::node_type::time: return "a time";
    case toml::node_type::date_time: return "a date-time";
    case toml::node_type::array: return "an array";
    case toml::node_type::table: return "a table";
    case toml::node_type::none: break;
  }
  return "nothing";
}

const std::string* TomlValue::as_string() const {
  const auto* s = node_of(node_).as_string();
  return s ? &s->get() : nullptr;
}

std::optional<std::int64_t> TomlValue::as_integer() const {
  const auto* i = node_of(node_).as_integer();
  return i ? std::optional<std::int64_t>(i->get()) : std::nullopt;
}

std::optional<double> TomlValue::as_number() const {
  const toml::node& n = node_of(node_);
  if (const auto* i = n.as_integer()) return static_cast<double>(i->get());
  if (const auto* f = n.as_floating_point()) return f->get();
  return std::nullopt;
}

std::optional<bool> TomlValue::as_bool() const {
  const auto* b = node_of(node_).as_boolean();
  return b ? std::optional<bool>(b->get()) : std::nullopt;
}

bool TomlValue::is_table() const {
  return node_of(node_).is_table();
}

std::optional<TomlTable> TomlValue::as_table(std::string where) const {
  const toml::table* t = node_of(node_).as_table();
  if (!t) return std::nullopt;
  return TomlTable(doc_, t, std::move(where));
}

std::optional<TomlArray> TomlValue::as_array() const {
  const toml::array* a = node_of(node_).as_array();
  if (!a) return std::nullopt;
  return TomlArray(doc_, a);
}

SourcePos TomlArray::pos() const {
  return pos_in(doc_, array_of(array_).source());
}

std::size_t TomlArray::size() const {
  return array_of(array_).size();
}

TomlValue TomlArray::operator[](std::size_t i) const {
  return TomlValue(doc_, array_of(array_).get(i));
}

// ---------------------------------------------------------------------------------------------
// Tables

TomlTable TomlTable::named(std::string where) const {
  return TomlTable(doc_, table_, std::move(where));
}

SourcePos TomlTable::pos() const {
  return pos_in(doc_, table_of(table_).source());
}

std::optional<TomlValue> TomlTable::get(std::string_view key) const {
  const toml::node* n = table_of(table_).get(key);
  if (!n) return std::nullopt;
  return TomlValue(doc_, n);
}

SourcePos TomlTable::key_pos(std::string_view key) const {
  const toml::table& t = table_of(table_);
  auto it = t.find(key);
  return it == t.end() ? pos() : pos_in(doc_, it->first.source());
}

SourcePos TomlTable::value_pos(std::string_view key) const {
  std::optional<TomlValue> v = get(key);
  return v ? v->pos() : pos();
}

std::vector<TomlEntry> TomlTable::entries() const {
  std::vector<TomlEntry> out;
  for (const auto& [key, node] : table_of(table_))
    out.push_back({std::string(key.str()), pos_in(doc_, key.source()), TomlValue(doc_, &node)});
  // toml::table iterates in key order; errors should come in the order the author wrote things.
  std::stable_sort(out.begin(), out.end(), [](const TomlEntry& a, const TomlEntry& b) {
    return std::pair(a.key_pos.line, a.key_pos.column) < std::pair(b.key_pos.line, b.key_pos.column);
  });
  return out;
}

std::string TomlTable::quoted(std::string_view key) const {
  return "'" + std::string(key) + "'" + (where_.empty() ? "" : " " + where_);
}

std::string TomlTable::key_name(std::string_view key) const {
  return "key " + quoted(key);
}

void TomlTable::reject_unknown(const std::vector<std::string>& allowed,
                               const std::function<std::string(std::string_view)>& hint) const {
  for (const TomlEntry& e : entries()) {
    if (std::find(allowed.begin(), allowed.end(), e.key) != allowed.end()) continue;
    std::string extra = hint ? hint(e.key) : std::string();
    if (extra.empty()) extra = did_you_mean(e.key, allowed);
    if (extra.empty() && !allowed.empty()) extra = "; allowed here: " + join(allowed);
    fail(e.key_pos, "unknown " + key_name(e.key) + extra);
  }
}

void TomlTable::wrong_type(std::string_view key, const TomlValue& value, std::string_view expected) const {
  std::string found = doc_->wording == TomlWording::Full ? ", not " + value.type_name() : "";
  fail(value.pos(), key_name(key) + " must be " + std::string(expected) + found);
}

void TomlTable::wrong_element(std::size_t index, std::string_view key, const TomlValue& element,
                              std::string_view singular, std::string_view plural) const {
  if (doc_->wording == TomlWording::Terse)
    fail(element.pos(), "elements of " + quoted(key) + " must be " + std::string(plural));
  fail(element.pos(), "element " + std::to_string(index + 1) + " of " + quoted(key) + " must be " +
                          std::string(singular) + ", not " + element.type_name());
}

std::optional<std::string> TomlTable::get_string(std::string_view key, std::string_view expected) const {
  std::optional<TomlValue> v = get(key);
  if (!v) return std::nullopt;
  if (!v->is_string()) wrong_type(key, *v, expected);
  return *v->as_string();
}

std::optional<std::int64_t> TomlTable::get_integer(std::string_view key, std::string_view expected) const {
  std::optional<TomlValue> v = get(key);
  if (!v) return std::nullopt;
  std::optional<std::int64_t> i = v->as_integer();
  if (!i) wrong_type(key, *v, expected);
  return i;
}

std::optional<double> TomlTable::get_number(std::string_view key, std::string_view expected) const {
  std::optional<TomlValue> v = get(key);
  if (!v) return std::nullopt;
  std::optional<double> d = v->as_number();
  if (!d) wrong_type(key, *v, expected);
  return d;
}

std::optional<bool> TomlTable::get_bool(std::string_view key, std::string_view expected) const {
  std::optional<TomlValue> v = get(key);
  if (!v) return std::nullopt;
  std::optional<bool> b = v->as_bool();
  if (!b) wrong_type(key, *v, expected);
  return b;
}

std::optional<std::vector<TomlString>> TomlTable::get_strings(std::string_view key,
                                                              std::string_view expected) const {
  std::optional<TomlValue> v = get(key);
  if (!v) return std::nullopt;
  std::optional<TomlArray> array = v->as_array();
  if (!array) wrong_type(key, *v, expected);
  std::vector<TomlString> out;
  for (std::size_t i = 0; i < array->size(); ++i) {
    TomlValue element = (*array)[i];
    if (!element.is_string()) wrong_element(i, key, element, "a string", "strings");
    out.push_back({*element.as_string(), element.pos()});
  }
  return out;
}

std::optional<TomlTable> TomlTable::get_table(std::string_view key, std::string_view expected) const {
  std::optional<TomlValue> v = get(key);
  if (!v) return std::nullopt;
  std::optional<TomlTable> t = v->as_table(where_);
  if (!t) wrong_type(key, *v, expected);
  return t;
}

std::optional<std::vector<TomlTable>> TomlTable::get_tables(std::string_view key,
                                                            std::string_view expected) const {
  std::optional<TomlValue> v = get(key);
  if (!v) return std::nullopt;
  std::optional<TomlArray> array = v->as_array();
  if (!array) wrong_type(key, *v, expected);
  std::vector<TomlTable> out;
  for (std::size_t i = 0; i < array->size(); ++i) {
    TomlValue element = (*array)[i];
    std::optional<TomlTable> t = element.as_table(where_);
    if (!t) wrong_element(i, key, element, "a table", "tables");
    out.push_back(*t);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Documents

TomlDocument::TomlDocument(std::unique_ptr<toml_detail::Document> doc) : doc_(std::move(doc)) {}
TomlDocument::TomlDocument(TomlDocument&&) noexcept = default;
TomlDocument& TomlDocument::operator=(TomlDocument&&) noexcept = default;
TomlDocument::~TomlDocument() = default;

TomlDocument TomlDocument::parse(std::string_view text, const std::string& source_name, TomlWording wording) {
  auto doc = std::make_unique<toml_detail::Document>();
  doc->source = source_name;
  doc->wording = wording;
  try {
    doc->root = toml::parse(text, std::string_view(source_name));
  } catch (const toml::parse_error& e) {
    fail(pos_in(doc.get(), e.source()), std::string(e.description()));
  }
  return TomlDocument(std::move(doc));
}

TomlDocument TomlDocument::parse_file(const std::filesystem::path& file, TomlWording wording) {
  auto doc = std::make_unique<toml_detail::Document>();
  doc->source = file.string();
  doc->wording = wording;
  try {
    doc->root = toml::parse_file(doc->source);
  } catch (const toml::parse_error& e) {
    fail(pos_in(doc.get(), e.source()), std::string(e.description()));
  }
  return TomlDocument(std::move(doc));
}

const std::string& TomlDocument::source() const {
  return doc_->source;
}

TomlTable TomlDocument::root(std::string where) const {
  return TomlTable(doc_.get(), &doc_->root, std::move(where));
}

}  // namespace grader
