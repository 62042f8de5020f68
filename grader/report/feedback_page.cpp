// The feedback page; see feedback_page.h.
#include "grader/report/feedback_page.h"

#include <nlohmann/json.hpp>

#include "grader/report/formats.h"
#include "grader/report/html_escape.h"
#include "grader/report/html_page.h"
#include "grader/util/units.h"

namespace grader {

namespace {

using nlohmann::json;

const char* kCss =
    "*{box-sizing:border-box}body{font:15px/1.45 system-ui,sans-serif;color:#222;margin:0 auto;"
    "padding:16px;max-width:860px}h1{font-size:1.4em;margin:.2em 0}h2{font-size:1.15em;margin:1.2em 0 "
    ".4em}h3{font-size:1em;margin:.8em 0 .3em}"
    ".score{font-size:1.25em;font-weight:600}.full{color:#2e7d32}"
    ".problem{border-left:4px solid #c62828;background:#fdecea;padding:6px 10px}"
    "ul.checks{list-style:none;padding:0;margin:0}.check{border:1px solid #ddd;border-radius:6px;"
    "padding:6px 10px;margin:6px 0}.check .head{display:flex;gap:8px;align-items:baseline}"
    ".check .title{flex:1;font-weight:600}.mark{font-weight:700}.passed .mark{color:#2e7d32}"
    ".failed .mark{color:#c62828}.skipped .mark{color:#777}.error .mark{color:#b26a00}"
    ".msg,.hint{margin:.3em 0 0;white-space:pre-wrap;overflow-wrap:anywhere}.hint{color:#555}"
    "pre{background:#f6f6f6;padding:8px;overflow-x:auto;white-space:pre-wrap;overflow-wrap:anywhere;"
    "max-height:30em}code{overflow-wrap:anywhere}.note{color:#555}";

// A string field of the learner JSON; "" for null or absent.
std::string text(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::string points(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_number() ? format_score(it->get<double>()) : std::string();
}

const char* mark(const std::string& status) {
  if (status == "passed") return "✓";
  if (status == "failed") return "✗";
  if (status == "skipped") return "–";
  return "!";
}

std::string check_html(const json& c) {
  std::string status = text(c, "status");
  std::string out = "<li class=\"check " + html_escape(status) +
                    "\"><div class=\"head\"><span class=\"mark\" " + "title=\"" + html_escape(status) +
                    "\">" + mark(status) + "</span><span class=\"title\">" + html_escape(text(c, "title")) +
                    "</span><span class=\"pts\">" + points(c, "points") + " / " + points(c, "max_points") +
                    "</span></div>";
  std::string message = text(c, "message");
  if (!message.empty()) out += "<p class=\"msg\">" + html_escape(message) + "</p>";
  std::string hint = text(c, "hint");
  if (!hint.empty() && status != "passed") out += "<p class=\"hint\">Hint: " + html_escape(hint) + "</p>";
  return out + "</li>\n";
}

std::string stream_html(const json& run, const char* name) {
  std::string data = text(run, name);
  std::string bytes_key = std::string(name) + "_bytes";
  auto total = run.value(bytes_key, std::uint64_t{0});
  if (data.empty() && total == 0) return "";
  std::string out = "<p class=\"note\">" + std::string(name) + ":</p><pre>" + html_escape(data) + "</pre>";
  if (total > data.size())
    out += "<p class=\"note\">(" + std::to_string(total) + " bytes in all; the first part is shown)</p>";
  return out;
}

std::string run_html(const json& run) {
  std::string status = text(run, "status");
  std::string out = "<section class=\"run\"><h3>Run <code>" + html_escape(text(run, "id")) +
                    "</code>: " + html_escape(status) + "</h3>";
  std::string message = text(run, "message");
  if (!message.empty()) out += "<p class=\"msg\">" + html_escape(message) + "</p>";
  std::string command;
  json argv = run.value("command", json::array());
  for (const auto& a : argv.is_array() ? argv : json::array())
    if (a.is_string()) command += (command.empty() ? "" : " ") + a.get<std::string>();
  if (!command.empty()) out += "<p>Command: <code>" + html_escape(command) + "</code></p>";
  return out + stream_html(run, "stdout") + stream_html(run, "stderr") + "</section>\n";
}

std::string runs_html(const json& runs) {
  std::string out;
  int hidden = 0;
  for (const auto& run : runs) {
    // A hidden run's command and output are already null here; the page leaves the run out whole.
    if (run.value("hidden", false)) {
      ++hidden;
      continue;
    }
    out += run_html(run);
  }
  if (hidden)
    out += "<p class=\"note\">" + std::to_string(hidden) +
           (hidden == 1 ? " further run is" : " further runs are") +
           " part of the grading and not shown.</p>\n";
  return out.empty() ? out : "<h2>Runs</h2>\n" + out;
}

std::string error_html(const json& error) {
  if (!error.is_object()) return "";
  std::string kind = text(error, "kind") == "runner" ? "The grader could not run your submission"
                                                     : "Your submission was refused";
  return "<p class=\"problem\">" + kind + ": " + html_escape(text(error, "message")) + "</p>\n";
}

std::string body_html(const json& j) {
  std::string title = text(j, "exercise");
  if (!text(j, "title").empty() && text(j, "title") != title) title += ": " + text(j, "title");
  bool full = j.value("passed", false);
  std::string out = "<h1>" + html_escape(title) + "</h1>\n<p>Feedback for <strong class=\"who\">" +
                    html_escape(text(j, "submission")) + "</strong></p>\n<p class=\"score" +
                    (full ? " full" : "") + "\">Score: " + points(j, "score") + " / " +
                    points(j, "max_score") + (full ? " — full marks" : "") + "</p>\n" +
                    error_html(j.value("error", json()));
  out += "<h2>Checks</h2>\n<ul class=\"checks\">\n";
  for (const auto& c : j.value("checks", json::array())) out += check_html(c);
  return out + "</ul>\n" + runs_html(j.value("runs", json::array()));
}

}  // namespace

std::string feedback_file_name(const std::string& report_file) {
  std::string stem = report_file;
  if (stem.size() > 5 && stem.compare(stem.size() - 5, 5, ".json") == 0) stem.resize(stem.size() - 5);
  return stem + ".html";
}

std::string render_feedback_page(const Report& report) {
  // The learner's view is the one place that decides what a learner sees; the page only lays it out.
  json learner = report_to_json(report, Audience::Learner);
  HtmlPage page;
  page.title = text(learner, "exercise") + " — feedback for " + text(learner, "submission");
  page.css = kCss;
  page.body = body_html(learner);
  return render_html_page(page);
}

}  // namespace grader
