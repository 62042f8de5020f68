// Whether the kernel already favours dynamic cgroup changes, read from mountinfo and the kernel
// command line (cgroup_dynmods.h). The lines are this project's CI host's /proc/self/mountinfo,
// before and after the grader's own hpc-grader hierarchy was mounted.
#include "runners/sandbox/cgroup_dynmods.h"

#include <gtest/gtest.h>

namespace grader::sandbox {
namespace {

const char* kHost =
    "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
    "35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n"
    "39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids\n"
    "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n";
const char* kOurs =
    "97 25 0:52 / /run/hpc-grader/cgroup-favordynmods rw,nosuid,nodev,noexec,relatime - cgroup cgroup "
    "rw,favordynmods,name=hpc-grader\n";
const char* kCmdline = "console=ttyS0 reboot=k panic=1 root=/dev/vda rw\n";

TEST(CgroupDynmods, APlainV1HostDoesNotFavourThem) {
  EXPECT_FALSE(favours_dynmods(kHost, kCmdline));
}

TEST(CgroupDynmods, AnyCgroupMountWithTheOptionMakesTheWholeKernelFavourThem) {
  EXPECT_TRUE(favours_dynmods(std::string(kHost) + kOurs, kCmdline));
  EXPECT_TRUE(
      favours_dynmods("41 31 0:38 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw,nsdelegate,favordynmods\n", ""));
}

TEST(CgroupDynmods, TheOptionOnAnotherFileSystemDoesNotCount) {
  EXPECT_FALSE(favours_dynmods("50 23 0:40 / /mnt rw - tmpfs favordynmods rw,favordynmods\n", kCmdline));
}

TEST(CgroupDynmods, TheKernelCommandLineSetsItForEveryHierarchy) {
  EXPECT_TRUE(favours_dynmods(kHost, "root=/dev/vda cgroup_favordynmods=true quiet"));
  EXPECT_TRUE(favours_dynmods(kHost, "cgroup_favordynmods=1"));
  EXPECT_FALSE(favours_dynmods(kHost, "cgroup_favordynmods=false"));
  EXPECT_FALSE(favours_dynmods(kHost, "cgroup_favordynmods=0 root=/dev/vda"));
}

}  // namespace
}  // namespace grader::sandbox
