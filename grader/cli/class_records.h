// A graded class on disk: in `grade --out DIR`, each learner's report DIR/NAME.json and, for the
// teacher's tools, its run record DIR/.grader/NAME.json (grader/report/run_record.h). The record
// is written first, the report second, each atomically: a report never exists without the
// record it came from.
#pragma once

#include <filesystem>
#include <optional>
#include <ostream>
#include <vector>

#include "grader/report/atomic_write.h"
#include "grader/report/class_report.h"
#include "grader/report/report.h"
#include "grader/report/run_record.h"

namespace grader::cli {

std::filesystem::path records_dir(const std::filesystem::path& out_dir);

// The record of report `report_file`, or nullopt when there is none; a damaged one is said on
// `warn` and counts as none.
std::optional<RunRecord> read_record(const std::filesystem::path& out_dir, const std::string& report_file,
                                     std::ostream& warn);

// Record, then the learner's report for `audience`; a file that already says the same is left
// as it is (a resumed class costs no writes).
void write_graded(const std::filesystem::path& out_dir, const RunRecord& record, Audience audience);
// The same, into a batch that puts a whole class in place at once.
void add_graded(AtomicBatch& batch, const std::filesystem::path& out_dir, const RunRecord& record,
                Audience audience);

// Every record in DIR/.grader, sorted by submission name; damaged ones said on `warn`, left out.
std::vector<RunRecord> read_records(const std::filesystem::path& out_dir, std::ostream& warn);

// The class as its files list it.
std::vector<GradedSubmission> class_of(const std::vector<RunRecord>& records);

}  // namespace grader::cli
