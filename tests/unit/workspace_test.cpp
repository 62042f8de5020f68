// Staging a submission: a faithful private copy, and a clear refusal for what could escape.
#include "grader/workspace/workspace.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <fstream>

using namespace grader;
namespace fs = std::filesystem;

namespace {

struct TempDir {
  fs::path path;
  TempDir() {
    std::string t = (fs::temp_directory_path() / "ws-test-XXXXXX").string();
    path = mkdtemp(t.data());
  }
  ~TempDir() { fs::remove_all(path); }
};

void write(const fs::path& p, const std::string& s) {
  fs::create_directories(p.parent_path());
  std::ofstream(p) << s;
}

std::string read(const fs::path& p) {
  std::ifstream in(p);
  return {std::istreambuf_iterator<char>(in), {}};
}

std::string refusal(const fs::path& submission) {
  try {
    Workspace::stage(submission);
  } catch (const SubmissionError& e) {
    return e.what();
  }
  return "(staged)";
}

}  // namespace

TEST(Workspace, CopiesTreeAndRemovesItAfterwards) {
  TempDir sub;
  write(sub.path / "hello.py", "print(1)\n");
  write(sub.path / "pkg" / "mod.py", "x = 1\n");
  fs::create_symlink("pkg/mod.py", sub.path / "link.py");
  fs::path dir;
  {
    auto ws = Workspace::stage(sub.path);
    dir = ws.dir();
    EXPECT_NE(dir, sub.path);
    EXPECT_EQ(read(dir / "hello.py"), "print(1)\n");
    EXPECT_EQ(read(dir / "pkg" / "mod.py"), "x = 1\n");
    EXPECT_EQ(read(dir / "link.py"), "x = 1\n");
    write(dir / "new.txt", "learner output");
  }
  EXPECT_FALSE(fs::exists(dir));
  EXPECT_FALSE(fs::exists(sub.path / "new.txt")) << "the submission itself is never modified";
}

TEST(Workspace, RefusesSymlinkToEtcShadow) {
  TempDir sub;
  fs::create_symlink("/etc/shadow", sub.path / "secret");
  EXPECT_EQ(refusal(sub.path),
            "'secret' is a symlink to the absolute path '/etc/shadow'; only relative links inside the "
            "submission are allowed");
}

TEST(Workspace, RefusesRelativeSymlinkLeavingSubmission) {
  TempDir sub;
  fs::create_directories(sub.path / "a");
  fs::create_symlink("../../x", sub.path / "a" / "up");
  EXPECT_EQ(refusal(sub.path), "'a/up' is a symlink to '../../x', which leaves the submission");
}

TEST(Workspace, AllowsDotDotThatStaysInside) {
  TempDir sub;
  write(sub.path / "data.txt", "d");
  fs::create_directories(sub.path / "a");
  fs::create_symlink("../data.txt", sub.path / "a" / "d");
  EXPECT_EQ(refusal(sub.path), "(staged)");
}

TEST(Workspace, RefusesFifo) {
  TempDir sub;
  ASSERT_EQ(mkfifo((sub.path / "pipe").c_str(), 0600), 0);
  EXPECT_EQ(refusal(sub.path),
            "'pipe' is a named pipe; submissions may hold only files, directories and relative symlinks");
}

TEST(Workspace, RefusesSocket) {
  TempDir sub;
  int fd = socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::string p = (sub.path / "sock").string();
  std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", p.c_str());
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  close(fd);
  EXPECT_NE(refusal(sub.path).find("'sock' is a socket"), std::string::npos);
}

TEST(Workspace, MissingSubmissionIsRefused) {
  EXPECT_EQ(refusal("/nonexistent/alice"), "submission '/nonexistent/alice' does not exist");
}

TEST(Workspace, ExcludedTopLevelNamesAreLeftOut) {
  TempDir sub;
  write(sub.path / "hello.py", "");
  write(sub.path / "expected.toml", "score = 1");
  StageOptions o;
  o.exclude = {"expected.toml"};
  auto ws = Workspace::stage(sub.path, o);
  EXPECT_TRUE(fs::exists(ws.dir() / "hello.py"));
  EXPECT_FALSE(fs::exists(ws.dir() / "expected.toml"));
}

TEST(Workspace, RemovesReadOnlyDirectoriesLearnerLeft) {
  TempDir sub;
  write(sub.path / "a.py", "");
  fs::path dir;
  {
    auto ws = Workspace::stage(sub.path);
    dir = ws.dir();
    write(dir / "locked" / "f", "x");
    fs::permissions(dir / "locked", fs::perms::none);
  }
  EXPECT_FALSE(fs::exists(dir));
}

TEST(Workspace, SizeCapRefusesHugeSubmission) {
  TempDir sub;
  write(sub.path / "big.bin", std::string(2048, 'x'));
  StageOptions o;
  o.max_total_bytes = 1024;
  try {
    Workspace::stage(sub.path, o);
    FAIL() << "staged";
  } catch (const SubmissionError& e) {
    EXPECT_NE(std::string(e.what()).find("larger than"), std::string::npos);
  }
}

TEST(Workspace, ProvidedFilesReplaceTheLearnersCopy) {
  TempDir sub, provided;
  write(sub.path / "job.sh", "#!/bin/bash\n");
  write(sub.path / "mmmult.py", "print('tampered')\n");
  write(provided.path / "mmmult.py", "print('given')\n");
  write(provided.path / "data" / "a.txt", "1 2\n");
  StageOptions o;
  o.provided = provided.path;
  auto ws = Workspace::stage(sub.path, o);
  EXPECT_EQ(read(ws.dir() / "mmmult.py"), "print('given')\n");
  EXPECT_EQ(read(ws.dir() / "data" / "a.txt"), "1 2\n");
  EXPECT_EQ(read(ws.dir() / "job.sh"), "#!/bin/bash\n");
  EXPECT_EQ(read(sub.path / "mmmult.py"), "print('tampered')\n") << "the submission is only read";
}
