// PrairieLearn's external grader results.json; see formats.h. The fields are those of
// https://github.com/PrairieLearn/PrairieLearn/blob/master/docs/externalGrading.md ("Grading
// results"): `gradable`, `score` in [0, 1], `message`, `format_errors` when not gradable, and
// `tests[]` with `name`, `description`, `points`, `max_points`, `message`, `output`, as
// <pl-external-grader-results> renders them.
#include "grader/report/formats.h"
#include "grader/util/text.h"
#include "grader/util/units.h"

namespace grader {

namespace {

nlohmann::json test_of(const CheckResult& c) {
  // Learner-facing: `message` never holds a hidden check's expected value (detail does, and is
  // never written here).
  std::string output;
  if (c.hint && c.status != CheckStatus::Passed) output = "hint: " + *c.hint;
  return {
      {"name", sanitize_utf8(c.title)},
      {"description", sanitize_utf8(c.id) + " (" + to_string(c.status) + ")"},
      {"points", c.points},
      {"max_points", c.max_points},
      {"message", sanitize_utf8(c.message)},
      {"output", sanitize_utf8(output)},
  };
}

}  // namespace

std::string render_prairielearn(const Report& report) {
  nlohmann::json tests = nlohmann::json::array();
  for (const auto& c : report.checks) tests.push_back(test_of(c));
  nlohmann::json j = {{"tests", tests}};
  // Not the learner's attempt to count: PrairieLearn awards nothing and charges no attempt when
  // the submission is not gradable. A runner error is ours; a refused submission (a link out of
  // it, a device file) is a malformed hand-in, which is what `gradable: false` is for.
  std::string problem = !report.runner_error.empty()       ? "runner error: " + report.runner_error
                        : report.runner_failed()           ? "runner error: a run could not be run"
                        : !report.submission_error.empty() ? "submission refused: " + report.submission_error
                                                           : "";
  if (!problem.empty()) {
    j["gradable"] = false;
    j["format_errors"] = nlohmann::json::array({sanitize_utf8(problem)});
    j["message"] = sanitize_utf8(problem);
  } else {
    j["gradable"] = true;
    j["score"] = report.max_score > 0 ? report.score / report.max_score : (report.passed ? 1.0 : 0.0);
    j["message"] = format_score(report.score) + "/" + format_score(report.max_score) + " points";
  }
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace grader
