// What {{cores}} stands for on this machine: the parsers of the cgroup files that cap the
// affinity mask's CPUs, and the count itself against the affinity mask.
#include "runners/local/usable_cores.h"

#include <gtest/gtest.h>
#include <sched.h>

using namespace grader;

TEST(UsableCores, CpuMaxGivesQuotaOverPeriod) {
  EXPECT_EQ(cpu_max_cores("150000 100000\n"), 1.5);
  EXPECT_EQ(cpu_max_cores("200000 100000"), 2.0);
  EXPECT_FALSE(cpu_max_cores("max 100000\n").has_value()) << "no limit";
  EXPECT_FALSE(cpu_max_cores("").has_value()) << "no file";
  EXPECT_FALSE(cpu_max_cores("garbage").has_value());
}

TEST(UsableCores, CfsQuotaMinusOneIsNoLimit) {
  EXPECT_EQ(cfs_quota_cores("300000\n", "100000\n"), 3.0);
  EXPECT_FALSE(cfs_quota_cores("-1\n", "100000\n").has_value());
  EXPECT_FALSE(cfs_quota_cores("", "").has_value());
}

TEST(UsableCores, CgroupPathsOfBothHierarchies) {
  CgroupPaths p = cgroup_paths("12:cpu,cpuacct:/docker/abc\n4:memory:/docker/abc\n0::/user.slice/x.scope\n");
  EXPECT_EQ(p.v2, "/user.slice/x.scope");
  EXPECT_EQ(p.v1_cpu, "/docker/abc");
  CgroupPaths v2_only = cgroup_paths("0::/\n");
  EXPECT_EQ(v2_only.v2, "/");
  EXPECT_EQ(v2_only.v1_cpu, "");
  EXPECT_EQ(cgroup_paths("1:cpuacct:/a\n").v1_cpu, "") << "cpuacct accounts, it does not limit";
}

TEST(UsableCores, NeverMoreThanTheAffinityMaskAllows) {
  cpu_set_t set;
  CPU_ZERO(&set);
  ASSERT_EQ(sched_getaffinity(0, sizeof set, &set), 0);
  int cores = usable_cores();
  EXPECT_GE(cores, 1);
  EXPECT_LE(cores, CPU_COUNT(&set));
}
