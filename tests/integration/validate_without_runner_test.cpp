// `grader validate` without --runner, as an exercise repository's CI runs it: the real binary on
// the batch-script exercise. Its Slurm job is not submitted: the job's checks are skipped for want
// of a cluster ("not run here"), never a runner error; the static jobscript checks still validate,
// and a fixture whose static checks score other than declared still fails. Needs no cluster.
#include <gtest/gtest.h>

#include <fstream>

#include "tests/support/cli_runner.h"

using namespace grader::testing;
namespace fs = std::filesystem;

namespace {

const fs::path kRepo = GRADER_SOURCE_DIR;

bool contains(const std::string& text, const std::string& needle) {
  return text.find(needle) != std::string::npos;
}

// A copy of this repository's batch-script exercise, to declare fixtures differently.
struct BatchScriptCopy : ScratchDir {
  BatchScriptCopy() {
    fs::create_directories(path / "rubrics");
    fs::create_directories(path / "exercises");
    fs::copy_file(kRepo / "rubrics" / "batch-script.toml", path / "rubrics" / "batch-script.toml");
    fs::copy(kRepo / "exercises" / "batch-script", path / "exercises" / "batch-script",
             fs::copy_options::recursive);
  }
  void declare(const std::string& fixture, const std::string& expected) const {
    write("exercises/batch-script/fixtures/" + fixture + "/expected.toml", expected);
  }
};

CliResult validate(const fs::path& repo, const fs::path& junit) {
  return run_grader({"validate", repo.string(), "--exercise", "batch-script", "--junit", junit.string(),
                     "--color", "never"});
}

}  // namespace

TEST(ValidateWithoutRunner, JobsAreSkippedAndStaticChecksStillValidate) {
  ScratchDir out;
  auto r = validate(kRepo, out.path / "v.xml");
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_FALSE(contains(r.out, "runner failed")) << r.out;
  EXPECT_TRUE(contains(r.out,
                       "✓ solution: scores 10/14: full marks on what this runner can check; not checked "
                       "here: job-completes, product (needs a cluster: run 'job' is a Slurm job and no "
                       "--runner was given)"))
      << r.out;
  EXPECT_TRUE(contains(r.out,
                       "✓ fixture lost-hash: the checks run here score as declared (5.5/14); not run here: "
                       "job-completes, product (needs a cluster"))
      << r.out;
  EXPECT_TRUE(contains(r.out,
                       "✓ fixture module-after-python: the checks run here score as declared (9/14; the "
                       "declared 11 counts 2 points of the checks not run here)"))
      << r.out;
  EXPECT_TRUE(contains(r.out,
                       "all valid on what this runner can check: 7 gradings have checks not run here, which "
                       "need a cluster (--runner local"))
      << r.out;
  std::string xml = slurp(out.path / "v.xml");
  EXPECT_TRUE(contains(xml, "failures=\"0\" errors=\"0\"")) << xml;
}

TEST(ValidateWithoutRunner, AStaticCheckOtherThanDeclaredStillFails) {
  BatchScriptCopy repo;
  // lost-hash's job-modules fails (job.sh lost its '#'s); declaring it passed is a mistake to catch.
  repo.declare("lost-hash", "score = 5.5\n[checks]\njob-modules = \"passed\"\n");
  auto r = validate(repo.path, repo.path / "v.xml");
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_TRUE(contains(r.out,
                       "✗ fixture lost-hash: check 'job-modules' failed, declared passed; not run here: "
                       "job-completes, product"))
      << r.out;
  EXPECT_TRUE(contains(r.out, "\ninvalid on what this runner can check")) << r.out;
  EXPECT_TRUE(contains(slurp(repo.path / "v.xml"), "failures=\"1\"")) << "the JUnit says so too";
}

TEST(ValidateWithoutRunner, ADeclaredScoreTheStaticChecksCannotReachFails) {
  BatchScriptCopy repo;
  // Static checks give 5.5; the two job checks can add at most 4.
  repo.declare("lost-hash", "score = 10\n");
  auto r = validate(repo.path, repo.path / "v.xml");
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_TRUE(contains(r.out,
                       "✗ fixture lost-hash: scored 5.5/14 on the checks run here, and at most 9.5 with "
                       "those not run here; declared 10"))
      << r.out;
}

TEST(ValidateWithoutRunner, CheckAndGradeStillCallAMissingClusterARunnerError) {
  // Only validate skips: a teacher's gradebook must not quietly lose the job's points.
  auto r = run_grader({"check", "batch-script", (kRepo / "exercises" / "batch-script" / "solution").string(),
                       "--repo", kRepo.string(), "--color", "never"});
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_TRUE(contains(r.out, "no cluster was given to submit it to; use --runner")) << r.out;
}
