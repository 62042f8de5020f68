// A fixture's verdict; see fixture_verdict.h.
#include "grader/repo/fixture_verdict.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "grader/util/text.h"
#include "grader/util/units.h"

namespace grader {

namespace {

constexpr double kEps = 1e-6;

const CheckResult* find_check(const Report& r, const std::string& id) {
  auto it = std::find_if(r.checks.begin(), r.checks.end(), [&](const auto& c) { return c.id == id; });
  return it == r.checks.end() ? nullptr : &*it;
}

// Declared statuses that differ from the grading, for the checks that ran.
std::string status_mismatches(const Report& r, const Fixture& f, const std::set<std::string>& not_run) {
  std::string msg;
  for (const auto& [id, want] : f.check_status) {
    if (not_run.count(id)) continue;
    const CheckResult* c = find_check(r, id);
    std::string got = c ? to_string(c->status) : "absent";
    if (got != want)
      msg += (msg.empty() ? "" : "; ") + std::string("check '") + id + "' " + got + ", declared " + want;
  }
  return msg;
}

std::string score_of(const Report& r) {
  return format_score(r.score) + "/" + format_score(r.max_score);
}

std::string description(const Fixture& f) {
  return f.description.empty() ? "" : " (" + f.description + ")";
}

FixtureVerdict exact(const Report& r, const Fixture& f) {
  std::string msg;
  if (std::fabs(r.score - f.score) > kEps)
    msg = "scored " + score_of(r) + ", declared " + format_score(f.score);
  std::string statuses = status_mismatches(r, f, {});
  if (!statuses.empty()) msg += (msg.empty() ? "" : "; ") + statuses;
  if (!msg.empty()) return {false, msg, 0};
  return {true, "scores " + score_of(r) + " as declared" + description(f), 0};
}

// The points the checks not run here could still add to the score: at least those declared
// passed, at most all but those declared skipped or error (a failed one may earn partial credit).
struct Reach {
  double least = 0;
  double most = 0;
};

Reach reach(const Report& r, const Fixture& f, const std::vector<std::string>& not_run) {
  Reach out;
  for (const auto& id : not_run) {
    const CheckResult* c = find_check(r, id);
    if (!c) continue;
    auto declared = f.check_status.find(id);
    std::string want = declared == f.check_status.end() ? "" : declared->second;
    if (want == "passed") out.least += c->max_points;
    if (want != "skipped" && want != "error") out.most += c->max_points;
  }
  return out;
}

std::string score_mismatch(const Report& r, const Fixture& f, const Reach& extra) {
  if (f.score < r.score + extra.least - kEps)
    return "scored " + score_of(r) + " on the checks run here, and at least " +
           format_score(r.score + extra.least) +
           " with those not run here that are declared passed; declared " + format_score(f.score);
  if (f.score > r.score + extra.most + kEps)
    return "scored " + score_of(r) + " on the checks run here, and at most " +
           format_score(r.score + extra.most) + " with those not run here; declared " + format_score(f.score);
  return "";
}

std::string reason_of(const CheckResult& c) {
  static const std::string kVia = "which this runner could not check: ";
  static const std::string kSkipped = "skipped: ";
  if (auto at = c.message.find(kVia); at != std::string::npos) return c.message.substr(at + kVia.size());
  if (c.message.rfind(kSkipped, 0) == 0) return c.message.substr(kSkipped.size());
  return c.message;
}

}  // namespace

std::vector<std::string> checks_not_run(const Report& report) {
  bool any_skipped = std::any_of(report.runs.begin(), report.runs.end(),
                                 [](const RunSummary& s) { return s.result.status == RunStatus::Skipped; });
  std::vector<std::string> ids;
  if (!any_skipped) return ids;
  for (const auto& c : report.checks)
    if (c.unavailable) ids.push_back(c.id);
  return ids;
}

std::string describe_not_run(const Report& report, const std::vector<std::string>& ids) {
  std::vector<std::pair<std::string, std::vector<std::string>>> groups;  // in order of first appearance
  for (const auto& id : ids) {
    const CheckResult* c = find_check(report, id);
    std::string why = c ? reason_of(*c) : "absent";
    auto g = std::find_if(groups.begin(), groups.end(), [&](const auto& e) { return e.first == why; });
    if (g == groups.end()) g = groups.insert(groups.end(), {why, {}});
    g->second.push_back(id);
  }
  std::string out;
  for (const auto& [why, members] : groups)
    out += (out.empty() ? "" : "; ") + join(members) + " (" + why + ")";
  return out;
}

FixtureVerdict compare_fixture(const Report& report, const Fixture& fixture,
                               const std::set<std::string>& timed) {
  std::vector<std::string> not_run = checks_not_run(report);
  // A verdict declared for a check this runner could not grade now (a speedup that even the
  // reference solution did not show on a loaded machine) is not contradicted by it, nor is the
  // score that counts an undeclared timed check's points.
  for (const auto& c : report.checks) {
    auto declared = fixture.check_status.find(c.id);
    const bool has_verdict = declared != fixture.check_status.end() && declared->second != "skipped";
    if (!c.unavailable || !(has_verdict || (timed.count(c.id) && declared == fixture.check_status.end())))
      continue;
    if (std::find(not_run.begin(), not_run.end(), c.id) == not_run.end()) not_run.push_back(c.id);
  }
  if (not_run.empty()) return exact(report, fixture);
  std::set<std::string> skip(not_run.begin(), not_run.end());
  Reach extra = reach(report, fixture, not_run);
  std::string msg = score_mismatch(report, fixture, extra);
  std::string statuses = status_mismatches(report, fixture, skip);
  if (!statuses.empty()) msg += (msg.empty() ? "" : "; ") + statuses;
  std::string unrun = "; not run here: " + describe_not_run(report, not_run);
  if (!msg.empty()) return {false, msg + unrun, not_run.size()};
  std::string ok = "the checks run here score as declared (" + score_of(report);
  double counted = fixture.score - report.score;
  if (counted > kEps)
    ok += "; the declared " + format_score(fixture.score) + " counts " + format_score(counted) +
          " points of the checks not run here";
  return {true, ok + ")" + unrun + description(fixture), not_run.size()};
}

}  // namespace grader
