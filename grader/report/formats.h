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

// Gradescope's results.json.
std::string render_gradescope(const Report& report);

// JUnit XML: one <testsuite> per report, one <testcase> per check.
std::string render_junit(const std::vector<Report>& reports, const std::string& name);

}  // namespace grader
