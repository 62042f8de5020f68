// The class's files beside the learners' reports in `grade --out DIR`: gradebook.csv, index.html
// and feedback/NAME.html per learner, written from every report of the class once grading ends
// (also after an interrupt, and by `regrade`), atomically, so that they never disagree with the
// reports.
#pragma once

#include <filesystem>
#include <vector>

#include "grader/report/class_report.h"
#include "grader/rubric/model.h"

namespace grader::cli {

void write_class_files(const std::filesystem::path& out_dir, const Rubric& rubric,
                       const std::vector<GradedSubmission>& all);

}  // namespace grader::cli
