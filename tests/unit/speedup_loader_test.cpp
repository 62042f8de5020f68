// The speedup check kind as the rubric loader reads it: its options, and each rule it refuses
// with file:line:col and, where a typo is likely, a did-you-mean.
#include <gtest/gtest.h>

#include "grader/rubric/loader.h"

using namespace grader;

namespace {

// Two runs (lines 1-7); the check table starts on line 8, its keys on line 9.
const std::string kHead = R"(exercise = "p"
[[run]]
id = "one"
command = ["python3", "p.py", "1"]
[[run]]
id = "many"
command = ["python3", "p.py", "{{cores}}"]
[[check]]
)";

std::string error_of(const std::string& check_lines) {
  try {
    parse_rubric(kHead + check_lines, "r.toml");
  } catch (const RubricError& e) {
    return e.what();
  }
  return "(loaded without error)";
}

const SpeedupCheck& speedup_of(const Rubric& r) {
  return std::get<SpeedupCheck>(r.checks.at(0).kind);
}

}  // namespace

TEST(SpeedupLoader, LoadsWallSpeedupRelativeToTheSolution) {
  Rubric r = parse_rubric(kHead + R"(id = "s"
speedup = { serial = "one", parallel = "many", value = 1.0, lower = -0.25, upper = 0.5, reference = "solution", min_reference = 1.4 }
)",
                          "r.toml");
  const SpeedupCheck& s = speedup_of(r);
  EXPECT_EQ(s.measure, SpeedupMeasure::Wall);
  EXPECT_EQ(s.serial, "one");
  EXPECT_EQ(s.parallel, "many");
  EXPECT_EQ(s.value, 1.0);
  EXPECT_EQ(s.lower, -0.25);
  EXPECT_EQ(s.upper, 0.5);
  EXPECT_TRUE(s.relative);
  EXPECT_EQ(s.min_reference, 1.4);
  EXPECT_EQ(r.checks[0].run, "many") << "the check grades (is hidden and skipped with) the parallel run";
}

TEST(SpeedupLoader, LoadsCpuMeasureAndCoresValue) {
  Rubric r = parse_rubric(kHead +
                              "id = \"s\"\nspeedup = { measure = \"cpu\", parallel = \"many\", value = "
                              "\"{{cores}}\", lower = -0.4 }\n",
                          "r.toml");
  const SpeedupCheck& s = speedup_of(r);
  EXPECT_EQ(s.measure, SpeedupMeasure::Cpu);
  EXPECT_TRUE(s.serial.empty());
  EXPECT_TRUE(s.value_is_cores);
  EXPECT_FALSE(s.upper.has_value());
  EXPECT_FALSE(s.relative);
}

TEST(SpeedupLoader, RejectsUnknownRunWithSuggestion) {
  EXPECT_EQ(
      error_of("id = \"s\"\nspeedup = { serial = \"onw\", parallel = \"many\", value = 2, lower = -0.3 }\n"),
      "r.toml:10:22: 'speedup.serial' in check 's' names run 'onw', which does not exist; did you mean "
      "'one'?");
}

TEST(SpeedupLoader, RejectsTheSameRunTwice) {
  EXPECT_EQ(
      error_of("id = \"s\"\nspeedup = { serial = \"many\", parallel = \"many\", value = 2, lower = -0.3 }\n"),
      "r.toml:10:41: 'speedup.serial' and 'speedup.parallel' in check 's' are both run 'many'; a speedup "
      "compares two different runs");
}

TEST(SpeedupLoader, RejectsLowerOutsideMinusOneToZero) {
  EXPECT_EQ(
      error_of("id = \"s\"\nspeedup = { serial = \"one\", parallel = \"many\", value = 2, lower = 0.3 }\n"),
      "r.toml:10:67: 'speedup.lower' in check 's' must be from -1 to 0, a fraction of 'value' below it "
      "(-0.3: at least 70% of value), as in ReFrame's references");
  EXPECT_NE(
      error_of("id = \"s\"\nspeedup = { serial = \"one\", parallel = \"many\", value = 2, lower = -1.5 }\n")
          .find("r.toml:10:67: 'speedup.lower' in check 's' must be from -1 to 0"),
      std::string::npos);
}

TEST(SpeedupLoader, RejectsNegativeUpper) {
  EXPECT_EQ(
      error_of("id = \"s\"\nspeedup = { serial = \"one\", parallel = \"many\", value = 2, upper = -0.1 }\n"),
      "r.toml:10:67: 'speedup.upper' in check 's' must be 0 or more, a fraction of 'value' above it (0.5: "
      "at most 150% of value)");
}

TEST(SpeedupLoader, RejectsNoBoundsAtAll) {
  EXPECT_EQ(error_of("id = \"s\"\nspeedup = { serial = \"one\", parallel = \"many\", value = 2 }\n"),
            "r.toml:10:11: key 'speedup' in check 's' needs 'lower', 'upper' or both; without them every "
            "measurement passes");
}

TEST(SpeedupLoader, RejectsZeroSpread) {
  EXPECT_NE(error_of("id = \"s\"\nspeedup = { serial = \"one\", parallel = \"many\", value = 2, lower = 0, "
                     "upper = 0 }\n")
                .find("r.toml:10:78: 'speedup.lower' and 'speedup.upper' in check 's' are both 0"),
            std::string::npos);
}

TEST(SpeedupLoader, RejectsValueZeroOrNegative) {
  EXPECT_EQ(
      error_of("id = \"s\"\nspeedup = { serial = \"one\", parallel = \"many\", value = 0, lower = -0.3 }\n"),
      "r.toml:10:56: 'speedup.value' in check 's' must be more than 0: a speedup is a ratio of times, never "
      "0 or less");
}

