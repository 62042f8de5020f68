// build_mount_plan: what the run's new root holds for given MountOptions, op by op: the system
// trees mirrored read-only as they are on the host, the generated passwd and group, the
// workspace writable at /work, size-capped /tmp and /dev/shm, five devices, the extra trees (and
// which are refused), /proc last, then the whole root read-only. Pure: nothing is mounted.
#include "runners/sandbox/mounts.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

namespace grader::sandbox {
namespace {

namespace fs = std::filesystem;
using Kind = MountOp::Kind;

class MountPlanTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "mounts_test_XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = fs::canonical(tmpl);
    fs::create_directories(dir_ / "work");
    fs::create_directories(dir_ / "tools" / "bin");
    options_.workdir = dir_ / "work";
    options_.passwd = "root:x:0:0:root:/root:/bin/sh\n";
    options_.group = "root:x:0:\n";
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Every op whose destination is `dst` under the new root, in plan order.
  static std::vector<MountOp> at(const MountPlan& plan, const std::string& dst) {
    std::vector<MountOp> out;
    for (const auto& op : plan.ops) {
      if (op.dst == "/newroot" + dst) out.push_back(op);
    }
    return out;
  }
  static std::ptrdiff_t index_of(const MountPlan& plan, Kind kind, const std::string& dst) {
    for (std::size_t i = 0; i < plan.ops.size(); ++i) {
      if (plan.ops[i].kind == kind && plan.ops[i].dst == "/newroot" + dst)
        return static_cast<std::ptrdiff_t>(i);
    }
    return -1;
  }

