// The report for a person at a terminal; see formats.h.
#include <cstdio>

#include "grader/report/formats.h"
#include "grader/util/text.h"
#include "grader/util/units.h"

namespace grader {

namespace {

struct Palette {
  bool on;
  std::string paint(const char* code, const std::string& s) const {
    return on ? std::string("\033[") + code + "m" + s + "\033[0m" : s;
  }
  std::string green(const std::string& s) const { return paint("32", s); }
  std::string red(const std::string& s) const { return paint("31", s); }
  std::string yellow(const std::string& s) const { return paint("33", s); }
  std::string dim(const std::string& s) const { return paint("2", s); }
  std::string bold(const std::string& s) const { return paint("1", s); }
};

std::string indent_lines(std::string_view text, const std::string& prefix) {
  std::string out;
  for (auto line : split_lines(text)) out += prefix + std::string(line) + "\n";
  return out;
}

// The last lines of a stream: where a Traceback ends.
std::string tail(std::string_view s, std::size_t max_lines) {
  auto lines = split_lines(s);
  std::size_t from = lines.size() > max_lines ? lines.size() - max_lines : 0;
  std::string out;
  for (std::size_t i = from; i < lines.size(); ++i) out += std::string(lines[i]) + "\n";
  return out;
}

}  // namespace

std::string render_text(const Report& report, Audience audience, bool color) {
  Palette p{color};
  std::string out;
  out += p.bold(report.exercise) +
         (report.title.empty() || report.title == report.exercise ? "" : ": " + report.title) +
         p.dim("  (" + terminal_safe(report.submission) + ")") + "\n";
  if (!report.submission_error.empty())
    out += p.red("submission refused: " + terminal_safe(report.submission_error)) + "\n";
  if (!report.runner_error.empty())
    out += p.red("runner error: " + terminal_safe(report.runner_error)) + "\n";

  std::size_t width = 0;
  for (const auto& c : report.checks) width = std::max(width, c.title.size());
  for (const auto& c : report.checks) {
    std::string mark;
    switch (c.status) {
      case CheckStatus::Passed: mark = p.green("✓"); break;
      case CheckStatus::Failed: mark = p.red("✗"); break;
      case CheckStatus::Skipped: mark = p.yellow("-"); break;
      case CheckStatus::Error: mark = p.yellow("!"); break;
    }
    std::string title = terminal_safe(c.title);
    title.resize(std::max(width, title.size()), ' ');
    std::string pts = format_2dp(c.points) + "/" + format_2dp(c.max_points);
    pts.resize(std::max<std::size_t>(pts.size(), 7), ' ');
    const std::string& message = audience == Audience::Teacher ? c.detail : c.message;
    std::string safe_message = terminal_safe(message);  // split_lines returns views into it
    auto lines = split_lines(safe_message);
    out += "  " + mark + " " + title + "  " + pts + " " + (lines.empty() ? "" : std::string(lines[0])) + "\n";
    for (std::size_t i = 1; i < lines.size(); ++i) out += "      " + std::string(lines[i]) + "\n";
    if (c.hint && c.status != CheckStatus::Passed)
      out += "      " + p.dim("hint: " + terminal_safe(*c.hint)) + "\n";
  }

  // A run that crashed explains many failures at once: show how it ended and its last words.
  for (const auto& s : report.runs) {
    const RunResult& r = s.result;
    if (r.status == RunStatus::Ok) continue;
    bool show = !s.hidden || audience == Audience::Teacher;
    out += "\n" + p.yellow("run '" + r.id + "'") + ": " +
           terminal_safe(r.message.empty() ? to_string(r.status) : r.message) + "\n";
    if (show && !r.err.data.empty())
      out += "  stderr, last lines:\n" + indent_lines(terminal_safe(tail(r.err.data, 8)), "    | ");
  }

  std::string total = "Score: " + format_2dp(report.score) + "/" + format_2dp(report.max_score);
  out += "\n" + (report.passed ? p.green(total + "  all checks passed") : p.bold(total)) + "\n";
  return out;
}

}  // namespace grader
