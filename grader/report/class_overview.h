// index.html of `grade --out DIR`: the class at a glance, for the teacher. One self-contained page
// (it works from file://, fetches nothing): the summary (mean, median, full marks, runner errors),
// the score histogram and each check's pass rate as inline SVG, each check's most common failure
// messages, and the class table, sortable by any column, linking each learner's feedback page
// (feedback_page.h) and JSON report. Every name, message and output is escaped.
//
// The table sorts on load by `?sort=KEY` (`?sort=-KEY`: descending), KEY a column's data-key
// ("score", "submission", "check-ID"), so that a sorted view can be linked and tested.
#pragma once

#include <string>
#include <vector>

#include "grader/report/class_report.h"
#include "grader/rubric/model.h"

namespace grader {

std::string render_class_html(const Rubric& rubric, const std::vector<GradedSubmission>& all);

// The overview's script (sorting), and its Content-Security-Policy hash source.
extern const char* const kClassTableScript;
extern const char* const kClassTableScriptHash;

}  // namespace grader
