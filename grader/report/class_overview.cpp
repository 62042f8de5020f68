// The class overview page; see class_overview.h.
#include "grader/report/class_overview.h"

#include <cmath>

#include "grader/report/class_stats.h"
#include "grader/report/class_table.h"
#include "grader/report/html_escape.h"
#include "grader/report/html_page.h"
#include "grader/report/svg_charts.h"
#include "grader/util/units.h"

namespace grader {

// Sorts the class table by a header's column on click, and by ?sort= on load. Rows keep their
// order among equals (Array.prototype.sort is stable).
const char* const kClassTableScript = R"JS(
(function () {
  var table = document.getElementById('class-table');
  if (!table) return;
  var heads = table.tHead.rows[0].cells;
  function value(row, i, numeric) {
    var cell = row.cells[i];
    var v = cell.hasAttribute('data-sort') ? cell.getAttribute('data-sort') : cell.textContent;
    if (!numeric) return v;
    var n = parseFloat(v);
    return isNaN(n) ? -Infinity : n;
  }
  function sortBy(i, descending) {
    var numeric = heads[i].getAttribute('data-type') === 'number';
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = value(a, i, numeric), y = value(b, i, numeric);
      var c = numeric ? (x < y ? -1 : x > y ? 1 : 0) : x.localeCompare(y);
      return descending ? -c : c;
    });
    rows.forEach(function (r) { body.appendChild(r); });
    for (var j = 0; j < heads.length; j++) heads[j].removeAttribute('aria-sort');
    heads[i].setAttribute('aria-sort', descending ? 'descending' : 'ascending');
  }
  Array.prototype.forEach.call(heads, function (th, i) {
    th.querySelector('button').addEventListener('click', function () {
      sortBy(i, th.getAttribute('aria-sort') === 'ascending');
    });
  });
  var wanted = new URLSearchParams(window.location.search).get('sort');
  if (!wanted) return;
  var descending = wanted.charAt(0) === '-';
  var key = descending ? wanted.slice(1) : wanted;
  Array.prototype.forEach.call(heads, function (th, i) {
    if (th.getAttribute('data-key') === key) sortBy(i, descending);
  });
})();
)JS";

// base64(sha256(kClassTableScript)); change both together (the integration test recomputes it).
const char* const kClassTableScriptHash = "'sha256-7/gM0P4HVGt7eY61GI91M0WsnPinuKb9r+ik7IfYuWM='";

