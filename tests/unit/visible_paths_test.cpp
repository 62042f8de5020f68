// visible_trees: the trees a contained job may read, on a made-up file system.
#include "runners/contain/visible_paths.h"

#include <gtest/gtest.h>

#include <map>

namespace grader::contain {
namespace {

namespace fs = std::filesystem;

// A tree: directory -> entry names; links: path -> where it leads.
struct FakeFs {
  std::map<fs::path, std::vector<std::string>> dirs;
  std::map<fs::path, fs::path> links;
  ListDir list() const {
    return [this](const fs::path& d) {
      auto it = dirs.find(d);
      return it == dirs.end() ? std::vector<std::string>{} : it->second;
    };
  }
  Resolve resolve() const {
    return [this](const fs::path& p) {
      auto it = links.find(p);
      return it == links.end() ? p : it->second;
    };
  }
};

FakeFs cluster() {
  FakeFs f;
  f.dirs["/"] = {"usr", "etc", "tmp", "proc", "home", "scratch"};
  f.dirs["/tmp"] = {"hpc-grader-cluster", "other"};
  f.dirs["/tmp/hpc-grader-cluster"] = {"etc", "jobs", "modules"};
  f.dirs["/tmp/hpc-grader-cluster/jobs"] = {"grader-aaa", "grader-bbb", "notes.txt"};
  f.dirs["/home"] = {"teacher"};
  f.dirs["/home/teacher"] = {".ssh", "course"};
  return f;
}

TEST(VisiblePaths, EverythingButTheHiddenJobDirectories) {
  FakeFs f = cluster();
  auto trees =
      visible_trees({"/tmp/hpc-grader-cluster/jobs/grader-aaa", "/tmp/hpc-grader-cluster/jobs/grader-bbb"},
                    f.list(), f.resolve());
  EXPECT_EQ(trees, (std::vector<fs::path>{"/etc", "/home", "/proc", "/scratch", "/tmp/hpc-grader-cluster/etc",
                                          "/tmp/hpc-grader-cluster/jobs/notes.txt",
                                          "/tmp/hpc-grader-cluster/modules", "/tmp/other", "/usr"}));
}

TEST(VisiblePaths, SeveralHiddenPathsOpenUpEachWayDown) {
  FakeFs f = cluster();
  auto trees = visible_trees({"/tmp/hpc-grader-cluster/jobs/grader-aaa", "/home/teacher/.ssh/"}, f.list(),
                             f.resolve());
  EXPECT_EQ(trees, (std::vector<fs::path>{
                       "/etc", "/home/teacher/course", "/proc", "/scratch", "/tmp/hpc-grader-cluster/etc",
                       "/tmp/hpc-grader-cluster/jobs/grader-bbb", "/tmp/hpc-grader-cluster/jobs/notes.txt",
                       "/tmp/hpc-grader-cluster/modules", "/tmp/other", "/usr"}));
}

// A rule on a link is a rule on what it leads to: a link into a hidden directory, or to one of
// the directories above it, would open it whole.
TEST(VisiblePaths, LinksToOrAboveAHiddenPathAreLeftOut) {
  FakeFs f = cluster();
  f.dirs["/"].push_back("jobs-link");
  f.dirs["/"].push_back("t");
  f.dirs["/"].push_back("bin");
  f.links["/jobs-link"] = "/tmp/hpc-grader-cluster/jobs/grader-aaa/ws";
  f.links["/t"] = "/tmp";
  f.links["/bin"] = "/usr/bin";
  auto trees = visible_trees({"/tmp/hpc-grader-cluster/jobs/grader-aaa"}, f.list(), f.resolve());
  EXPECT_EQ(std::count(trees.begin(), trees.end(), fs::path("/jobs-link")), 0);
  EXPECT_EQ(std::count(trees.begin(), trees.end(), fs::path("/t")), 0);
  EXPECT_EQ(std::count(trees.begin(), trees.end(), fs::path("/bin")), 1);
}

TEST(VisiblePaths, NothingHiddenIsTheWholeTreeAndHidingRootIsNothing) {
  FakeFs f = cluster();
  EXPECT_EQ(visible_trees({}, f.list(), f.resolve()), (std::vector<fs::path>{"/"}));
  EXPECT_TRUE(visible_trees({"/"}, f.list(), f.resolve()).empty());
}

TEST(VisiblePaths, JobDirectoriesAreTheEntriesWithThePrefix) {
  FakeFs f = cluster();
  EXPECT_EQ(entries_with_prefix("/tmp/hpc-grader-cluster/jobs", "grader-", f.list()),
            (std::vector<fs::path>{"/tmp/hpc-grader-cluster/jobs/grader-aaa",
                                   "/tmp/hpc-grader-cluster/jobs/grader-bbb"}));
}

}  // namespace
}  // namespace grader::contain
