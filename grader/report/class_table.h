// The overview's table: one row per submission (its name linking its feedback page, score,
// status, a cell per rubric check, its JSON report), and header buttons the page's script sorts
// by. Each cell's data-sort, where there is one, is the value it sorts by; else its text.
#pragma once

#include <string>
#include <vector>

#include "grader/report/class_report.h"
#include "grader/rubric/model.h"

namespace grader {

// The <table> element; its id is "class-table". Column keys (data-key): "submission", "score",
// "status", "check-ID" per check, "report".
std::string class_table_html(const Rubric& rubric, const std::vector<GradedSubmission>& all);

}  // namespace grader
