// The overview's charts as inline SVG (no script, no fonts, nothing fetched): the score
// histogram and a check's pass-rate bar. Every bar carries data-count, so that what a chart shows
// can be read back from the page (tests/integration/class_overview_test.cpp adds the bars up).
#pragma once

#include <string>

#include "grader/report/class_stats.h"

namespace grader {

// One bar per score bin, and a "runner error" bar after them when there are any: the bars add up
// to the class.
std::string histogram_svg(const ClassSummary& summary);

// One bar split into passed, failed, skipped and error, in proportion.
std::string pass_rate_svg(const CheckTally& tally);

}  // namespace grader
