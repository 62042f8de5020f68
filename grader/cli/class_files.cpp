// The class's files; see class_files.h.
#include "grader/cli/class_files.h"

#include "grader/report/atomic_write.h"

namespace grader::cli {

void write_class_files(const std::filesystem::path& out_dir, const Rubric& rubric,
                       const std::vector<GradedSubmission>& all, const ClassFileOptions& options) {
  atomic_write(out_dir / "gradebook.csv", render_gradebook_csv(rubric, all));
  atomic_write(out_dir / "index.html", render_class_html(rubric, all));
  for (Lms lms : options.lms) atomic_write(out_dir / lms_file_name(lms), render_lms_csv(lms, rubric, all));
}

}  // namespace grader::cli
