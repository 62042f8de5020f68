// A class's files beside the learners' reports: gradebook.csv (one row per submission) and
// index.html (the class at a glance). Pure: they render text; the CLI writes it.
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

// "graded", "submission_error" or "runner_error": the gradebook's status column.
std::string class_status(const Report& report);

// submission,score,max_score,passed,status and one column per rubric check's points (empty when
// the report has no such check).
std::string render_gradebook_csv(const Rubric& rubric, const std::vector<GradedSubmission>& all);

// A self-contained page: one row per submission, linking its report.
std::string render_class_html(const Rubric& rubric, const std::vector<GradedSubmission>& all);

}  // namespace grader
