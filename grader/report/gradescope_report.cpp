// Gradescope's autograder results.json; see formats.h.
#include "grader/report/formats.h"
#include "grader/util/text.h"

namespace grader {

std::string render_gradescope(const Report& report) {
  nlohmann::json tests = nlohmann::json::array();
  for (const auto& c : report.checks) {
    std::string output = c.message;
    if (c.hint && c.status != CheckStatus::Passed) output += "\nhint: " + *c.hint;
    tests.push_back({
        {"name", sanitize_utf8(c.title)},
        {"score", c.points},
        {"max_score", c.max_points},
        {"status", c.status == CheckStatus::Passed ? "passed" : "failed"},
        {"output", sanitize_utf8(output)},
        // Hidden checks show once the teacher publishes grades, as nbgrader's hidden tests do.
        {"visibility", c.hidden ? "after_published" : "visible"},
    });
  }
  std::string summary;
  if (!report.submission_error.empty()) summary = "submission refused: " + report.submission_error;
  if (!report.runner_error.empty()) summary = "runner error: " + report.runner_error;
  nlohmann::json j = {
      {"score", report.score},
      {"max_score", report.max_score},
      {"output", sanitize_utf8(summary)},
      {"tests", tests},
  };
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace grader
