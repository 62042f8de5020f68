// Durations and sizes as people write them in rubrics and on the command line. The grammar is
// deliberately small: a plain decimal number (no sign, no exponent, no "inf"), optional spaces,
// then a unit. Anything else is rejected rather than guessed at.
#include "grader/util/units.h"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>
#include <sstream>

namespace grader {
namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

char lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool is_space(char c) {
  return c == ' ' || c == '\t';
}

std::string_view strip(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

// Splits "1.5 GiB" into "1.5" and "GiB". The number is digits with at most one '.', and at least
// one digit. False when there is no such number at the start.
bool split_number(std::string_view text, std::string_view& number, std::string_view& unit) {
  std::size_t i = 0;
  std::size_t digits = 0;
  bool dot = false;
  for (; i < text.size(); ++i) {
    if (is_digit(text[i])) {
      ++digits;
    } else if (text[i] == '.' && !dot) {
      dot = true;
    } else {
      break;
    }
  }
  if (digits == 0) return false;
  number = text.substr(0, i);
  unit = strip(text.substr(i));
  return true;
}

std::optional<double> to_double(std::string_view number) {
  double value = 0;
  auto [end, ec] =
      std::from_chars(number.data(), number.data() + number.size(), value, std::chars_format::fixed);
  if (ec != std::errc() || end != number.data() + number.size() || !std::isfinite(value)) {
    return std::nullopt;
  }
  return value;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

// "1.25", "10", "250": at most three significant digits, no trailing zeros.
std::string short_number(double v) {
  char buf[64];
  int decimals = v >= 100 ? 0 : (v >= 10 ? 1 : 2);
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  std::string s = buf;
  if (s.find('.') != std::string::npos) {
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
  }
  return s;
}

// Whether `v` shows as 1000 (or `limit`) or more once rounded the way short_number rounds it.
bool rounds_to_at_least(double v, double limit) {
  return std::round(v) >= limit;
}

}  // namespace

std::optional<double> parse_duration(std::string_view text) {
  std::string_view number;
  std::string_view unit;
  if (!split_number(strip(text), number, unit)) return std::nullopt;
  std::optional<double> value = to_double(number);
  if (!value) return std::nullopt;

  struct Unit {
    std::string_view name;
    double seconds;
  };
  static constexpr std::array<Unit, 8> kUnits{{{"", 1},
                                               {"s", 1},
                                               {"ms", 1e-3},
                                               {"us", 1e-6},
                                               {"\xC2\xB5s", 1e-6},  // µs
                                               {"m", 60},
                                               {"min", 60},
                                               {"h", 3600}}};
  for (const Unit& u : kUnits) {
    if (unit == u.name) {
      double seconds = *value * u.seconds;
      if (!std::isfinite(seconds)) return std::nullopt;
      return seconds;
    }
  }
  return std::nullopt;
}

std::optional<std::uint64_t> parse_size(std::string_view text) {
  std::string_view number;
  std::string_view unit;
  if (!split_number(strip(text), number, unit)) return std::nullopt;

  // The multiplier letter, then nothing, "B" or "iB" (any case): "512", "512K", "512KB", "512KiB".
  std::uint64_t multiplier = 1;
  if (!unit.empty() && !iequals(unit, "b")) {
    static constexpr std::string_view kLetters = "kmgt";
    std::size_t power = kLetters.find(lower(unit.front()));
    if (power == std::string_view::npos) return std::nullopt;
    std::string_view rest = unit.substr(1);
    if (!rest.empty() && !iequals(rest, "b") && !iequals(rest, "ib")) return std::nullopt;
    multiplier = std::uint64_t{1} << (10 * (power + 1));
  }

  constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();
  if (number.find('.') == std::string_view::npos) {
    // Whole numbers exactly, so that "18446744073709551615" survives.
    std::uint64_t value = 0;
    auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), value);
    if (ec != std::errc() || end != number.data() + number.size()) return std::nullopt;
    if (value > kMax / multiplier) return std::nullopt;
    return value * multiplier;
  }
  std::optional<double> value = to_double(number);
  if (!value) return std::nullopt;
  double bytes = std::round(*value * static_cast<double>(multiplier));
  // 2^64 as a double; anything at or above it does not fit.
  if (!(bytes < 18446744073709551616.0)) return std::nullopt;
  return static_cast<std::uint64_t>(bytes);
}

std::string format_duration(double seconds) {
  if (std::isnan(seconds)) return "nan s";
  if (seconds < 0) return "-" + format_duration(-seconds);
  if (std::isinf(seconds)) return "inf s";
  if (seconds == 0) return "0 s";

  struct Unit {
    const char* name;
    double seconds;
  };
  static constexpr std::array<Unit, 4> kUnits{{{"ns", 1e-9}, {"\xC2\xB5s", 1e-6}, {"ms", 1e-3}, {"s", 1}}};
  std::size_t i = kUnits.size() - 1;
  while (i > 0 && seconds < kUnits[i].seconds) --i;
  // 999.7 ms shows as "1 s", not "1000 ms".
  if (i + 1 < kUnits.size() && rounds_to_at_least(seconds / kUnits[i].seconds, 1000)) ++i;
  return short_number(seconds / kUnits[i].seconds) + " " + kUnits[i].name;
}

std::string format_size(std::uint64_t bytes) {
  static constexpr std::array<const char*, 7> kUnits{"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  if (bytes < 1024) return std::to_string(bytes) + " B";
  std::size_t i = 0;
  double value = static_cast<double>(bytes);
  while (i + 1 < kUnits.size() && value >= 1024) {
    value /= 1024;
    ++i;
  }
  // 1023.9 KiB shows as "1 MiB", not "1024 KiB".
  if (i + 1 < kUnits.size() && rounds_to_at_least(value, 1024)) {
    value /= 1024;
    ++i;
  }
  return short_number(value) + " " + kUnits[i];
}

std::string format_score(double points) {
  std::ostringstream o;
  o << points;
  return o.str();
}

std::string format_2dp(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  std::string s = buf;
  s.erase(s.find_last_not_of('0') + 1);
  if (s.back() == '.') s.pop_back();
  return s;
}

}  // namespace grader
