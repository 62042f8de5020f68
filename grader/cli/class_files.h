// The class's files beside the learners' reports in `grade --out DIR`: gradebook.csv, index.html,
// feedback/NAME.html per learner and the LMS grade CSVs asked for (canvas.csv, moodle.csv),
// written from every report of the class once grading ends (also after an interrupt, and by
// `regrade`), atomically, so that they never disagree with the reports.
#pragma once

#include <filesystem>
#include <vector>

#include "grader/report/class_report.h"
#include "grader/report/lms_export.h"
#include "grader/rubric/model.h"

namespace grader::cli {

struct ClassFileOptions {
  std::vector<Lms> lms;  // `--lms`: one grade CSV each, in its system's import layout
};

void write_class_files(const std::filesystem::path& out_dir, const Rubric& rubric,
                       const std::vector<GradedSubmission>& all, const ClassFileOptions& options = {});

}  // namespace grader::cli
