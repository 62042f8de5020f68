// Slurm time values; see slurm_time.h.
#include "grader/util/slurm_time.h"

#include <charconv>
#include <cmath>
#include <vector>

#include "grader/util/text.h"

namespace grader {
namespace {

// Nine digits at most: every field of a real limit fits, and no sum of them can overflow.
std::optional<std::int64_t> whole(std::string_view s) {
  if (s.size() > 9) return std::nullopt;
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size() || v < 0) return std::nullopt;
  return v;
}

// Seconds may be "05" or "01.234"; nothing else has a fraction.
std::optional<double> seconds_field(std::string_view s) {
  auto dot = s.find('.');
  auto w = whole(s.substr(0, dot));
  if (!w) return std::nullopt;
  if (dot == std::string_view::npos) return static_cast<double>(*w);
  std::string_view frac = s.substr(dot + 1);
  auto f = whole(frac);
  if (!f) return std::nullopt;
  return static_cast<double>(*w) + static_cast<double>(*f) / std::pow(10.0, static_cast<double>(frac.size()));
}

bool is_unlimited(std::string_view s) {
  std::string l;
  for (char c : s) l += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return l == "unlimited" || l == "infinite";
}

}  // namespace

std::int64_t SlurmTime::minutes() const {
  return static_cast<std::int64_t>(std::ceil(seconds / 60.0 - 1e-9));
}

std::optional<SlurmTime> parse_slurm_time(std::string_view text) {
  std::string_view s = trim(text);
  if (is_unlimited(s)) return SlurmTime{0, true};
  if (s.empty()) return std::nullopt;
  std::int64_t days = 0;
  bool has_days = false;
  if (auto dash = s.find('-'); dash != std::string_view::npos) {
    auto d = whole(s.substr(0, dash));
    if (!d) return std::nullopt;
    days = *d;
    has_days = true;
    s = s.substr(dash + 1);
  }
  std::vector<std::string_view> parts;
  for (std::size_t begin = 0;;) {
    auto colon = s.find(':', begin);
    parts.push_back(
        s.substr(begin, colon == std::string_view::npos ? std::string_view::npos : colon - begin));
    if (colon == std::string_view::npos) break;
    begin = colon + 1;
  }
  if (parts.size() > 3) return std::nullopt;
  // Which field each part is: D-H[:M[:S]] counts from hours, M[:S] from minutes, H:M:S as written.
  std::size_t first_unit = has_days ? 3600 : parts.size() == 3 ? 3600 : 60;
  double total = 0;
  double unit = static_cast<double>(first_unit);
  for (std::size_t i = 0; i < parts.size(); ++i, unit /= 60) {
    std::optional<double> v = seconds_field(parts[i]);
    if (unit != 1 && parts[i].find('.') != std::string_view::npos) return std::nullopt;
    if (!v) return std::nullopt;
    total += *v * unit;
  }
  return SlurmTime{static_cast<double>(days) * 86400 + total, false};
}

std::string describe_slurm_time(const SlurmTime& t) {
  if (t.unlimited) return "no time limit";
  auto s = static_cast<std::int64_t>(std::llround(t.seconds));
  std::int64_t d = s / 86400, h = s % 86400 / 3600, m = s % 3600 / 60, sec = s % 60;
  std::string out;
  auto add = [&](std::int64_t v, const char* unit) {
    if (v == 0) return;
    if (!out.empty()) out += ' ';
    out += std::to_string(v) + " " + unit;
  };
  add(d, d == 1 ? "day" : "days");
  add(h, "h");
  add(m, "min");
  add(sec, "s");
  return out.empty() ? "0 min" : out;
}

}  // namespace grader
