// The per-run options of the controls: the generated passwd and group, what the mount namespace
// and Landlock are given, which rlimits stand in for a missing cgroup.
#include "runners/sandbox/run_plans.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

namespace grader::sandbox {
namespace {

namespace fs = std::filesystem;

bool has(const std::vector<fs::path>& v, const fs::path& p) {
  return std::find(v.begin(), v.end(), p) != v.end();
}

TEST(RunPlans, PasswdNamesTheRunsUidAsLearnerAtWork) {
  EXPECT_EQ(passwd_for(60001, 60002),
            "root:x:0:0:root:/root:/bin/sh\n"
            "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n"
            "learner:x:60001:60002:learner:/work:/bin/sh\n");
  EXPECT_EQ(group_for(60002), "root:x:0:\nnogroup:x:65534:\nlearner:x:60002:\n");
}

TEST(RunPlans, RootAndNobodyAreNotRepeated) {
  for (uid_t id : {0u, 65534u}) {
    EXPECT_EQ(passwd_for(id, id),
              "root:x:0:0:root:/root:/bin/sh\n"
              "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n");
    EXPECT_EQ(group_for(id), "root:x:0:\nnogroup:x:65534:\n");
  }
}

TEST(RunPlans, MountOptionsCarryTheSizesTreesAndIdentity) {
  SandboxOptions options;
  options.tmp_bytes = 111;
  options.shm_bytes = 222;
  const MountOptions mo = mount_options(options, "/host/ws", {"/opt/x"}, 60001, 60001);
  EXPECT_EQ(mo.workdir, "/host/ws");
  EXPECT_EQ(mo.extra_ro, (std::vector<fs::path>{"/opt/x"}));
  EXPECT_EQ(mo.tmp_bytes, 111u);
  EXPECT_EQ(mo.shm_bytes, 222u);
  EXPECT_EQ(mo.passwd, passwd_for(60001, 60001));
  EXPECT_EQ(mo.group, group_for(60001));
  EXPECT_TRUE(mo.hide_pids);
}

TEST(RunPlans, LandlockReadsTheSystemAndShownTreesAndWritesTheWorkdirAndTmp) {
  const LandlockOptions lo =
      landlock_options({"/opt/sw/python", "/opt", "/", "relative/x"}, "/host/ws", "/host/grader-run-tmp-1");
  for (const fs::path& t : system_trees()) {
    EXPECT_TRUE(has(lo.read_exec, t)) << t;
  }
  EXPECT_TRUE(has(lo.read_exec, "/opt/sw/python"));
  // Never a whole top-level directory, nor a relative path.
  EXPECT_FALSE(has(lo.read_exec, "/opt"));
  EXPECT_FALSE(has(lo.read_exec, "/"));
  EXPECT_FALSE(has(lo.read_exec, "relative/x"));
  for (const char* f : {"/etc/passwd", "/etc/group", "/proc"}) {
    EXPECT_TRUE(has(lo.read_only, f)) << f;
  }
  for (const fs::path& e : etc_allowlist()) {
    EXPECT_TRUE(has(lo.read_only, e)) << e;
  }
  EXPECT_EQ(lo.read_write, (std::vector<fs::path>{"/host/ws", "/host/grader-run-tmp-1"}));
  EXPECT_EQ(lo.devices,
            (std::vector<fs::path>{"/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom"}));
  EXPECT_TRUE(lo.deny_tcp);
  EXPECT_TRUE(lo.scope);
  EXPECT_EQ(landlock_options({}, "/host/ws", "").read_write, (std::vector<fs::path>{"/host/ws"}));
}

TEST(RunPlans, RlimitsStandInForAMissingCgroup) {
  SandboxOptions options;
  options.file_size_limit = 1000;
  options.nofile = 64;
  options.stack_bytes = 8192;
  options.pids_max = 77;
  const RlimitOptions with_cgroup = rlimit_options(options, 256u << 20, true, true);
  EXPECT_EQ(with_cgroup.fsize, 1000u);
  EXPECT_EQ(with_cgroup.nofile, 64u);
  EXPECT_EQ(with_cgroup.stack, 8192u);
  EXPECT_FALSE(with_cgroup.as);
  EXPECT_FALSE(with_cgroup.nproc);

  const RlimitOptions without = rlimit_options(options, 256u << 20, false, true);
  EXPECT_EQ(without.as, std::optional<std::uint64_t>(256u << 20));
  EXPECT_EQ(without.nproc, std::optional<std::uint64_t>(77));
  // RLIMIT_NPROC counts every process of the uid: only for a uid of the run's own.
  EXPECT_FALSE(rlimit_options(options, 256u << 20, false, false).nproc);
  EXPECT_FALSE(rlimit_options(options, std::nullopt, false, false).as);
}

}  // namespace
}  // namespace grader::sandbox
