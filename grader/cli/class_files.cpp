// The class's files; see class_files.h.
#include "grader/cli/class_files.h"

#include "grader/report/atomic_write.h"

namespace grader::cli {

void write_class_files(const std::filesystem::path& out_dir, const Rubric& rubric,
                       const std::vector<GradedSubmission>& all) {
  write_if_changed(out_dir / "gradebook.csv", render_gradebook_csv(rubric, all));
  write_if_changed(out_dir / "index.html", render_class_html(rubric, all));
}

}  // namespace grader::cli
