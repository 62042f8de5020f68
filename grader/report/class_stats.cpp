// The class's numbers; see class_stats.h.
#include "grader/report/class_stats.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "grader/util/text.h"
#include "grader/util/units.h"

namespace grader {

namespace {

constexpr int kMaxPointBins = 20;
constexpr int kPercentBins = 10;
constexpr std::size_t kMessageBytes = 160;
// Scores are sums of doubles: 2.9999999999 is 3 for binning.
constexpr double kEpsilon = 1e-9;

std::size_t bin_of(const std::vector<ScoreBin>& bins, double score) {
  std::size_t i = 0;
  while (i + 1 < bins.size() && bins[i + 1].lo <= score + kEpsilon) ++i;
  return i;
}

std::optional<double> median_of(std::vector<double> v) {
  if (v.empty()) return std::nullopt;
  std::sort(v.begin(), v.end());
  std::size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

// On one line and cut at a character boundary: the form in which messages are counted together
// (a message that quotes the learner's output spans lines).
std::string message_key(const std::string& message) {
  std::string s = normalize_space(message);
  if (s.empty()) return "(no message)";
  if (s.size() <= kMessageBytes) return s;
  std::size_t cut = kMessageBytes;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  return s.substr(0, cut) + "…";
}

void count(CheckTally& t, const CheckResult& c, std::map<std::string, std::size_t>& messages) {
  switch (c.status) {
    case CheckStatus::Passed: ++t.passed; return;
    case CheckStatus::Failed: ++t.failed; break;
    case CheckStatus::Skipped: ++t.skipped; break;
    case CheckStatus::Error: ++t.errors; break;
  }
  ++messages[message_key(c.message)];
}

std::vector<FailureMessage> most_common(const std::map<std::string, std::size_t>& messages, std::size_t top) {
  std::vector<FailureMessage> v;
  for (const auto& [m, n] : messages) v.push_back({m, n});
  // Stable over the map's order: equal counts stay in message order, so the page is the same on
  // every run.
  std::stable_sort(v.begin(), v.end(), [](const auto& a, const auto& b) { return a.count > b.count; });
  if (v.size() > top) v.resize(top);
  return v;
}

}  // namespace

std::vector<ScoreBin> score_bins(double max_score) {
  std::vector<ScoreBin> bins;
  if (max_score <= 0) return {{0, 0, "0", 0}};
  if (max_score == std::floor(max_score) && max_score <= kMaxPointBins) {
    for (int i = 0; i <= static_cast<int>(max_score); ++i)
      bins.push_back({double(i), std::min<double>(i + 1, max_score), format_score(i), 0});
    return bins;
  }
  for (int i = 0; i < kPercentBins; ++i) {
    std::string label = std::to_string(i * 10) + "–" + std::to_string((i + 1) * 10) + "%";
    bins.push_back({max_score * i / kPercentBins, max_score * (i + 1) / kPercentBins, label, 0});
  }
  return bins;
}

ClassSummary summarise_class(const Rubric& rubric, const std::vector<GradedSubmission>& all) {
  ClassSummary s;
  s.submissions = all.size();
  s.max_score = rubric.max_score();
  s.histogram = score_bins(s.max_score);
  std::vector<double> scores;
  for (const auto& g : all) {
    const Report& r = g.report;
    if (r.runner_failed()) {
      ++s.runner_errors;
      continue;
    }
    if (!r.submission_error.empty()) ++s.refused;
    if (r.passed) ++s.full_marks;
    scores.push_back(r.score);
    ++s.histogram[bin_of(s.histogram, r.score)].count;
  }
  s.scored = scores.size();
  if (!scores.empty()) {
    double sum = 0;
    for (double v : scores) sum += v;
    s.mean = sum / static_cast<double>(scores.size());
  }
  s.median = median_of(scores);
  return s;
}

std::vector<CheckTally> tally_checks(const Rubric& rubric, const std::vector<GradedSubmission>& all,
                                     std::size_t top) {
  std::vector<CheckTally> out;
  for (const auto& spec : rubric.checks) {
    CheckTally t;
    t.id = spec.id;
    t.title = spec.title.empty() ? spec.id : spec.title;
    t.hidden = spec.hidden;
    std::map<std::string, std::size_t> messages;
    for (const auto& g : all) {
      if (g.report.runner_failed()) continue;
      const CheckResult* c = find_check(g.report, spec.id);
      if (!c) continue;
      t.hidden = t.hidden || c->hidden;  // a check on a hidden run is hidden too
      count(t, *c, messages);
    }
    t.common_failures = most_common(messages, top);
    out.push_back(std::move(t));
  }
  return out;
}

}  // namespace grader
