// The class's files; see class_files.h.
#include "grader/cli/class_files.h"

#include "grader/report/atomic_write.h"
#include "grader/report/class_overview.h"
#include "grader/report/feedback_page.h"

namespace grader::cli {

// A class re-run to grade one late submission renders every page again; write_if_changed leaves
// the unchanged ones alone, which spares a hundred fsyncs and keeps their times honest.
void write_class_files(const std::filesystem::path& out_dir, const Rubric& rubric,
                       const std::vector<GradedSubmission>& all, const ClassFileOptions& options) {
  for (const auto& g : all)
    write_if_changed(out_dir / kFeedbackDir / feedback_file_name(g.file), render_feedback_page(g.report));
  write_if_changed(out_dir / "gradebook.csv", render_gradebook_csv(rubric, all));
  write_if_changed(out_dir / "index.html", render_class_html(rubric, all));
  for (Lms lms : options.lms)
    write_if_changed(out_dir / lms_file_name(lms), render_lms_csv(lms, rubric, all));
}

}  // namespace grader::cli
