// Gradescope's autograder results.json; see formats.h. The fields are those of
// https://gradescope-autograders.readthedocs.io/en/latest/specs/ ("Output format").
#include <cmath>

#include "grader/report/formats.h"
#include "grader/util/text.h"

namespace grader {

namespace {

// Gradescope renders "text" as it is: learner output that looks like HTML or Markdown is never
// interpreted ("html", "simple_format", "md" and "ansi" would be).
constexpr const char* kOutputFormat = "text";

// Whole seconds, as the spec's example gives them: the time the runs took, rounded up so that a
// grading that ran anything never reads 0.
long execution_time(const Report& report) {
  double wall = 0;
  for (const auto& run : report.runs) wall += run.result.wall_s;
  return static_cast<long>(std::ceil(wall));
}

}  // namespace

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
        {"output_format", kOutputFormat},
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
      {"execution_time", execution_time(report)},
      {"output", sanitize_utf8(summary)},
      {"output_format", kOutputFormat},
      {"test_output_format", kOutputFormat},
      {"tests", tests},
  };
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace grader
