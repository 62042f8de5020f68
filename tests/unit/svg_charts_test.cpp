// The overview's charts (grader/report/svg_charts.cpp): bars carry their counts, the histogram's
// bars add up to the class with runner errors as a bar of their own, pass-rate parts fill the bar.
#include "grader/report/svg_charts.h"

#include <gtest/gtest.h>

#include <regex>

#include "tests/support/graded_class.h"

using namespace grader;
using namespace grader::testing;

namespace {

std::vector<std::string> attribute_values(const std::string& svg, const std::string& name) {
  std::vector<std::string> out;
  std::regex re(name + "=\"([^\"]*)\"");
  for (std::sregex_iterator it(svg.begin(), svg.end(), re), end; it != end; ++it) out.push_back((*it)[1]);
  return out;
}

std::size_t sum(const std::vector<std::string>& v) {
  std::size_t n = 0;
  for (const auto& s : v) n += std::stoul(s);
  return n;
}

}  // namespace

TEST(HistogramSvg, OneBarPerBinCarryingItsCount) {
  Rubric r = class_rubric({"a", "b"});
  auto svg = histogram_svg(summarise_class(r, {graded("a", 4, {}), graded("b", 4, {}), graded("c", 1, {})}));
  EXPECT_EQ(svg.rfind("<svg class=\"histogram\"", 0), 0u) << svg;
  EXPECT_EQ(attribute_values(svg, "data-count"), (std::vector<std::string>{"0", "1", "0", "0", "2"})) << svg;
  EXPECT_TRUE(contains(svg, "<title>4 points: 2 submissions</title>")) << svg;
  EXPECT_TRUE(contains(svg, "<title>1 point: 1 submission</title>")) << svg;
}

TEST(HistogramSvg, RunnerErrorsAreTheirOwnBarAndTheBarsAddUpToTheClass) {
  GradedSubmission broken = graded("x", 0, {});
  broken.report.runner_error = "unreachable";
  auto svg = histogram_svg(summarise_class(class_rubric({"a", "b"}), {graded("a", 4, {}), broken, broken}));
  EXPECT_EQ(sum(attribute_values(svg, "data-count")), 3u) << svg;
  EXPECT_TRUE(contains(svg, "<rect class=\"bar err\" data-count=\"2\"")) << svg;
  EXPECT_TRUE(contains(svg, ">runner error</text>")) << svg;
}

TEST(HistogramSvg, NoRunnerErrorBarWithoutRunnerErrors) {
  auto svg = histogram_svg(summarise_class(class_rubric({"a"}), {graded("a", 2, {})}));
  EXPECT_FALSE(contains(svg, "bar err")) << svg;
}

TEST(HistogramSvg, TallestBarFillsTheChart) {
  auto svg = histogram_svg(
      summarise_class(class_rubric({"a"}), {graded("a", 2, {}), graded("b", 2, {}), graded("c", 0, {})}));
  auto heights = attribute_values(svg, "height");
  // The svg's own height first, then one per bar.
  ASSERT_EQ(heights.size(), 4u) << svg;
  EXPECT_EQ(heights[1], "75");
  EXPECT_EQ(heights[2], "0");
  EXPECT_EQ(heights[3], "150");
}

TEST(PassRateSvg, PartsInProportion) {
  CheckTally t;
  t.passed = 3;
  t.failed = 1;
  auto svg = pass_rate_svg(t);
  EXPECT_TRUE(contains(svg, "aria-label=\"3 of 4 passed\"")) << svg;
  EXPECT_TRUE(contains(svg, "data-status=\"passed\" data-count=\"3\" x=\"0\" y=\"0\" width=\"75\"")) << svg;
  EXPECT_TRUE(contains(svg, "data-status=\"failed\" data-count=\"1\" x=\"75\" y=\"0\" width=\"25\"")) << svg;
  EXPECT_TRUE(contains(svg, "data-status=\"skipped\" data-count=\"0\" x=\"100\" y=\"0\" width=\"0\"")) << svg;
}

TEST(PassRateSvg, ACheckWithoutResultsIsAnEmptyBar) {
  auto svg = pass_rate_svg(CheckTally{});
  EXPECT_TRUE(contains(svg, "aria-label=\"0 of 0 passed\"")) << svg;
  EXPECT_TRUE(contains(svg, "class=\"none\"")) << svg;
}
