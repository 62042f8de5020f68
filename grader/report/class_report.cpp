// gradebook.csv and index.html for a class; see class_report.h.
#include "grader/report/class_report.h"

#include <algorithm>
#include <sstream>

#include "grader/util/text.h"

namespace grader {

namespace {

std::string fmt(double v) {
  std::ostringstream o;
  o << v;
  return o.str();
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string html_escape(const std::string& raw) {
  std::string s = sanitize_utf8(raw), out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

const CheckResult* find_check(const Report& r, const std::string& id) {
  auto it = std::find_if(r.checks.begin(), r.checks.end(), [&](const auto& x) { return x.id == id; });
  return it == r.checks.end() ? nullptr : &*it;
}

std::string html_row(const Rubric& rubric, const GradedSubmission& g) {
  const Report& r = g.report;
  std::string status = class_status(r);
  std::string cls = status == "runner_error" ? "err" : r.passed ? "ok" : "no";
  std::ostringstream o;
  o << "<tr class=\"" << cls << "\"><td><a href=\"" << html_escape(g.file) << "\">" << html_escape(g.name)
    << "</a></td><td>" << fmt(r.score) << " / " << fmt(r.max_score) << "</td><td>" << status << "</td>";
  for (const auto& c : rubric.checks) {
    const CheckResult* x = find_check(r, c.id);
    o << "<td>" << (x ? fmt(x->points) + " " + to_string(x->status) : "") << "</td>";
  }
  o << "</tr>\n";
  return o.str();
}

}  // namespace

std::string class_status(const Report& r) {
  if (r.runner_failed()) return "runner_error";
  if (!r.submission_error.empty()) return "submission_error";
  return "graded";
}

std::string render_gradebook_csv(const Rubric& rubric, const std::vector<GradedSubmission>& all) {
  std::string out = "submission,score,max_score,passed,status";
  for (const auto& c : rubric.checks) out += "," + csv_field(c.id);
  out += "\n";
  for (const auto& g : all) {
    const Report& r = g.report;
    out += csv_field(g.name) + "," + fmt(r.score) + "," + fmt(r.max_score) + "," +
           (r.passed ? "true" : "false") + "," + class_status(r);
    for (const auto& c : rubric.checks) {
      const CheckResult* x = find_check(r, c.id);
      out += "," + (x ? fmt(x->points) : std::string());
    }
    out += "\n";
  }
  return out;
}

std::string render_class_html(const Rubric& rubric, const std::vector<GradedSubmission>& all) {
  std::string t = rubric.exercise;
  std::ostringstream o;
  o << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" << html_escape(t)
    << " — class overview</title>\n<style>body{font-family:sans-serif}table{border-collapse:collapse}"
       "td,th{border:1px solid #999;padding:2px 6px}.ok{background:#dfd}.no{background:#fdd}"
       ".err{background:#fe9}</style></head>\n<body>\n<h1>"
    << html_escape(t) << ": " << html_escape(rubric.title) << "</h1>\n<p>" << all.size()
    << " submissions.</p>\n<table>\n<tr><th>submission</th><th>score</th><th>status</th>";
  for (const auto& c : rubric.checks) o << "<th>" << html_escape(c.id) << "</th>";
  o << "</tr>\n";
  for (const auto& g : all) o << html_row(rubric, g);
  o << "</table>\n</body></html>\n";
  return o.str();
}

}  // namespace grader
