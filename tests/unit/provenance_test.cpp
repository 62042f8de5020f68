// Provenance's parts: SHA-256 and base64 against their standards' test vectors, the submission
// tree hash as docs/report.md defines it (recomputed here by hand), the git commit read from .git
// files, the grading key, and ISO times.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "grader/grading/resume.h"
#include "grader/repo/git_commit.h"
#include "grader/util/base64.h"
#include "grader/util/sha256.h"
#include "grader/util/timestamp.h"
#include "grader/workspace/tree_hash.h"

namespace grader {
namespace {

namespace fs = std::filesystem;

struct TempDir {
  fs::path path;
  TempDir() {
    std::string t = (fs::temp_directory_path() / "provenance-XXXXXX").string();
    path = mkdtemp(t.data());
  }
  ~TempDir() { fs::remove_all(path); }
  void write(const std::string& rel, const std::string& text) const {
    fs::create_directories((path / rel).parent_path());
    std::ofstream(path / rel, std::ios::binary) << text;
  }
};

TEST(Sha256, MatchesTheFips180TestVectors) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  Sha256 h;
  h.update("a");
  h.update("bc");
  EXPECT_EQ(h.hex(), sha256_hex("abc"));
}

TEST(Base64, RoundTripsEveryLengthAndRefusesWhatIsNotBase64) {
  EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");  // RFC 4648 section 10
  EXPECT_EQ(base64_encode("fo"), "Zm8=");
  std::string bytes;
  for (int i = 0; i < 300; ++i) {
    EXPECT_EQ(base64_decode(base64_encode(bytes)), bytes) << i;
    bytes += static_cast<char>(i * 37);
  }
  EXPECT_EQ(base64_decode("Zm8"), std::nullopt);
  EXPECT_EQ(base64_decode("Z!8="), std::nullopt);
}

TEST(TreeHash, IsTheDocumentedDigestOfPathsModesAndContents) {
  TempDir d;
  d.write("main.py", "print(1)\n");
  d.write("sub/run.sh", "#!/bin/sh\n");
  fs::permissions(d.path / "sub/run.sh", fs::perms::owner_exec, fs::perm_options::add);
  fs::create_symlink("main.py", d.path / "link");
  std::string records;
  auto rec = [&](const std::string& r) { records += r + '\0'; };
  rec("l - " + sha256_hex("main.py") + " link");  // sorted by bytes: link < main.py < sub
  rec("f 644 " + sha256_hex("print(1)\n") + " main.py");
  rec("d - - sub");
  rec("f 755 " + sha256_hex("#!/bin/sh\n") + " sub/run.sh");
  EXPECT_EQ(tree_hash(d.path), "sha256:" + sha256_hex(records));
}

TEST(TreeHash, ChangesWithAnyContentModeOrNameButNotWithTimes) {
  TempDir d;
  d.write("a.py", "x = 1\n");
  const std::string before = tree_hash(d.path);
  fs::last_write_time(d.path / "a.py", fs::file_time_type::clock::now() - std::chrono::hours(5));
  EXPECT_EQ(tree_hash(d.path), before);
  d.write("a.py", "x = 2\n");
  EXPECT_NE(tree_hash(d.path), before);
  d.write("a.py", "x = 1\n");
  EXPECT_EQ(tree_hash(d.path), before);
  fs::permissions(d.path / "a.py", fs::perms::owner_exec, fs::perm_options::add);
  EXPECT_NE(tree_hash(d.path), before);
  fs::permissions(d.path / "a.py", fs::perms::owner_exec, fs::perm_options::remove);
  fs::rename(d.path / "a.py", d.path / "b.py");
  EXPECT_NE(tree_hash(d.path), before);
}

TEST(GitCommit, ReadsLooseRefsPackedRefsDetachedHeadsAndWorktrees) {
  TempDir d;
  const std::string a(40, 'a'), b(40, 'b'), c(40, 'c');
  EXPECT_EQ(git_commit(d.path), std::nullopt) << "not a checkout";
  d.write(".git/HEAD", "ref: refs/heads/main\n");
  EXPECT_EQ(git_commit(d.path), std::nullopt) << "a branch with no commit yet";
  d.write(".git/packed-refs", "# pack-refs with: peeled\n" + b + " refs/heads/main\n");
  EXPECT_EQ(git_commit(d.path), b);
  d.write(".git/refs/heads/main", a + "\n");
  EXPECT_EQ(git_commit(d.path), a) << "a loose ref wins over packed-refs";
  // A worktree: .git is a file naming its gitdir, which has its own HEAD and a commondir.
  d.write("wt/.git", "gitdir: " + (d.path / ".git/worktrees/wt").string() + "\n");
  d.write(".git/worktrees/wt/HEAD", "ref: refs/heads/main\n");
  d.write(".git/worktrees/wt/commondir", "../..\n");
  EXPECT_EQ(git_commit(d.path / "wt"), a);
  d.write(".git/worktrees/wt/HEAD", c + "\n");
  EXPECT_EQ(git_commit(d.path / "wt"), c) << "detached";
}

TEST(GradingKey, ChangesWithEveryFieldItDependsOn) {
  Provenance p;
  p.grader_version = "0.1.0";
  p.rubric_sha256 = "r";
  p.provided_hash = "p";
  p.submission_hash = "s";
  RunnerInfo runner{"local", "sandbox", {"uid", "pid"}, "vm", ""};
  const std::string key = grading_key(p, runner);
  EXPECT_EQ(key.rfind("sha256:", 0), 0u);
  Provenance later = p;
  later.started = "2030-01-01T00:00:00Z";  // when is not what
  later.repo_commit = "x";                 // the rubric's bytes say it, not the commit
  EXPECT_EQ(grading_key(later, runner), key);
  for (auto change : std::vector<std::function<void(Provenance&, RunnerInfo&)>>{
           [](Provenance&q, RunnerInfo&) { q.grader_version = "0.2.0"; },
           [](Provenance&q, RunnerInfo&) { q.rubric_sha256 = "r2"; },
           [](Provenance&q, RunnerInfo&) { q.provided_hash = ""; },
           [](Provenance&q, RunnerInfo&) { q.submission_hash = "s2"; },
           [](Provenance&, RunnerInfo&r) { r.executor = "process"; },
           [](Provenance&, RunnerInfo&r) { r.isolation.pop_back(); },
           [](Provenance&, RunnerInfo&r) { r.host = "other"; },
           [](Provenance&, RunnerInfo&r) { r.cluster = "rackham"; },
       }) {
    Provenance q = p;
    RunnerInfo r = runner;
    change(q, r);
    EXPECT_NE(grading_key(q, r), key);
  }
}

TEST(Timestamp, IsUtcIso8601ToTheSecond) {
  EXPECT_EQ(iso_utc(std::chrono::system_clock::time_point{}), "1970-01-01T00:00:00Z");
  EXPECT_EQ(iso_utc(std::chrono::system_clock::time_point{std::chrono::seconds(1796183407)}),
            "2026-12-02T03:50:07Z");
}

}  // namespace
}  // namespace grader
