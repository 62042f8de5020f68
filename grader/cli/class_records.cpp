// A graded class on disk; see class_records.h.
#include "grader/cli/class_records.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "grader/report/atomic_write.h"
#include "grader/report/formats.h"

namespace grader::cli {

namespace fs = std::filesystem;

fs::path records_dir(const fs::path& out_dir) {
  return out_dir / ".grader";
}

namespace {

std::optional<RunRecord> parse_file(const fs::path& p, std::ostream& warn, const char* then) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  try {
    return parse_record(text.str(), p.string());
  } catch (const RecordError& e) {
    warn << "grader: " << e.what() << "; " << then << "\n";
    return std::nullopt;
  }
}

}  // namespace

std::optional<RunRecord> read_record(const fs::path& out_dir, const std::string& report_file,
                                     std::ostream& warn) {
  std::error_code ec;
  fs::path p = records_dir(out_dir) / report_file;
  if (!fs::is_regular_file(p, ec)) return std::nullopt;
  return parse_file(p, warn, "it is graded anew");
}

void write_graded(const fs::path& out_dir, const RunRecord& record, Audience audience) {
  fs::create_directories(records_dir(out_dir));
  write_if_changed(records_dir(out_dir) / record.report_file, render_record(record));
  write_if_changed(out_dir / record.report_file, render_json(record.report, audience));
}

void add_graded(AtomicBatch& batch, const fs::path& out_dir, const RunRecord& record, Audience audience) {
  batch.add(records_dir(out_dir) / record.report_file, render_record(record));
  batch.add(out_dir / record.report_file, render_json(record.report, audience));
}

std::vector<RunRecord> read_records(const fs::path& out_dir, std::ostream& warn) {
  std::vector<RunRecord> all;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(records_dir(out_dir), ec)) {
    if (e.path().extension() != ".json" || !e.is_regular_file()) continue;
    if (auto r = parse_file(e.path(), warn, "left out of the class files")) all.push_back(std::move(*r));
  }
  std::sort(all.begin(), all.end(),
            [](const RunRecord& a, const RunRecord& b) { return a.report.submission < b.report.submission; });
  return all;
}

std::vector<GradedSubmission> class_of(const std::vector<RunRecord>& records) {
  std::vector<GradedSubmission> all;
  for (const auto& r : records) all.push_back({r.report.submission, r.report_file, r.report});
  return all;
}

}  // namespace grader::cli
