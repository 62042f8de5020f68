// The cgroup v2 logic against a plain directory tree that mimics cgroupfs: which files it writes
// and with what, how it reads usage back, how it detects a usable hierarchy. (This CI host binds
// memory and pids to cgroup v1, so a live v2 hierarchy cannot be had here: a fresh
// `mount -t cgroup2` offers only hugetlb.)
#include "runners/sandbox/cgroup_v2.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "runners/sandbox/cgroup_files.h"

namespace grader::sandbox {
namespace {

namespace fs = std::filesystem;

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}
void put(const fs::path& p, const std::string& text) {
  std::ofstream(p) << text;
}

class CgroupV2Test : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "cgroup_v2_test_XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    root_ = tmpl;
    own_ = root_ / "user.slice" / "grader";
    fs::create_directories(own_);
    put(own_ / "cgroup.controllers", "cpu memory pids\n");
    put(own_ / "cgroup.procs", "");
    put(own_ / "cgroup.subtree_control", "");
  }
  void TearDown() override { fs::remove_all(root_); }

  // The run group create() made (the only run-* directory).
  fs::path run_dir() const {
    for (const auto& e : fs::directory_iterator(own_ / "grader-sandbox")) {
      if (e.path().filename().string().rfind("run-", 0) == 0) return e.path();
    }
    return {};
  }

  fs::path root_, own_;
};

TEST_F(CgroupV2Test, CreateDelegatesControllersAndSetsLimits) {
  CgroupV2Host host(own_);
  CgroupLimits limits;
  limits.memory_bytes = 256ull << 20;
  limits.pids_max = 64;
  std::string error;
  auto group = host.create(limits, error);
  ASSERT_NE(group, nullptr) << error;
  EXPECT_EQ(slurp(own_ / "cgroup.subtree_control"), "+memory +pids");
  EXPECT_EQ(slurp(own_ / "grader-sandbox" / "cgroup.subtree_control"), "+memory +pids");
  fs::path dir = run_dir();
  ASSERT_FALSE(dir.empty());
  EXPECT_EQ(dir.filename().string().rfind("run-" + std::to_string(::getpid()) + "-", 0), 0u);
  EXPECT_EQ(slurp(dir / "memory.max"), std::to_string(256ull << 20));
  EXPECT_EQ(slurp(dir / "memory.swap.max"), "0");
  EXPECT_EQ(slurp(dir / "memory.oom.group"), "1");
  EXPECT_EQ(slurp(dir / "pids.max"), "64");

  EXPECT_EQ(group->attach(4242), "");
  EXPECT_EQ(slurp(dir / "cgroup.procs"), "4242");
}

TEST_F(CgroupV2Test, NoMemoryLimitWritesNoMemoryMax) {
  CgroupV2Host host(own_);
  std::string error;
  auto group = host.create(CgroupLimits{}, error);
  ASSERT_NE(group, nullptr) << error;
  EXPECT_FALSE(fs::exists(run_dir() / "memory.max"));
  EXPECT_EQ(slurp(run_dir() / "pids.max"), "256");
}

TEST_F(CgroupV2Test, UsageReadsCpuPeakAndOomEvents) {
  CgroupV2Host host(own_);
  std::string error;
  auto group = host.create(CgroupLimits{}, error);
  ASSERT_NE(group, nullptr) << error;
  fs::path dir = run_dir();
  put(dir / "cpu.stat", "usage_usec 1500000\nuser_usec 1000000\nsystem_usec 500000\n");
  put(dir / "memory.peak", "104857600\n");
  put(dir / "memory.events", "low 0\nhigh 0\nmax 7\noom 1\noom_kill 1\noom_group_kill 1\n");
  CgroupUsage u = group->usage();
  EXPECT_EQ(u.cpu_ns, 1500000000u);
  EXPECT_EQ(u.peak_bytes, 104857600u);
  EXPECT_TRUE(u.oom_kill);
  EXPECT_TRUE(u.hit_limit);
  EXPECT_EQ(group->cpu_ns(), 1500000000u);

  put(dir / "memory.events", "low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\n");
  u = group->usage();
  EXPECT_FALSE(u.oom_kill);
  EXPECT_FALSE(u.hit_limit);
}

