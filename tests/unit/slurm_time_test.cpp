// grader/util/slurm_time: the one reader of Slurm time values (sbatch -t, squeue, sacct).
#include "grader/util/slurm_time.h"

#include <gtest/gtest.h>

namespace grader {
namespace {

TEST(SlurmTime, AllSlurmFormats) {
  EXPECT_EQ(parse_slurm_time("10")->seconds, 600);
  EXPECT_EQ(parse_slurm_time("10:30")->seconds, 630);
  EXPECT_EQ(parse_slurm_time("1:00:00")->seconds, 3600);
  EXPECT_EQ(parse_slurm_time("2-3")->seconds, 2 * 86400 + 3 * 3600);
  EXPECT_EQ(parse_slurm_time("2-3:04")->seconds, 2 * 86400 + 3 * 3600 + 4 * 60);
  EXPECT_EQ(parse_slurm_time("1-00:00:30")->seconds, 86400 + 30);
  EXPECT_TRUE(parse_slurm_time("UNLIMITED")->unlimited);
  EXPECT_TRUE(parse_slurm_time("infinite")->unlimited);
  EXPECT_FALSE(parse_slurm_time("ten"));
  EXPECT_FALSE(parse_slurm_time("1:2:3:4"));
  EXPECT_FALSE(parse_slurm_time(""));
  EXPECT_FALSE(parse_slurm_time("10m"));
}

TEST(SlurmTime, SlurmGrantsWholeMinutes) {
  EXPECT_EQ(parse_slurm_time("10:30")->minutes(), 11);
  EXPECT_EQ(parse_slurm_time("0:30")->minutes(), 1);
  EXPECT_EQ(describe_slurm_time({1800, false}), "30 min");
  EXPECT_EQ(describe_slurm_time({5400, false}), "1 h 30 min");
  EXPECT_EQ(describe_slurm_time({2 * 86400, false}), "2 days");
}

TEST(SlurmTime, SacctFractionsOnlyInTheSecondsField) {
  EXPECT_DOUBLE_EQ(parse_slurm_time("00:00.021")->seconds, 0.021);
  EXPECT_DOUBLE_EQ(parse_slurm_time("01:02:03.5")->seconds, 3723.5);
  EXPECT_FALSE(parse_slurm_time("1.5"));
  EXPECT_FALSE(parse_slurm_time("1.5:00"));
  EXPECT_FALSE(parse_slurm_time("-5"));
}

// sbatch(1): "A time limit of zero requests that no time limit be imposed. Acceptable time formats
// include minutes, ..." — a bare number is minutes, whichever tool's text it came from.
TEST(SlurmTime, BareNumberIsMinutesEverywhere) {
  EXPECT_EQ(parse_slurm_time("5")->seconds, 300);
  EXPECT_EQ(parse_slurm_time(" 5 ")->minutes(), 5);
}

}  // namespace
}  // namespace grader
