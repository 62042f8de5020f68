// Values of sbatch options; see parser.h (parse_memory, parse_gres, parse_gpus,
// constraint_features) and values.h.
#include "grader/jobscript/values.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <vector>

#include "grader/jobscript/parser.h"
#include "grader/util/text.h"

namespace grader::jobscript {

namespace detail {

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::optional<std::int64_t> to_int(std::string_view s) {
  if (!all_digits(s) || s.size() > 9) return std::nullopt;
  std::int64_t v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

}  // namespace detail

using detail::all_digits;
using detail::to_int;

std::optional<std::uint64_t> parse_memory(std::string_view text) {
  std::string_view s = trim(text);
  std::size_t n = 0;
  while (n < s.size() && s[n] >= '0' && s[n] <= '9') ++n;
  auto v = to_int(s.substr(0, n));
  if (!v) return std::nullopt;
  std::string unit = to_lower(s.substr(n));
  if (unit.size() == 2 && unit[1] == 'b') unit.pop_back();
  std::uint64_t mib = 1024ull * 1024;
  std::uint64_t factor = 0;
  if (unit.empty() || unit == "m")
    factor = mib;
  else if (unit == "k")
    factor = 1024;
  else if (unit == "g")
    factor = mib * 1024;
  else if (unit == "t")
    factor = mib * 1024 * 1024;
  else
    return std::nullopt;
  if (static_cast<std::uint64_t>(*v) > UINT64_MAX / factor) return std::nullopt;
  return static_cast<std::uint64_t>(*v) * factor;
}

std::optional<std::vector<GresSpec>> parse_gres(std::string_view text) {
  std::vector<GresSpec> out;
  std::string_view s = trim(text);
  if (s.empty()) return std::nullopt;
  std::size_t begin = 0;
  while (begin <= s.size()) {
    auto comma = s.find(',', begin);
    std::string_view item =
        s.substr(begin, comma == std::string_view::npos ? std::string_view::npos : comma - begin);
    std::vector<std::string_view> parts;
    std::size_t b = 0;
    while (true) {
      auto colon = item.find(':', b);
      parts.push_back(item.substr(b, colon == std::string_view::npos ? std::string_view::npos : colon - b));
      if (colon == std::string_view::npos) break;
      b = colon + 1;
    }
    GresSpec g;
    if (parts.empty() || parts.size() > 3 || parts[0].empty()) return std::nullopt;
    for (char c : parts[0])
      if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '/')) return std::nullopt;
    g.name = std::string(parts[0]);
    if (parts.size() == 2) {
      if (auto n = to_int(parts[1]))
        g.count = *n;
      else
        g.type = std::string(parts[1]);
    } else if (parts.size() == 3) {
      g.type = std::string(parts[1]);
      auto n = to_int(parts[2]);
      if (!n) return std::nullopt;
      g.count = *n;
    }
    if (g.count < 1 || (parts.size() >= 2 && parts.back().empty())) return std::nullopt;
    out.push_back(std::move(g));
    if (comma == std::string_view::npos) break;
    begin = comma + 1;
  }
  return out;
}

std::optional<GresSpec> parse_gpus(std::string_view text) {
  std::string_view s = trim(text);
  GresSpec g;
  g.name = "gpu";
  auto colon = s.rfind(':');
  std::string_view count = colon == std::string_view::npos ? s : s.substr(colon + 1);
  if (colon != std::string_view::npos) {
    g.type = std::string(s.substr(0, colon));
    if (g.type.empty() || g.type.find(':') != std::string::npos) return std::nullopt;
  }
  auto n = to_int(count);
  if (!n || *n < 1) return std::nullopt;
  g.count = *n;
  return g;
}

std::vector<std::string> constraint_features(std::string_view text) {
  std::vector<std::string> out;
  std::string cur;
  auto flush = [&] {
    if (!cur.empty() && !all_digits(cur)) out.push_back(cur);
    cur.clear();
  };
  for (char c : text) {
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.') {
      cur += c;
    } else {
      flush();
    }
  }
  flush();
  return out;
}

}  // namespace grader::jobscript
