// A class's files beside the learners' reports: their names, and gradebook.csv (one row per
// submission). Pure: they render text; the CLI writes it. index.html is class_overview.h's, the
// learners' pages feedback_page.h's.
#pragma once

#include <string>
#include <vector>

#include "grader/report/report.h"
#include "grader/rubric/model.h"

namespace grader {

// One graded submission as the class files list it.
struct GradedSubmission {
  std::string name;  // the submission's directory name
  std::string file;  // its report's file name, relative to the class files
  Report report;
};

// The report's result for the rubric check `id`; nullptr when the report has none (it was graded
// with an older rubric, or grading stopped before checks).
const CheckResult* find_check(const Report& report, const std::string& id);

// The report file name of each submission ("alice.json"), unique across the class and the same on
// every run: a name that is not plain ([A-Za-z0-9._-], not starting with '.') has its other bytes
// shown as '_' and a short hash of the whole name after a '~' ("a_b~1f0c2e9a.json" for "a b"),
// which no plain name can spell; plain names that differ only in case (they would meet on a
// case-insensitive disk) get the hash too.
std::vector<std::string> report_file_names(const std::vector<std::string>& names);

// A CSV cell: quoted when it holds a comma, quote or line break; a text cell that a spreadsheet
// would run as a formula (it starts with '=', '+', '-', '@', tab or CR) gets a leading "'",
// as OWASP advises against CSV injection.
std::string csv_cell(const std::string& text);

// "graded", "submission_error" or "runner_error": the gradebook's status column.
std::string class_status(const Report& report);

// submission,score,max_score,passed,status and one column per rubric check's points (empty when
// the report has no such check).
std::string render_gradebook_csv(const Rubric& rubric, const std::vector<GradedSubmission>& all);

}  // namespace grader
