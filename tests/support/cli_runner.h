// Runs the real grader binary (and the real tools the tests read its output with) for end-to-end
// tests: arguments, working directory and environment in, exit code and both streams out.
// Test-only; header-only.
#pragma once

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

namespace grader::testing {

struct CliResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

inline std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

// Runs `argv` (argv[0] an absolute path; no PATH search) and waits for it. Streams go to files,
// not pipes, so that a test cannot deadlock on a full pipe.
inline CliResult run_program(const std::vector<std::string>& argv, const std::filesystem::path& cwd = {},
                             const std::map<std::string, std::string>& extra_env = {}) {
  namespace fs = std::filesystem;
  std::string dir_template = (fs::temp_directory_path() / "cli-run-XXXXXX").string();
  fs::path dir = mkdtemp(dir_template.data());
  fs::path out = dir / "out", err = dir / "err";
  pid_t pid = fork();
  if (pid == 0) {
    int o = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int e = open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(o, 1);
    dup2(e, 2);
    if (!cwd.empty() && chdir(cwd.c_str()) != 0) _exit(120);
    for (const auto& [k, v] : extra_env) setenv(k.c_str(), v.c_str(), 1);
    std::vector<std::string> copy = argv;
    std::vector<char*> args;
    for (auto& a : copy) args.push_back(a.data());
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(121);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  CliResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = slurp(out);
  r.err = slurp(err);
  fs::remove_all(dir);
  return r;
}

inline CliResult run_grader(const std::vector<std::string>& args, const std::filesystem::path& cwd = {},
                            const std::map<std::string, std::string>& extra_env = {}) {
  std::vector<std::string> argv = {GRADER_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_program(argv, cwd, extra_env);
}

// A scratch directory removed at the end of the test.
struct ScratchDir {
  std::filesystem::path path;
  ScratchDir() {
    std::string t = (std::filesystem::temp_directory_path() / "grader-test-XXXXXX").string();
    path = mkdtemp(t.data());
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  std::filesystem::path write(const std::string& rel, const std::string& content) const {
    auto p = path / rel;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << content;
    return p;
  }
};

}  // namespace grader::testing
