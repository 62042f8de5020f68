// Durations and sizes: what rubrics and the CLI accept, what they reject, and how messages show
// them.
#include "grader/util/units.h"

#include <gtest/gtest.h>

#include <string>

namespace grader {
namespace {

TEST(Units, ParseDurationReadsSeconds) {
  EXPECT_EQ(parse_duration("10s"), 10.0);
  EXPECT_EQ(parse_duration("1.5s"), 1.5);
  EXPECT_EQ(parse_duration("0.25s"), 0.25);
  EXPECT_EQ(parse_duration(".5s"), 0.5);
}

TEST(Units, ParseDurationReadsBareNumberAsSeconds) {
  EXPECT_EQ(parse_duration("10"), 10.0);
  EXPECT_EQ(parse_duration("2.5"), 2.5);
}

TEST(Units, ParseDurationReadsSubsecondUnits) {
  EXPECT_DOUBLE_EQ(*parse_duration("250ms"), 0.25);
  EXPECT_DOUBLE_EQ(*parse_duration("3us"), 3e-6);
  EXPECT_DOUBLE_EQ(*parse_duration("3\xC2\xB5s"), 3e-6);
}

TEST(Units, ParseDurationReadsMinutesAndHours) {
  EXPECT_EQ(parse_duration("1.5m"), 90.0);
  EXPECT_EQ(parse_duration("2min"), 120.0);
  EXPECT_EQ(parse_duration("2h"), 7200.0);
}

TEST(Units, ParseDurationAllowsSpacesAroundUnit) {
  EXPECT_EQ(parse_duration("10 s"), 10.0);
  EXPECT_EQ(parse_duration(" 10s "), 10.0);
  EXPECT_DOUBLE_EQ(*parse_duration("1.25 s"), 1.25);
}

TEST(Units, ParseDurationAcceptsZero) {
  EXPECT_EQ(parse_duration("0s"), 0.0);
}

TEST(Units, ParseDurationRejectsEmpty) {
  EXPECT_EQ(parse_duration(""), std::nullopt);
  EXPECT_EQ(parse_duration("   "), std::nullopt);
}

TEST(Units, ParseDurationRejectsNegative) {
  EXPECT_EQ(parse_duration("-1s"), std::nullopt);
  EXPECT_EQ(parse_duration("-0.5"), std::nullopt);
}

TEST(Units, ParseDurationRejectsSign) {
  EXPECT_EQ(parse_duration("+1s"), std::nullopt);
}

TEST(Units, ParseDurationRejectsUnknownUnit) {
  EXPECT_EQ(parse_duration("10 parsecs"), std::nullopt);
  EXPECT_EQ(parse_duration("10S"), std::nullopt);
  EXPECT_EQ(parse_duration("10d"), std::nullopt);
}

TEST(Units, ParseDurationRejectsUnitWithoutNumber) {
  EXPECT_EQ(parse_duration("s"), std::nullopt);
  EXPECT_EQ(parse_duration("ms"), std::nullopt);
  EXPECT_EQ(parse_duration("."), std::nullopt);
}

TEST(Units, ParseDurationRejectsExponent) {
  EXPECT_EQ(parse_duration("1e3s"), std::nullopt);
  EXPECT_EQ(parse_duration("1e400s"), std::nullopt);
}

TEST(Units, ParseDurationRejectsOverflow) {
  EXPECT_EQ(parse_duration("1" + std::string(400, '0') + "s"), std::nullopt);
  EXPECT_EQ(parse_duration("1" + std::string(306, '0') + "h"), std::nullopt);
}

TEST(Units, ParseDurationRejectsInfinityAndNan) {
  EXPECT_EQ(parse_duration("inf"), std::nullopt);
  EXPECT_EQ(parse_duration("nan"), std::nullopt);
  EXPECT_EQ(parse_duration("infs"), std::nullopt);
}

TEST(Units, ParseDurationRejectsMalformedNumber) {
  EXPECT_EQ(parse_duration("1.2.3s"), std::nullopt);
  EXPECT_EQ(parse_duration("1 0s"), std::nullopt);
  EXPECT_EQ(parse_duration("0x10s"), std::nullopt);
}

TEST(Units, ParseSizeReadsBytes) {
  EXPECT_EQ(parse_size("512"), 512u);
  EXPECT_EQ(parse_size("512B"), 512u);
  EXPECT_EQ(parse_size("0"), 0u);
}

TEST(Units, ParseSizeReadsBinaryUnits) {
  EXPECT_EQ(parse_size("512K"), 512u * 1024);
  EXPECT_EQ(parse_size("512M"), 512u * 1024 * 1024);
  EXPECT_EQ(parse_size("2G"), 2ull * 1024 * 1024 * 1024);
  EXPECT_EQ(parse_size("1T"), 1ull << 40);
}

TEST(Units, ParseSizeAcceptsByteSuffixesInAnyCase) {
  EXPECT_EQ(parse_size("1GiB"), 1ull << 30);
  EXPECT_EQ(parse_size("100MB"), 100ull << 20);
  EXPECT_EQ(parse_size("1kb"), 1024u);
  EXPECT_EQ(parse_size("512m"), 512ull << 20);
  EXPECT_EQ(parse_size("1.5 MiB"), 1572864u);
}

TEST(Units, ParseSizeReadsFractions) {
  EXPECT_EQ(parse_size("1.5G"), 1610612736u);
  EXPECT_EQ(parse_size("0.5K"), 512u);
}

TEST(Units, ParseSizeKeepsLargeWholeNumbersExact) {
  EXPECT_EQ(parse_size("18446744073709551615"), 18446744073709551615ull);
}

TEST(Units, ParseSizeRejectsOverflow) {
  EXPECT_EQ(parse_size("18446744073709551616"), std::nullopt);
  EXPECT_EQ(parse_size("16777216T"), std::nullopt);
  EXPECT_EQ(parse_size("16777216.5T"), std::nullopt);
}

TEST(Units, ParseSizeRejectsEmpty) {
  EXPECT_EQ(parse_size(""), std::nullopt);
}

TEST(Units, ParseSizeRejectsUnitWithoutNumber) {
  EXPECT_EQ(parse_size("M"), std::nullopt);
  EXPECT_EQ(parse_size("GiB"), std::nullopt);
}

TEST(Units, ParseSizeRejectsNegative) {
  EXPECT_EQ(parse_size("-1M"), std::nullopt);
}

TEST(Units, ParseSizeRejectsUnknownUnit) {
  EXPECT_EQ(parse_size("10 parsecs"), std::nullopt);
  EXPECT_EQ(parse_size("1X"), std::nullopt);
  EXPECT_EQ(parse_size("1KK"), std::nullopt);
  EXPECT_EQ(parse_size("1e3"), std::nullopt);
  EXPECT_EQ(parse_size("1P"), std::nullopt);
}

TEST(Units, FormatDurationPicksReadableUnit) {
  EXPECT_EQ(format_duration(1.25), "1.25 s");
  EXPECT_EQ(format_duration(0.25), "250 ms");
  EXPECT_EQ(format_duration(3e-6), "3 \xC2\xB5s");
  EXPECT_EQ(format_duration(5e-9), "5 ns");
  EXPECT_EQ(format_duration(10.5), "10.5 s");
  EXPECT_EQ(format_duration(90), "90 s");
  EXPECT_EQ(format_duration(7200), "7200 s");
}

TEST(Units, FormatDurationShowsZero) {
  EXPECT_EQ(format_duration(0), "0 s");
}

TEST(Units, FormatDurationRoundsUpToNextUnit) {
  EXPECT_EQ(format_duration(0.9996), "1 s");
}

TEST(Units, FormatDurationShowsNegative) {
  EXPECT_EQ(format_duration(-0.5), "-500 ms");
}

TEST(Units, FormatSizePicksBinaryUnit) {
  EXPECT_EQ(format_size(512 * 1024), "512 KiB");
  EXPECT_EQ(format_size(1572864), "1.5 MiB");
  EXPECT_EQ(format_size(1ull << 30), "1 GiB");
  EXPECT_EQ(format_size(1000), "1000 B");
  EXPECT_EQ(format_size(0), "0 B");
}

TEST(Units, FormatSizeRoundsUpToNextUnit) {
  EXPECT_EQ(format_size(1048575), "1 MiB");
}

TEST(Units, FormatSizeShowsLargestValue) {
  EXPECT_EQ(format_size(18446744073709551615ull), "16 EiB");
}

TEST(Units, FormattedValuesParseBack) {
  EXPECT_EQ(parse_size(format_size(512 * 1024)), 512u * 1024);
  EXPECT_EQ(parse_size(format_size(1572864)), 1572864u);
  EXPECT_DOUBLE_EQ(*parse_duration(format_duration(1.25)), 1.25);
  EXPECT_DOUBLE_EQ(*parse_duration(format_duration(0.25)), 0.25);
}

}  // namespace
}  // namespace grader

TEST(Units, TwoDecimalsAtMostWithoutTrailingZeros) {
  EXPECT_EQ(grader::format_2dp(3), "3");
  EXPECT_EQ(grader::format_2dp(1.5), "1.5");
  EXPECT_EQ(grader::format_2dp(1.0 / 3), "0.33");
  EXPECT_EQ(grader::format_2dp(37.5), "37.5");
  EXPECT_EQ(grader::format_2dp(0), "0");
}
