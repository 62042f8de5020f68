// The few behaviours of the rubric model: look-ups, the score out of which a submission is
// graded, and the rubric's own words for its enums.
#include "grader/rubric/model.h"

namespace grader {

const RunSpec* Rubric::find_run(const std::string& id) const {
  for (const RunSpec& run : runs) {
    if (run.id == id) return &run;
  }
  return nullptr;
}

// Hidden checks count: they are graded like the others, only their details are withheld.
double Rubric::max_score() const {
  double total = 0;
  for (const CheckSpec& check : checks) total += check.points;
  return total;
}

// The names are the rubric's keys, so that messages and reports use the words teachers wrote.
std::string to_string(Stream s) {
  switch (s) {
    case Stream::Stdout: return "stdout";
    case Stream::Stderr: return "stderr";
    case Stream::File: return "file";
  }
  return "unknown";
}

std::string to_string(MatchKind k) {
  switch (k) {
    case MatchKind::Contains: return "contains";
    case MatchKind::Regex: return "regex";
    case MatchKind::Exact: return "exact";
    case MatchKind::Lines: return "lines";
  }
  return "unknown";
}

std::string to_string(Metric m) {
  switch (m) {
    case Metric::WallTime: return "wall_time";
    case Metric::CpuTime: return "cpu_time";
    case Metric::PeakMemory: return "peak_memory";
  }
  return "unknown";
}

}  // namespace grader
