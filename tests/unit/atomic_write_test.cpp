// Atomic writes: a reader never sees half a file, an unchanged file is not rewritten, and a batch
// is all or nothing, leaving no temporary file behind.
#include "grader/report/atomic_write.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace grader {
namespace {

namespace fs = std::filesystem;

struct Dir {
  fs::path path;
  Dir() {
    std::string t = (fs::temp_directory_path() / "atomic-XXXXXX").string();
    path = mkdtemp(t.data());
  }
  ~Dir() { fs::remove_all(path); }
  std::size_t entries() const {
    return static_cast<std::size_t>(std::distance(fs::directory_iterator(path), fs::directory_iterator()));
  }
};

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(AtomicWrite, WritesMakesDirectoriesAndReplaces) {
  Dir d;
  atomic_write(d.path / "a/b/r.json", "one");
  atomic_write(d.path / "a/b/r.json", "two");
  EXPECT_EQ(read(d.path / "a/b/r.json"), "two");
  EXPECT_EQ(std::distance(fs::directory_iterator(d.path / "a/b"), fs::directory_iterator()), 1)
      << "no temporary file left";
}

TEST(AtomicWrite, AnUnchangedFileIsNotWrittenAgain) {
  Dir d;
  fs::path p = d.path / "r.json";
  EXPECT_TRUE(write_if_changed(p, "same"));
  auto ino = fs::status(p).permissions();
  struct stat before {};
  ::stat(p.c_str(), &before);
  EXPECT_FALSE(write_if_changed(p, "same"));
  struct stat after {};
  ::stat(p.c_str(), &after);
  EXPECT_EQ(before.st_ino, after.st_ino) << "the same file, not a renamed copy";
  EXPECT_EQ(fs::status(p).permissions(), ino);
  EXPECT_TRUE(write_if_changed(p, "other"));
  EXPECT_EQ(read(p), "other");
}

TEST(AtomicBatch, NothingIsInPlaceBeforeCommitAndAllIsAfter) {
  Dir d;
  atomic_write(d.path / "a.json", "old a");
  {
    AtomicBatch batch;
    batch.add(d.path / "a.json", "new a");
    batch.add(d.path / "b.json", "new b");
    EXPECT_EQ(read(d.path / "a.json"), "old a");
    EXPECT_FALSE(fs::exists(d.path / "b.json"));
    batch.commit();
  }
  EXPECT_EQ(read(d.path / "a.json"), "new a");
  EXPECT_EQ(read(d.path / "b.json"), "new b");
  EXPECT_EQ(d.entries(), 2u);
}

TEST(AtomicBatch, ABatchNeverCommittedLeavesNoTrace) {
  Dir d;
  atomic_write(d.path / "a.json", "old a");
  {
    AtomicBatch batch;
    batch.add(d.path / "a.json", "new a");
    batch.add(d.path / "b.json", "new b");
  }
  EXPECT_EQ(read(d.path / "a.json"), "old a");
  EXPECT_EQ(d.entries(), 1u) << "the temporary files are gone";
}

TEST(AtomicWrite, AnUnwritableDirectoryIsAnErrorNamingThePath) {
  Dir d;
  fs::path file = d.path / "not-a-dir";
  atomic_write(file, "x");
  try {
    atomic_write(file / "r.json", "y");
    FAIL() << "written under a plain file";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("cannot write '" + (file / "r.json").string() + "'"),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace grader
