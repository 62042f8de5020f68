// The class's files; see class_files.h.
#include "grader/cli/class_files.h"

#include <fstream>
#include <iterator>
#include <string>

#include "grader/report/atomic_write.h"
#include "grader/report/class_overview.h"
#include "grader/report/feedback_page.h"

namespace grader::cli {

namespace {

// A class re-run to grade one late submission rewrites every page; the unchanged ones are left
// alone, which spares a hundred fsyncs and keeps their times honest.
void write_if_changed(const std::filesystem::path& path, const std::string& content) {
  std::ifstream in(path, std::ios::binary);
  if (in) {
    std::string old{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    if (old == content) return;
  }
  atomic_write(path, content);
}

}  // namespace

void write_class_files(const std::filesystem::path& out_dir, const Rubric& rubric,
                       const std::vector<GradedSubmission>& all) {
  for (const auto& g : all)
    write_if_changed(out_dir / kFeedbackDir / feedback_file_name(g.file), render_feedback_page(g.report));
  atomic_write(out_dir / "gradebook.csv", render_gradebook_csv(rubric, all));
  atomic_write(out_dir / "index.html", render_class_html(rubric, all));
}

}  // namespace grader::cli