  fs::path dir_;
  MountOptions options_;
};

TEST_F(MountPlanTest, WorkspaceIsBoundWritableAtWork) {
  const MountPlan plan = build_mount_plan(options_);
  const auto ops = at(plan, "/work");
  ASSERT_EQ(ops.size(), 2u);
  EXPECT_EQ(ops[0].kind, Kind::Dir);
  EXPECT_EQ(ops[1].kind, Kind::BindRw);
  EXPECT_EQ(ops[1].src, "/oldroot" + (dir_ / "work").string());
}

TEST_F(MountPlanTest, PasswdAndGroupAreWrittenFromTheOptions) {
  const MountPlan plan = build_mount_plan(options_);
  const auto passwd = at(plan, "/etc/passwd");
  const auto group = at(plan, "/etc/group");
  ASSERT_EQ(passwd.size(), 1u);
  ASSERT_EQ(group.size(), 1u);
  EXPECT_EQ(passwd[0].kind, Kind::WriteFile);
  EXPECT_EQ(passwd[0].data, options_.passwd);
  EXPECT_EQ(passwd[0].mode, 0644u);
  EXPECT_EQ(group[0].kind, Kind::WriteFile);
  EXPECT_EQ(group[0].data, options_.group);
  // The host's own are never bound over them.
  for (const auto& op : plan.ops) {
    EXPECT_NE(op.src, "/oldroot/etc/passwd");
  }
}

TEST_F(MountPlanTest, TmpAndShmAreCappedPrivateTmpfs) {
  options_.tmp_bytes = 12345678;
  options_.shm_bytes = 4321;
  const MountPlan plan = build_mount_plan(options_);
  const auto tmp = at(plan, "/tmp");
  ASSERT_EQ(tmp.size(), 2u);
  EXPECT_EQ(tmp[0].kind, Kind::Dir);
  EXPECT_EQ(tmp[0].mode, 01777u);
  EXPECT_EQ(tmp[1].kind, Kind::Tmpfs);
  EXPECT_EQ(tmp[1].data, "size=12345678,mode=1777,nr_inodes=16384");
  EXPECT_FALSE(tmp[1].noexec);
  const auto shm = at(plan, "/dev/shm");
  ASSERT_EQ(shm.size(), 2u);
  EXPECT_EQ(shm[1].kind, Kind::Tmpfs);
  EXPECT_EQ(shm[1].data, "size=4321,mode=1777,nr_inodes=4096");
  EXPECT_TRUE(shm[1].noexec);
  // Nothing of the host's /tmp is there (but the workspace, which this test makes in it).
  for (const auto& op : plan.ops) {
    if (op.dst != "/newroot/work") {
      EXPECT_NE(op.src.rfind("/oldroot/tmp", 0), 0u) << op.src;
    }
  }
}

TEST_F(MountPlanTest, DevHoldsOnlyTheHarmlessDevicesAndIsReadOnly) {
  const MountPlan plan = build_mount_plan(options_);
  const auto dev = at(plan, "/dev");
  ASSERT_EQ(dev.size(), 3u);
  EXPECT_EQ(dev[1].kind, Kind::Tmpfs);
  EXPECT_TRUE(dev[1].noexec);
  EXPECT_EQ(dev[2].kind, Kind::RemountRo);
  std::vector<std::string> bound;
  for (const auto& op : plan.ops) {
    if (op.kind == Kind::BindDev) {
      bound.push_back(op.dst);
      EXPECT_EQ(op.src, "/oldroot" + op.dst.substr(std::string("/newroot").size()));
    }
  }
  EXPECT_EQ(bound, (std::vector<std::string>{"/newroot/dev/null", "/newroot/dev/zero", "/newroot/dev/full",
                                             "/newroot/dev/random", "/newroot/dev/urandom"}));
  const auto fd = at(plan, "/dev/fd");
  ASSERT_EQ(fd.size(), 1u);
  EXPECT_EQ(fd[0].kind, Kind::Symlink);
  EXPECT_EQ(fd[0].src, "/proc/self/fd");
  // /dev/shm is made before /dev goes read-only.
  EXPECT_LT(index_of(plan, Kind::Tmpfs, "/dev/shm"), index_of(plan, Kind::RemountRo, "/dev"));
}

TEST_F(MountPlanTest, SystemTreesMirrorTheHost) {
  const MountPlan plan = build_mount_plan(options_);
  for (const fs::path& tree : system_trees()) {
    struct stat st {};
    const auto ops = at(plan, tree.string());
    if (::lstat(tree.c_str(), &st) != 0) {
      EXPECT_TRUE(ops.empty()) << tree << " is not on the host";
    } else if (S_ISLNK(st.st_mode)) {
      ASSERT_EQ(ops.size(), 1u) << tree;
      EXPECT_EQ(ops[0].kind, Kind::Symlink);
      EXPECT_EQ(ops[0].src, fs::read_symlink(tree).string());
    } else {
      ASSERT_EQ(ops.size(), 2u) << tree;
      EXPECT_EQ(ops[0].kind, Kind::Dir);
      EXPECT_EQ(ops[1].kind, Kind::BindRo);
      EXPECT_EQ(ops[1].src, "/oldroot" + tree.string());
    }
  }
}

TEST_F(MountPlanTest, EtcHoldsTheAllowlistOnly) {
  const MountPlan plan = build_mount_plan(options_);
  for (const auto& op : plan.ops) {
    if (op.kind != Kind::BindRo || op.src.rfind("/oldroot/etc/", 0) != 0) continue;
    const fs::path host = op.src.substr(std::string("/oldroot").size());
    const auto allowed = etc_allowlist();
    EXPECT_NE(std::find(allowed.begin(), allowed.end(), host), allowed.end()) << host;
  }
  EXPECT_TRUE(at(plan, "/etc/shadow").empty());
  if (fs::exists("/etc/hosts")) {
    EXPECT_GE(index_of(plan, Kind::BindRo, "/etc/hosts"), 0);
  }
}

TEST_F(MountPlanTest, NothingElseOfTheHostIsThere) {
  const MountPlan plan = build_mount_plan(options_);
  for (const char* hidden : {"/home", "/root", "/run", "/sys", "/var", "/tmp/", "/etc/shadow"}) {
    for (const auto& op : plan.ops) {
      if (op.dst != "/newroot/work") {
        EXPECT_NE(op.src.rfind(std::string("/oldroot") + hidden, 0), 0u) << op.src;
      }
    }
  }
}

TEST_F(MountPlanTest, ExtraTreesAreBoundReadOnlyWithTheirParents) {
  options_.extra_ro = {dir_ / "tools"};
  const MountPlan plan = build_mount_plan(options_);
  const std::string tools = (dir_ / "tools").string();
  const auto ops = at(plan, tools);
  ASSERT_EQ(ops.size(), 2u);
  EXPECT_EQ(ops[0].kind, Kind::Dir);
  EXPECT_EQ(ops[1].kind, Kind::BindRo);
  EXPECT_EQ(ops[1].src, "/oldroot" + tools);
  // Its parents exist first, and it lands after the run's own /tmp (it lies under the host's /tmp).
  EXPECT_LT(index_of(plan, Kind::Dir, dir_.string()), index_of(plan, Kind::BindRo, tools));
  EXPECT_LT(index_of(plan, Kind::Tmpfs, "/tmp"), index_of(plan, Kind::BindRo, tools));
  EXPECT_LT(index_of(plan, Kind::BindRo, tools), index_of(plan, Kind::Proc, "/proc"));
}

TEST_F(MountPlanTest, ExtraTreesThatWouldCoverTheSandboxOwnAreLeftOut) {
  // Host paths that exist (a missing one is left out anyway, which would prove nothing): the
  // root, a top-level directory, trees under what the sandbox mounts itself or already shows,
  // and a relative path.
  std::vector<fs::path> refused;
  for (const char* p : {"/", "/home", "/tmp", "/proc/self", "/dev/shm", "/etc/ssl/certs", "/sys/fs/cgroup",
                        "/run/lock", "/work/shared", "/usr/lib", "/usr/share"}) {
    struct stat st {};
    if (::lstat(p, &st) == 0) refused.emplace_back(p);
  }
  refused.push_back(fs::relative(dir_ / "tools", fs::current_path()));
  ASSERT_GE(refused.size(), 6u);
  MountOptions without = options_;
  options_.extra_ro = refused;
  const MountPlan plan = build_mount_plan(options_);
  EXPECT_EQ(plan.ops.size(), build_mount_plan(without).ops.size());
  for (const fs::path& p : refused) {
    EXPECT_LT(index_of(plan, Kind::BindRo, p.string()), 0) << p;
  }
}

TEST_F(MountPlanTest, ProcIsTheRunsOwnAndTheRootEndsReadOnly) {
  const MountPlan plan = build_mount_plan(options_);
  const auto proc = at(plan, "/proc");
  ASSERT_EQ(proc.size(), 2u);
  EXPECT_EQ(proc[0].mode, 0555u);
  EXPECT_EQ(proc[1].kind, Kind::Proc);
  EXPECT_EQ(proc[1].data, "hidepid=2");
  ASSERT_FALSE(plan.ops.empty());
  EXPECT_EQ(plan.ops.back().kind, Kind::RemountRo);
  EXPECT_EQ(plan.ops.back().dst, "/newroot");

  options_.hide_pids = false;
  EXPECT_EQ(at(build_mount_plan(options_), "/proc")[1].data, "");
}

TEST_F(MountPlanTest, EveryDestinationLiesUnderTheNewRootAndEverySourceUnderTheOld) {
  options_.extra_ro = {dir_ / "tools"};
  const MountPlan plan = build_mount_plan(options_);
  for (const auto& op : plan.ops) {
    EXPECT_EQ(op.dst.rfind("/newroot", 0), 0u) << op.dst;
    const bool bind = op.kind == Kind::BindRo || op.kind == Kind::BindRw || op.kind == Kind::BindDev;
    if (bind) {
      EXPECT_EQ(op.src.rfind("/oldroot/", 0), 0u) << op.src;
    }
  }
}

}  // namespace
}  // namespace grader::sandbox
