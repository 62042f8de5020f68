// The charts; see svg_charts.h.
#include "grader/report/svg_charts.h"

#include <algorithm>
#include <vector>

#include "grader/report/html_escape.h"
#include "grader/util/units.h"

namespace grader {

namespace {

// Histogram geometry, in viewBox units: a slot per bar, room above for the count and below for
// the label.
constexpr int kSlot = 44;
constexpr int kBarWidth = 34;
constexpr int kChartHeight = 150;
constexpr int kTop = 22;
constexpr int kBottom = 26;
constexpr int kMinWidth = 320;

std::string plural(std::size_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

struct Bar {
  std::string label;
  std::string tip;
  std::size_t count;
  const char* css;
};

std::string bar_svg(const Bar& b, int slot, std::size_t tallest) {
  double h = tallest ? static_cast<double>(kChartHeight) * static_cast<double>(b.count) / tallest : 0;
  double x = slot * kSlot + (kSlot - kBarWidth) / 2.0;
  double y = kTop + kChartHeight - h;
  double mid = slot * kSlot + kSlot / 2.0;
  return "<g><rect class=\"" + std::string(b.css) + "\" data-count=\"" + std::to_string(b.count) + "\" x=\"" +
         format_2dp(x) + "\" y=\"" + format_2dp(y) + "\" width=\"" + std::to_string(kBarWidth) +
         "\" height=\"" + format_2dp(h) + "\"><title>" + html_escape(b.tip) + "</title></rect><text x=\"" +
         format_2dp(mid) + "\" y=\"" + format_2dp(y - 5) + "\" text-anchor=\"middle\" class=\"count\">" +
         std::to_string(b.count) + "</text><text x=\"" + format_2dp(mid) + "\" y=\"" +
         std::to_string(kTop + kChartHeight + 18) + "\" text-anchor=\"middle\">" + html_escape(b.label) +
         "</text></g>";
}

std::vector<Bar> histogram_bars(const ClassSummary& s) {
  std::vector<Bar> bars;
  bool points = s.histogram.size() > 1 && s.histogram[1].label.find('%') == std::string::npos;
  for (const auto& bin : s.histogram) {
    std::string range = points ? bin.label + (bin.label == "1" ? " point" : " points") : bin.label;
    bars.push_back(
        {bin.label, range + ": " + plural(bin.count, "submission", "submissions"), bin.count, "bar"});
  }
  if (s.runner_errors)
    bars.push_back({"runner error",
                    "runner error (not graded): " + plural(s.runner_errors, "submission", "submissions"),
                    s.runner_errors, "bar err"});
  return bars;
}

}  // namespace

std::string histogram_svg(const ClassSummary& s) {
  std::vector<Bar> bars = histogram_bars(s);
  std::size_t tallest = 0;
  for (const auto& b : bars) tallest = std::max(tallest, b.count);
  int width = std::max<int>(kMinWidth, static_cast<int>(bars.size()) * kSlot);
  int height = kTop + kChartHeight + kBottom;
  std::string out = "<svg class=\"histogram\" viewBox=\"0 0 " + std::to_string(width) + " " +
                    std::to_string(height) + "\" width=\"" + std::to_string(width) + "\" height=\"" +
                    std::to_string(height) + "\" role=\"img\" aria-label=\"score histogram\">";
  out += "<line class=\"axis\" x1=\"0\" x2=\"" + std::to_string(width) + "\" y1=\"" +
         std::to_string(kTop + kChartHeight) + "\" y2=\"" + std::to_string(kTop + kChartHeight) + "\"/>";
  for (std::size_t i = 0; i < bars.size(); ++i) out += bar_svg(bars[i], static_cast<int>(i), tallest);
  return out + "</svg>";
}

std::string pass_rate_svg(const CheckTally& t) {
  struct Part {
    const char* status;
    std::size_t count;
  };
  const Part parts[] = {
      {"passed", t.passed}, {"failed", t.failed}, {"skipped", t.skipped}, {"error", t.errors}};
  std::size_t total = t.total();
  std::string out =
      "<svg class=\"rate\" viewBox=\"0 0 100 10\" preserveAspectRatio=\"none\" role=\"img\" "
      "aria-label=\"" +
      std::to_string(t.passed) + " of " + std::to_string(total) + " passed\">";
  double x = 0;
  for (const auto& p : parts) {
    double w = total ? 100.0 * static_cast<double>(p.count) / static_cast<double>(total) : 0;
    out += "<rect class=\"" + std::string(p.status) + "\" data-status=\"" + p.status + "\" data-count=\"" +
           std::to_string(p.count) + "\" x=\"" + format_2dp(x) + "\" y=\"0\" width=\"" + format_2dp(w) +
           "\" height=\"10\"><title>" + std::to_string(p.count) + " " + p.status + "</title></rect>";
    x += w;
  }
  if (!total) out += "<rect class=\"none\" x=\"0\" y=\"0\" width=\"100\" height=\"10\"/>";
  return out + "</svg>";
}

}  // namespace grader
