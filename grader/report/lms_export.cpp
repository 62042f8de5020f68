// Grade CSVs for learning management systems; see lms_export.h.
#include "grader/report/lms_export.h"

#include <algorithm>
#include <sstream>

#include "grader/util/text.h"
#include "grader/util/units.h"
#include "grader/util/usage_error.h"

namespace grader {

namespace {

const std::vector<std::pair<std::string, Lms>> kNames = {{"canvas", Lms::Canvas}, {"moodle", Lms::Moodle}};

std::string cell(const std::string& text) {
  return csv_cell(sanitize_utf8(text));
}

std::string assignment(const Rubric& rubric) {
  return cell(rubric.title.empty() ? rubric.exercise : rubric.title);
}

// Empty when the runner lost the grading: the learner's score is unknown, not 0.
std::string grade(const Report& r) {
  return r.runner_failed() ? "" : format_score(r.score);
}

std::string canvas(const Rubric& rubric, const std::vector<GradedSubmission>& all) {
  std::string out = "Student,ID,SIS User ID,SIS Login ID,Section," + assignment(rubric) + "\n";
  out += "Points Possible,,,,," + format_score(rubric.max_score()) + "\n";
  for (const auto& g : all) out += ",,," + cell(g.name) + ",," + grade(g.report) + "\n";
  return out;
}

std::string moodle(const Rubric& rubric, const std::vector<GradedSubmission>& all) {
  std::string out = "Username," + assignment(rubric) + "\n";
  for (const auto& g : all) out += cell(g.name) + "," + grade(g.report) + "\n";
  return out;
}

}  // namespace

std::string to_string(Lms lms) {
  for (const auto& [name, value] : kNames)
    if (value == lms) return name;
  return "canvas";
}

std::vector<Lms> parse_lms_list(const std::vector<std::string>& values, const std::string& command) {
  std::vector<std::string> known;
  for (const auto& entry : kNames) known.push_back(entry.first);
  auto empty = [&](const std::string& value) {
    return UsageError(command + ": --lms '" + value + "' has an empty name (known: " + join(known) + ")");
  };
  std::vector<Lms> out;
  for (const auto& value : values) {
    if (value.empty() || value.back() == ',') throw empty(value);
    std::stringstream items(value);
    for (std::string item; std::getline(items, item, ',');) {
      std::string name(trim(item));
      if (name.empty()) throw empty(value);
      auto it = std::find_if(kNames.begin(), kNames.end(), [&](const auto& e) { return e.first == name; });
      if (it == kNames.end())
        throw UsageError(command + ": unknown --lms '" + name + "'" + did_you_mean(name, known) +
                         " (known: " + join(known) + ")");
      if (std::find(out.begin(), out.end(), it->second) == out.end()) out.push_back(it->second);
    }
  }
  return out;
}

std::string lms_file_name(Lms lms) {
  return to_string(lms) + ".csv";
}

std::string render_lms_csv(Lms lms, const Rubric& rubric, const std::vector<GradedSubmission>& all) {
  return lms == Lms::Canvas ? canvas(rubric, all) : moodle(rubric, all);
}

}  // namespace grader
