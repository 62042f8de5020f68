// `pytest` checks; see pytest_check.h.
#include "grader/checks/pytest_check.h"

#include <algorithm>

#include "grader/checks/junit_xml.h"
#include "grader/util/text.h"
#include "grader/util/units.h"

namespace grader {

namespace {

constexpr std::size_t kMessageBytes = 1500;
constexpr std::size_t kDetailBytes = 6000;
constexpr std::size_t kExceptionLines = 8;

// The suite as the run left it: the parsed report, or why there is none.
struct Suite {
  const RunResult* run = nullptr;
  std::optional<JunitReport> report;
  std::string problem;  // learner-safe: says nothing of the tests' source
};

std::string run_phrase(const RunResult& r) {
  if (!r.message.empty()) return r.message;
  return to_string(r.status);
}

Suite read_suite(const PytestCheck& p, const CheckSpec& check, const RunResults& runs) {
  Suite s;
  auto it = runs.find(check.run);
  if (it == runs.end()) {
    s.problem = "the tests' run did not take place";
    return s;
  }
  s.run = &it->second;
  const RunResult& r = it->second;
  if (r.status == RunStatus::RunnerError) {
    s.problem = "the tests could not be run: " + run_phrase(r);
    return s;
  }
  auto f = r.files.find(p.xml);
  if (f == r.files.end() || !f->second.exists) {
    s.problem =
        "pytest wrote no JUnit report, so no test can be graded (the tests' run ended: " + run_phrase(r) +
        ")";
    return s;
  }
  if (f->second.truncated) {
    s.problem = "pytest's JUnit report is too large to read (" + format_size(f->second.size) +
                ", more than the run's output limit)";
    return s;
  }
  JunitParse parsed = parse_junit_xml(f->second.data);
  if (!parsed.report) {
    s.problem = "pytest's JUnit report cannot be read: " + parsed.error;
    return s;
  }
  s.report = std::move(*parsed.report);
  return s;
}

// The pytest function a testcase belongs to: its name without the parameters.
std::string base_name(const std::string& name) {
  return name.substr(0, name.find('['));
}

bool collection_error(const JunitCase& c) {
  return c.classname.empty() && c.outcome == JunitOutcome::Error;
}

// The exception lines of a traceback ("E   ModuleNotFoundError: ..."), without the source lines
// around them: what a learner may read of a collection error.
std::string exception_lines(const std::string& traceback) {
  std::string out;
  std::size_t n = 0;
  for (auto line : split_lines(traceback)) {
    if (line.substr(0, 2) != "E ") continue;
    if (n++ == kExceptionLines) {
      out += "\n...";
      break;
    }
    out += (out.empty() ? "" : "\n") + std::string(trim(line.substr(1)));
  }
  return out;
}

std::string collection_errors(const JunitReport& report) {
  std::string out;
  for (const auto& c : report.cases) {
    if (!collection_error(c)) continue;
    std::string why = exception_lines(c.text);
    out += "\n  collecting " + c.name + " failed" + (why.empty() ? "" : ": " + why);
  }
  return out;
}

// The last lines of a run's output, where pytest puts its summary and Python its exception.
std::string last_lines(std::string_view s, std::size_t n) {
  auto lines = split_lines(s);
  std::string out;
  for (std::size_t i = lines.size() > n ? lines.size() - n : 0; i < lines.size(); ++i)
    out += std::string(lines[i]) + "\n";
  return out;
}

// For the teacher: the seed, and the run's output when something went wrong.
std::string teacher_notes(const Suite& s) {
  std::string out;
  if (s.report) {
    auto seed = s.report->properties.find("grader_seed");
    if (seed != s.report->properties.end() && !seed->second.empty())
      out += "\nseed: GRADER_SEED=" + seed->second;
  }
  if (s.run && (!s.report || s.run->exit_code.value_or(-1) > 1)) {
    out += "\npytest's run ended: " + run_phrase(*s.run);
    if (!s.run->err.data.empty())
      out += "\nstderr:\n" + excerpt(last_lines(s.run->err.data, 30), kDetailBytes);
    if (!s.run->out.data.empty())
      out += "\nstdout:\n" + excerpt(last_lines(s.run->out.data, 30), kDetailBytes);
  }
  return out;
}

CheckResult finish(CheckResult r, CheckStatus status, const std::string& message, const std::string& detail,
                   bool hidden) {
  r.status = status;
  r.points = status == CheckStatus::Passed ? r.max_points : 0;
  r.message = hidden ? to_string(status) : excerpt(message, kMessageBytes);
  r.detail = excerpt(detail, kDetailBytes * 2);
  return r;
}

CheckStatus status_of(JunitOutcome o) {
  switch (o) {
    case JunitOutcome::Passed: return CheckStatus::Passed;
    case JunitOutcome::Failed: return CheckStatus::Failed;
    case JunitOutcome::Error: return CheckStatus::Error;
    case JunitOutcome::Skipped: return CheckStatus::Skipped;
  }
  return CheckStatus::Error;
}

// One test: every case of it (one, or one per parameter) must have passed.
CheckResult one_test(CheckResult r, const PytestCheck& p, const Suite& s, bool hidden) {
  std::vector<const JunitCase*> cases;
  for (const auto& c : s.report->cases)
    if (!collection_error(c) && base_name(c.name) == p.test) cases.push_back(&c);
  std::string notes = teacher_notes(s);
  if (cases.empty()) {
    std::string msg = "test '" + p.test + "' is not in pytest's report: it did not run";
    std::string why = collection_errors(*s.report);
    return finish(r, CheckStatus::Error, msg + why, msg + why + notes, hidden);
  }
  // The worst case decides: a failure, then an error, then a skip.
  auto worst = std::max_element(cases.begin(), cases.end(), [](const JunitCase* a, const JunitCase* b) {
    auto rank = [](JunitOutcome o) {
      return o == JunitOutcome::Failed    ? 3
             : o == JunitOutcome::Error   ? 2
             : o == JunitOutcome::Skipped ? 1
                                          : 0;
    };
    return rank(a->outcome) < rank(b->outcome);
  });
  const JunitCase& c = **worst;
  CheckStatus status = status_of(c.outcome);
  if (status == CheckStatus::Passed) {
    std::string msg = cases.size() == 1 ? "passed" : "all " + std::to_string(cases.size()) + " cases passed";
    return finish(r, status, msg, msg + notes, hidden);
  }
  std::string which = cases.size() > 1 ? c.name + ": " : "";
  std::size_t bad =
      std::count_if(cases.begin(), cases.end(), [&](const JunitCase* x) { return x->outcome == c.outcome; });
  std::string more = bad > 1 ? " (and " + std::to_string(bad - 1) + " more of its " +
                                   std::to_string(cases.size()) + " cases)"
                             : "";
  std::string msg = which + (c.message.empty() ? to_string(c.outcome) : c.message) + more;
  if (status == CheckStatus::Skipped) {
    msg = "skipped: " + msg;
    r.unavailable = true;  // the test itself said this runner cannot check it
  }
  std::string detail = msg + (c.text.empty() ? "" : "\n" + c.text) + notes;
  return finish(r, status, msg, detail, hidden);
}

std::string count_phrase(const JunitReport& report) {
  int n[4] = {0, 0, 0, 0};
  for (const auto& c : report.cases) ++n[static_cast<int>(c.outcome)];
  std::string out =
      std::to_string(report.cases.size()) + (report.cases.size() == 1 ? " test ran: " : " tests ran: ");
  const char* names[4] = {"passed", "failed", "errors", "skipped"};
  bool first = true;
  for (int i = 0; i < 4; ++i) {
    if (n[i] == 0 && i > 0) continue;
    out += (first ? "" : ", ") + std::to_string(n[i]) + " " + names[i];
    first = false;
  }
  return out;
}

// The suite: every test in the XML passed (or was skipped); the tests the rubric gives no points
// are listed here, 0 points each.
CheckResult whole_suite(CheckResult r, const PytestCheck& p, const Suite& s, bool hidden) {
  const JunitReport& report = *s.report;
  std::string notes = teacher_notes(s);
  if (report.cases.empty()) {
    std::string msg = "pytest collected no tests in " + p.tests;
    return finish(r, CheckStatus::Error, msg, msg + notes, hidden);
  }
  bool all_good = std::all_of(report.cases.begin(), report.cases.end(), [](const JunitCase& c) {
    return c.outcome == JunitOutcome::Passed || c.outcome == JunitOutcome::Skipped;
  });
  std::string unscored;
  for (const auto& c : report.cases) {
    if (collection_error(c) || std::count(p.scored.begin(), p.scored.end(), base_name(c.name))) continue;
    unscored += "\n  " + c.name + ": " + to_string(c.outcome) +
                (c.outcome == JunitOutcome::Passed || c.message.empty() ? "" : ": " + first_line(c.message));
  }
  std::string msg = count_phrase(report) + collection_errors(report);
  if (!unscored.empty()) msg += "\n  tests the rubric gives no points (0 points each):" + unscored;
  return finish(r, all_good ? CheckStatus::Passed : CheckStatus::Failed, msg, msg + notes, hidden);
}

}  // namespace

CheckResult evaluate_pytest(const CheckSpec& check, const RunResults& runs, bool hidden) {
  CheckResult r = blank_result(check, hidden);
  const auto& p = std::get<PytestCheck>(check.kind);
  Suite s = read_suite(p, check, runs);
  if (!s.report) return finish(r, CheckStatus::Error, s.problem, s.problem + teacher_notes(s), hidden);
  return p.test.empty() ? whole_suite(r, p, s, hidden) : one_test(r, p, s, hidden);
}

}  // namespace grader