TEST(SpeedupLoader, RejectsAValueStringOtherThanCores) {
  EXPECT_EQ(error_of("id = \"s\"\nspeedup = { serial = \"one\", parallel = \"many\", value = \"{{core}}\", "
                     "lower = -0.3 }\n"),
            "r.toml:10:56: 'speedup.value' in check 's' must be a number or \"{{cores}}\" (the runner's "
            "cores), not "
            "'{{core}}'");
}

TEST(SpeedupLoader, RejectsMissingSerialForWallMeasure) {
  EXPECT_EQ(
      error_of("id = \"s\"\nspeedup = { parallel = \"many\", value = 2, lower = -0.3 }\n"),
      "r.toml:10:11: key 'speedup' in check 's' has no 'serial'; add serial = \"RUN\", the run that the "
      "parallel one is compared with (or measure = \"cpu\" to read the parallel run alone)");
}

TEST(SpeedupLoader, RejectsSerialWithCpuMeasure) {
  EXPECT_NE(
      error_of("id = \"s\"\nspeedup = { measure = \"cpu\", serial = \"one\", parallel = \"many\", value = 2, "
               "lower = -0.3 }\n")
          .find("r.toml:10:30: 'speedup.serial' in check 's' is not used with measure = \"cpu\""),
      std::string::npos);
}

TEST(SpeedupLoader, RejectsUnknownMeasureWithSuggestion) {
  EXPECT_EQ(
      error_of(
          "id = \"s\"\nspeedup = { measure = \"cpus\", parallel = \"many\", value = 2, lower = -0.3 }\n"),
      "r.toml:10:23: 'speedup.measure' in check 's' must be \"wall\" (the serial run's wall time over the "
      "parallel run's) or \"cpu\" (the parallel run's CPU time over its wall time), not 'cpus'; did you mean "
      "'cpu'?");
}

TEST(SpeedupLoader, RejectsUnknownKeyWithSuggestion) {
  EXPECT_EQ(
      error_of("id = \"s\"\nspeedup = { serial = \"one\", parallel = \"many\", value = 2, lowr = -0.3 }\n"),
      "r.toml:10:59: unknown key 'lowr' in check 's'; did you mean 'lower'?");
}

TEST(SpeedupLoader, RejectsMinReferenceWithoutReference) {
  EXPECT_NE(
      error_of("id = \"s\"\nspeedup = { serial = \"one\", parallel = \"many\", value = 2, lower = -0.3, "
               "min_reference = 1.5 }\n")
          .find("r.toml:10:73: 'speedup.min_reference' in check 's' needs reference = \"solution\""),
      std::string::npos);
}

TEST(SpeedupLoader, RejectsUnknownReference) {
  EXPECT_EQ(
      error_of("id = \"s\"\nspeedup = { serial = \"one\", parallel = \"many\", value = 1, lower = -0.3, "
               "reference = \"solutoin\" }\n"),
      "r.toml:10:85: 'speedup.reference' in check 's' must be \"solution\" (the exercise's reference "
      "solution, run in the same grading), not 'solutoin'; did you mean 'solution'?");
}

TEST(SpeedupLoader, RejectsARunKeyOnTheCheck) {
  EXPECT_EQ(
      error_of("id = \"s\"\nrun = \"many\"\nspeedup = { serial = \"one\", parallel = \"many\", value = 2, "
               "lower = -0.3 }\n"),
      "r.toml:10:7: check 's' is a speedup check: it names its runs in 'speedup.serial' and "
      "'speedup.parallel', so it takes no 'run'");
}

TEST(SpeedupLoader, RejectsCoresPlaceholderTypo) {
  std::string text = R"(exercise = "p"
[[run]]
id = "many"
command = ["python3", "p.py", "{{core}}"]
[[check]]
id = "e"
exit_code = 0
)";
  try {
    parse_rubric(text, "r.toml");
    FAIL() << "loaded";
  } catch (const RubricError& e) {
    EXPECT_EQ(
        std::string(e.what()),
        "r.toml:4:31: unknown placeholder '{{core}}' in 'command' in run 'many'; did you mean 'cores'?");
  }
}

TEST(SpeedupLoader, LoadsCpuBound) {
  Rubric r = parse_rubric(kHead +
                              "id = \"s\"\nspeedup = { serial = \"one\", parallel = \"many\", value = 1.6, "
                              "lower = -0.3, cpu_bound = true }\n",
                          "r.toml");
  EXPECT_TRUE(speedup_of(r).cpu_bound);
  r = parse_rubric(kHead +
                       "id = \"s\"\nspeedup = { serial = \"one\", parallel = \"many\", value = 1.6, "
                       "lower = -0.3 }\n",
                   "r.toml");
  EXPECT_FALSE(speedup_of(r).cpu_bound) << "a GPU run's speedup needs no busy cores: off unless asked";
}

TEST(SpeedupLoader, RejectsCpuBoundWithCpuMeasure) {
  EXPECT_NE(
      error_of("id = \"s\"\nspeedup = { measure = \"cpu\", parallel = \"many\", value = 2, lower = -0.3, "
               "cpu_bound = true }\n")
          .find("r.toml:10:74: 'speedup.cpu_bound' in check 's' is for measure = \"wall\""),
      std::string::npos)
      << error_of(
             "id = \"s\"\nspeedup = { measure = \"cpu\", parallel = \"many\", value = 2, lower = -0.3, "
             "cpu_bound = true }\n");
}
