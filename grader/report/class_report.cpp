// Report file names and gradebook.csv for a class; see class_report.h.
#include "grader/report/class_report.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <map>
#include <string_view>

#include "grader/util/text.h"
#include "grader/util/units.h"

namespace grader {

namespace {

bool is_plain(const std::string& name) {
  if (name.empty() || name[0] == '.') return false;
  for (char c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-' && c != '_') return false;
  return true;
}

// FNV-1a, 32 bits shown: enough to keep a class's names apart, and stable across runs.
std::string short_hash(const std::string& s) {
  std::uint64_t h = 1469598103934665603ull;
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
  char buf[9];
  std::snprintf(buf, sizeof buf, "%08x", static_cast<unsigned>(h ^ (h >> 32)));
  return buf;
}

}  // namespace

const CheckResult* find_check(const Report& r, const std::string& id) {
  auto it = std::find_if(r.checks.begin(), r.checks.end(), [&](const auto& x) { return x.id == id; });
  return it == r.checks.end() ? nullptr : &*it;
}

std::vector<std::string> report_file_names(const std::vector<std::string>& names) {
  std::map<std::string, int> folded;
  for (const auto& n : names)
    if (is_plain(n)) folded[to_lower(n)]++;
  std::vector<std::string> out;
  for (const auto& n : names) {
    if (is_plain(n) && folded[to_lower(n)] == 1) {
      out.push_back(n + ".json");
      continue;
    }
    std::string s;
    for (char c : n)
      s += (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_') ? c : '_';
    if (s.empty() || s[0] == '.') s = "_" + s;
    out.push_back(s + "~" + short_hash(n) + ".json");
  }
  return out;
}

std::string csv_cell(const std::string& text) {
  std::string s = text;
  if (!s.empty() && std::string_view("=+-@\t\r").find(s[0]) != std::string_view::npos) s = "'" + s;
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string class_status(const Report& r) {
  if (r.runner_failed()) return "runner_error";
  if (!r.submission_error.empty()) return "submission_error";
  return "graded";
}

std::string render_gradebook_csv(const Rubric& rubric, const std::vector<GradedSubmission>& all) {
  std::string out = "submission,score,max_score,passed,status";
  for (const auto& c : rubric.checks) out += "," + csv_cell(c.id);
  out += "\n";
  for (const auto& g : all) {
    const Report& r = g.report;
    out += csv_cell(g.name) + "," + format_score(r.score) + "," + format_score(r.max_score) + "," +
           (r.passed ? "true" : "false") + "," + class_status(r);
    for (const auto& c : rubric.checks) {
      const CheckResult* x = find_check(r, c.id);
      out += "," + (x ? format_score(x->points) : std::string());
    }
    out += "\n";
  }
  return out;
}

}  // namespace grader
