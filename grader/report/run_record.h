// The run record: everything one grading produced, kept beside the learner's report
// (`grade --out DIR` writes DIR/.grader/NAME.json), so that a class can be resumed and re-scored
// (`grader regrade`) without running learner code again. Schema grader-record/1, docs/report.md
// ("Run records"): the complete Report (every run's output and collected files exactly as
// captured; bytes that are not UTF-8 in base64), the key the grading is known by, the rubric's
// runs as they ran, and the runner's placeholder values. Teacher-only: it holds hidden runs'
// output and hidden checks' expected values.
#pragma once

#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <string_view>

#include "grader/grading/runner_values.h"
#include "grader/report/report.h"

namespace grader {

inline constexpr const char* kRecordSchema = "grader-record/1";

// what(): "DIR/.grader/alice.json: not a run record (schema 'x', expected grader-record/1)".
class RecordError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct RunRecord {
  std::string key;           // grading_key(): what the grading depended on
  std::string report_file;   // the learner's report beside it: "alice.json"
  nlohmann::json run_specs;  // run_specs(rubric) when it was graded: what regrade compares
  RunnerValues runner_values;
  Report report;  // complete
};

std::string render_record(const RunRecord& record);
// Throws RecordError naming `source` for text that is not a readable grader-record/1.
RunRecord parse_record(std::string_view text, const std::string& source);

}  // namespace grader