TEST_F(CgroupV2Test, KillAllUsesCgroupKillAndRemoveDeletesTheGroup) {
  CgroupV2Host host(own_);
  std::string error;
  auto group = host.create(CgroupLimits{}, error);
  ASSERT_NE(group, nullptr) << error;
  fs::path dir = run_dir();
  put(dir / "cgroup.kill", "");
  put(dir / "cgroup.procs", "");
  EXPECT_TRUE(group->kill_all());
  EXPECT_EQ(slurp(dir / "cgroup.kill"), "1");
  // cgroupfs removes a group's files with it; a plain directory needs them gone first.
  for (const auto& e : fs::directory_iterator(dir)) fs::remove(e.path());
  EXPECT_EQ(group->remove(), "");
  EXPECT_FALSE(fs::exists(dir));
}

TEST_F(CgroupV2Test, BusyOwnGroupMovesTheGraderToALeaf) {
  // The subtree_control write fails while the group holds processes: stand in for that with a
  // directory where the file cannot be written, then check the grader's pids move to the leaf.
  fs::remove(own_ / "cgroup.subtree_control");
  fs::create_directory(own_ / "cgroup.subtree_control");  // writing it fails (EISDIR)
  put(own_ / "cgroup.procs", "111\n222\n");
  CgroupV2Host host(own_);
  std::string err = host.prepare();
  EXPECT_NE(err.find("enable memory and pids"), std::string::npos) << err;
  EXPECT_EQ(slurp(own_ / "grader-supervisor" / "cgroup.procs"), "222");  // the last pid written
}

TEST_F(CgroupV2Test, DetectNeedsMemoryAndPidsInTheUnifiedHierarchy) {
  const std::string mountinfo = "30 25 0:26 / " + root_.string() +
                                " rw,nosuid shared:4 - cgroup2 cgroup2 rw\n"
                                "31 25 0:27 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n";
  const std::string self = "0::/user.slice/grader\n";
  std::string why;
  auto host = CgroupV2Host::detect(mountinfo, self, why);
  ASSERT_NE(host, nullptr) << why;

  put(own_ / "cgroup.controllers", "hugetlb\n");  // what this CI host's v2 mount offers
  why.clear();
  EXPECT_EQ(CgroupV2Host::detect(mountinfo, self, why), nullptr);
  EXPECT_NE(why.find("no memory and pids"), std::string::npos) << why;

  why.clear();
  EXPECT_EQ(
      CgroupV2Host::detect("31 25 0:27 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n", self, why),
      nullptr);
  EXPECT_EQ(why, "no cgroup v2 hierarchy is mounted");
}

TEST(CgroupFiles, ParsesProcSelfCgroup) {
  const std::string text = "9:name=systemd:/\n8:pids:/\n4:memory:/process_api/abc\n2:cpu,cpuacct:/x\n0::/\n";
  EXPECT_EQ(cgfiles::own_path(text, "memory"), "/process_api/abc");
  EXPECT_EQ(cgfiles::own_path(text, "cpuacct"), "/x");
  EXPECT_EQ(cgfiles::own_path(text, ""), "/");
  EXPECT_EQ(cgfiles::own_path("4:memory:/a\n", ""), std::nullopt);
  EXPECT_EQ(cgfiles::keyed_value("usage_usec 12\nuser_usec 3\n", "user_usec"), 3u);
  EXPECT_TRUE(cgfiles::is_stale_run_name("run-999999999-3"));
  EXPECT_FALSE(cgfiles::is_stale_run_name("run-" + std::to_string(::getpid()) + "-3"));
  EXPECT_FALSE(cgfiles::is_stale_run_name("other"));
  EXPECT_TRUE(cgfiles::is_stale_run_name("pool-999999999-0"));  // pooled groups (cgroup v1)
  EXPECT_FALSE(cgfiles::is_stale_run_name("pool-" + std::to_string(::getpid()) + "-0"));
  EXPECT_EQ(cgfiles::next_pool_name().rfind("pool-" + std::to_string(::getpid()) + "-", 0), 0u);
}

}  // namespace
}  // namespace grader::sandbox