namespace {

const char* kCss =
    "*{box-sizing:border-box}body{font:15px/1.45 system-ui,sans-serif;color:#222;margin:0 auto;"
    "padding:16px;max-width:1200px}h1{font-size:1.4em;margin:.2em 0}h2{font-size:1.15em;margin:1.4em 0 .5em}"
    "h3{font-size:1em;margin:0 0 .3em}.summary{display:flex;flex-wrap:wrap;gap:8px;margin:12px 0}"
    ".summary div{border:1px solid #ddd;border-radius:6px;padding:6px 12px;min-width:120px}"
    ".summary dt{font-size:.8em;color:#555}.summary dd{margin:0;font-size:1.3em;font-weight:600}"
    "svg{display:block;max-width:100%;height:auto}svg text{font-size:13px;fill:#333}"
    ".axis{stroke:#999}.bar{fill:#5c6bc0}.bar.err{fill:#f9a825}"
    "svg.rate{width:100%;height:12px;border-radius:3px}rect.passed{fill:#43a047}rect.failed{fill:#e53935}"
    "rect.skipped{fill:#bdbdbd}rect.error{fill:#fbc02d}rect.none{fill:#eee}"
    ".checks{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(340px,100%),1fr));gap:10px}"
    ".check{border:1px solid #ddd;border-radius:6px;padding:8px 12px}.rate-text{color:#555;font-size:.9em}"
    ".failures{margin:.4em 0 0;padding-left:1.4em}.failures li{overflow-wrap:anywhere}.count{font-weight:600}"
    ".scroll{overflow-x:auto}table{border-collapse:collapse;width:100%}"
    "th,td{border-bottom:1px solid #ddd;padding:4px 8px;text-align:left;white-space:nowrap}"
    "th button{font:inherit;font-weight:600;background:none;border:0;padding:0;cursor:pointer;color:inherit}"
    "th[aria-sort=ascending] button::after{content:' ▲'}th[aria-sort=descending] button::after{content:' ▼'}"
    "td.passed{color:#2e7d32}td.failed{color:#c62828}td.skipped{color:#777}td.error{color:#b26a00}"
    "tr.full td:first-child{border-left:4px solid #43a047}tr.part td:first-child{border-left:4px solid "
    "#e53935}"
    "tr.err td:first-child{border-left:4px solid #f9a825}.note{color:#555}";

std::string two_decimals(std::optional<double> v) {
  return v ? format_score(std::round(*v * 100) / 100) : "—";
}

std::string stat(const char* key, const std::string& label, const std::string& value) {
  return "<div data-stat=\"" + std::string(key) + "\"><dt>" + label + "</dt><dd>" + value + "</dd></div>";
}

std::string summary_html(const ClassSummary& s) {
  std::string of = " / " + format_score(s.max_score);
  return "<dl class=\"summary\">" + stat("submissions", "submissions", std::to_string(s.submissions)) +
         stat("mean", "mean", two_decimals(s.mean) + of) +
         stat("median", "median", two_decimals(s.median) + of) +
         stat("full-marks", "full marks", std::to_string(s.full_marks)) +
         stat("runner-errors", "runner errors", std::to_string(s.runner_errors)) +
         stat("refused", "refused", std::to_string(s.refused)) + "</dl>\n";
}

std::string check_html(const CheckTally& t) {
  std::size_t total = t.total();
  std::string rate = total ? std::to_string(t.passed * 100 / total) + "%" : "no results";
  std::string out =
      "<section class=\"check\" data-check=\"" + html_escape(t.id) + "\"><h3>" + html_escape(t.title) +
      (t.title != t.id ? " <code>" + html_escape(t.id) + "</code>" : "") +
      (t.hidden ? " <small>(hidden)</small>" : "") + "</h3>" + pass_rate_svg(t) + "<p class=\"rate-text\">" +
      std::to_string(t.passed) + " of " + std::to_string(total) + " passed (" + rate + ")";
  if (t.failed) out += ", " + std::to_string(t.failed) + " failed";
  if (t.skipped) out += ", " + std::to_string(t.skipped) + " skipped";
  if (t.errors) out += ", " + std::to_string(t.errors) + " errors";
  out += "</p>";
  if (!t.common_failures.empty()) {
    out += "<ol class=\"failures\">";
    for (const auto& f : t.common_failures)
      out += "<li><span class=\"count\">" + std::to_string(f.count) + "×</span> " + html_escape(f.message) +
             "</li>";
    out += "</ol>";
  }
  return out + "</section>\n";
}

std::string body_html(const Rubric& rubric, const std::vector<GradedSubmission>& all) {
  ClassSummary summary = summarise_class(rubric, all);
  std::string title = rubric.exercise + (rubric.title.empty() ? "" : ": " + rubric.title);
  std::string out = "<h1>" + html_escape(title) + "</h1>\n" + summary_html(summary) + "<h2>Scores</h2>\n" +
                    histogram_svg(summary) + "\n<h2>Checks</h2>\n<div class=\"checks\">\n";
  for (const auto& t : tally_checks(rubric, all)) out += check_html(t);
  out +=
      "</div>\n<h2>Submissions</h2>\n<p class=\"note\">Each name opens the learner's feedback page, which "
      "shows only what the learner may see and can be handed out. Click a column to sort.</p>\n"
      "<div class=\"scroll\">" +
      class_table_html(rubric, all) + "</div>\n";
  return out;
}

}  // namespace

std::string render_class_html(const Rubric& rubric, const std::vector<GradedSubmission>& all) {
  HtmlPage page;
  page.title = rubric.exercise + " — class overview";
  page.css = kCss;
  page.body = body_html(rubric, all);
  page.script = kClassTableScript;
  page.script_hash = kClassTableScriptHash;
  return render_html_page(page);
}

}  // namespace grader
