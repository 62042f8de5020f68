// A test fixture for executors that run things in a workdir: a fresh temporary directory with
// `work/` in it, and requests for sh and python3 there. Shared by the process and sandbox
// executor tests. Test-only; header-only.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "grader/run/executor.h"

namespace grader::testing {

inline std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

class WorkdirTest : public ::testing::Test {
 protected:
  // `prefix` names the temporary directory; `env` is every request's environment, HOME aside
  // (with_home: HOME is the workdir, as grading sets it).
  WorkdirTest(std::string prefix, std::map<std::string, std::string> env, bool with_home)
      : prefix_(std::move(prefix)), env_(std::move(env)), with_home_(with_home) {}

  void SetUp() override {
    std::string tmpl = (std::filesystem::temp_directory_path() / (prefix_ + "_XXXXXX")).string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr) << "mkdtemp: " << std::strerror(errno);
    dir_ = tmpl;
    work_ = dir_ / "work";
    std::filesystem::create_directory(work_);
  }
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  RunRequest request(std::vector<std::string> argv) const {
    RunRequest r;
    r.id = "main";
    r.argv = std::move(argv);
    r.workdir = work_;
    r.env = env_;
    if (with_home_) r.env["HOME"] = work_.string();
    r.timeout_s = 30;
    return r;
  }
  RunRequest sh(const std::string& script) const { return request({"sh", "-c", script}); }
  RunRequest python(const std::string& code) const { return request({"python3", "-c", code}); }

  std::filesystem::path dir_;
  std::filesystem::path work_;

 private:
  std::string prefix_;
  std::map<std::string, std::string> env_;
  bool with_home_;
};

}  // namespace grader::testing
