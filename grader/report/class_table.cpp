// The class table; see class_table.h.
#include "grader/report/class_table.h"

#include <algorithm>

#include "grader/report/feedback_page.h"
#include "grader/report/html_escape.h"
#include "grader/util/units.h"

namespace grader {

namespace {

const char* kMark[] = {"✓", "✗", "–", "!"};  // by CheckStatus: passed, failed, skipped, error

std::string head(const std::string& key, const std::string& label, bool numeric) {
  return "<th data-key=\"" + html_escape(key) + "\" data-type=\"" + (numeric ? "number" : "text") +
         "\"><button type=\"button\">" + html_escape(label) + "</button></th>";
}

std::string check_cell(const CheckResult* c) {
  if (!c) return "<td class=\"none\" data-sort=\"\">—</td>";
  std::string status = to_string(c->status);
  return "<td class=\"" + status + "\" data-sort=\"" + format_score(c->points) + "\" title=\"" + status +
         "\">" + kMark[static_cast<int>(c->status)] + " " + format_score(c->points) + "</td>";
}

std::string row(const Rubric& rubric, const GradedSubmission& g) {
  const Report& r = g.report;
  std::string status = class_status(r);
  std::string css = status == "runner_error" ? "err" : r.passed ? "full" : "part";
  std::string page = std::string(kFeedbackDir) + "/" + url_path_segment(feedback_file_name(g.file));
  std::string out = "<tr class=\"row " + css + "\" data-file=\"" + html_escape(g.file) + "\"><td><a href=\"" +
                    html_escape(page) + "\">" + html_escape(g.name) + "</a></td><td data-sort=\"" +
                    format_score(r.score) + "\">" + format_score(r.score) + " / " +
                    format_score(r.max_score) + "</td><td>" + status + "</td>";
  for (const auto& c : rubric.checks) out += check_cell(find_check(r, c.id));
  return out + "<td><a href=\"" + html_escape(url_path_segment(g.file)) + "\">json</a></td></tr>\n";
}

}  // namespace

std::string class_table_html(const Rubric& rubric, const std::vector<GradedSubmission>& all) {
  std::string out = "<table id=\"class-table\"><thead><tr>" + head("submission", "submission", false) +
                    head("score", "score", true) + head("status", "status", false);
  for (const auto& c : rubric.checks) out += head("check-" + c.id, c.id, true);
  out += head("report", "report", false) + "</tr></thead>\n<tbody>\n";
  for (const auto& g : all) out += row(rubric, g);
  return out + "</tbody></table>\n";
}

}  // namespace grader
