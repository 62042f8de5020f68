// The namespace probe's remembered pass (probe_cache.h): what its key is made of, and a record
// that only a grader with the same key takes.
#include "runners/sandbox/probe_cache.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

namespace grader::sandbox {
namespace {

namespace fs = std::filesystem;

struct Scratch {
  fs::path path;
  Scratch() {
    std::string t = (fs::temp_directory_path() / "probe-cache-test-XXXXXX").string();
    path = ::mkdtemp(t.data());
  }
  ~Scratch() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

TEST(ProbeCache, TheKeyChangesWithTheBootTheUserTheBinaryAndThePlan) {
  const std::string k = probe_cache_key("b1", 0, "65024:5308765:1:2.3", "pid,mount");
  EXPECT_NE(k, probe_cache_key("b2", 0, "65024:5308765:1:2.3", "pid,mount"));
  EXPECT_NE(k, probe_cache_key("b1", 1000, "65024:5308765:1:2.3", "pid,mount"));
  EXPECT_NE(k, probe_cache_key("b1", 0, "65024:5308765:1:2.4", "pid,mount"));
  EXPECT_NE(k, probe_cache_key("b1", 0, "65024:5308765:1:2.3", "pid"));
  EXPECT_EQ(k, probe_cache_key("b1", 0, "65024:5308765:1:2.3", "pid,mount"));
}

TEST(ProbeCache, AnUnknowableBootOrBinaryIsNeverAHit) {
  EXPECT_EQ(probe_cache_key("", 0, "65024:1:1:1", "pid"), "");
  EXPECT_EQ(probe_cache_key("b1", 0, "", "pid"), "");
  Scratch dir;
  ProbeCache empty_key(dir.path, "");
  empty_key.record_pass();
  EXPECT_FALSE(empty_key.passed());
  EXPECT_FALSE(fs::exists(dir.path / "sandbox-probe"));
}

TEST(ProbeCache, APassIsTakenOnlyUnderItsOwnKeyAndGoneOnceForgotten) {
  Scratch dir;
  const fs::path where = dir.path / "hpc-grader";
  ProbeCache mine(where, "key one"), other(where, "key two");
  EXPECT_FALSE(mine.passed());
  mine.record_pass();
  EXPECT_TRUE(mine.passed());
  EXPECT_FALSE(other.passed());
  mine.forget();
  EXPECT_FALSE(mine.passed());
  EXPECT_FALSE(fs::exists(where / "sandbox-probe"));
}

TEST(ProbeCache, NoDirectoryRemembersNothing) {
  ProbeCache nowhere("", "key");
  nowhere.record_pass();
  EXPECT_FALSE(nowhere.passed());
}

}  // namespace
}  // namespace grader::sandbox
