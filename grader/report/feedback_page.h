// A learner's feedback page: one self-contained HTML page per submission that a teacher can hand
// out. It is drawn from the learner's view of the report (report_to_json with Audience::Learner),
// so it shows exactly what a learner's JSON report would and nothing more: no check's `detail`,
// so no hidden check's expected values; no hidden run at all. It runs no script.
#pragma once

#include <string>

#include "grader/report/report.h"

namespace grader {

// The folder of the feedback pages, beside the reports.
inline constexpr const char* kFeedbackDir = "feedback";

// The page's file name for a report file: "alice.html" for "alice.json". Report file names are
// unique per class (report_file_names), and so are these.
std::string feedback_file_name(const std::string& report_file);

std::string render_feedback_page(const Report& report);

}  // namespace grader
