// The report's output formats. Every string that came from learner output is made valid UTF-8
// first (invalid bytes become "\xNN"), so each format is well-formed whatever was printed.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "grader/report/report.h"

namespace grader {

// grader-report/1; docs/report.md. A Learner audience gets no hidden expected values and no
// hidden run's command or output.
nlohmann::json report_to_json(const Report& report, Audience audience);
std::string render_json(const Report& report, Audience audience);

// For a terminal: a line per check with ✓/✗, points, message, hint. `color`: ANSI colours.
std::string render_text(const Report& report, Audience audience, bool color);

// Gradescope's results.json, for its autograder harness: score, max_score, execution_time (the
// runs' wall seconds, summed and rounded up), output, output_format "text", and tests[] each with
// name, score, max_score, status, output, output_format "text" and visibility. Learner-facing.
std::string render_gradescope(const Report& report);

// PrairieLearn's external grader results.json: gradable, score as a fraction of max_score,
// message, tests[] (name, description, points, max_points, message, output). Learner-facing: no
// hidden expected value, no run output.
std::string render_prairielearn(const Report& report);

// JUnit XML as CI systems read it (GitLab's unit test reports): one <testsuite> per report, one
// <testcase> per check; a failure's or error's whole text, hint included, in the element's body
// (GitLab shows the body, not the message attribute), and a skipped check's reason there too.
std::string render_junit(const std::vector<Report>& reports, const std::string& name);

}  // namespace grader
