// What the learner's process is given to exec: its argv and environment, built in the grader
// beforehand (the child between clone and exec may not allocate), and the host trees beyond the
// system's that the run is shown read-only (mount namespace) or may read (Landlock).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "grader/run/executor.h"

namespace grader::sandbox {

// Each ':'-separated entry of `value` that is the workdir `host` or lies under it, renamed to
// lie under /work (kSandboxWorkdir), as it appears inside a mount namespace.
std::string replace_workdir(const std::string& value, const std::string& host);

// The request's argv and environment as execve takes them. Inside a mount namespace
// (`mount_ns`) every value naming the workdir names /work instead; a private `tmpdir` (not
// empty) replaces the request's TMPDIR. path_var is the PATH the command is looked up in
// (execvp's default when the request sets none). Holds pointers into itself: not copyable.
struct LearnerCommand {
  LearnerCommand(const RunRequest& req, const std::filesystem::path& workdir, bool mount_ns,
                 const std::string& tmpdir);
  LearnerCommand(const LearnerCommand&) = delete;
  LearnerCommand& operator=(const LearnerCommand&) = delete;

  std::vector<std::string> env;  // "KEY=value", in the request's order, TMPDIR last when replaced
  std::vector<std::string> args;
  std::string path_var = "/bin:/usr/bin";
  std::vector<char*> envp;  // into env, nullptr-terminated
  std::vector<char*> argv;  // into args, nullptr-terminated
};

// The host trees to show the run: `extra_ro` (the configured ones), the installation of an
// interpreter found on `path_var` outside the system trees (a pyenv, a conda), and the trees the
// request's environment points at (an Lmod hierarchy, BASH_ENV, software on PATH; a hierarchy's
// ".../Core" brings its root along), leaving out what lies inside the workdir (it is there
// already) and what does not exist. Looks at the host.
std::vector<std::filesystem::path> shown_host_trees(const RunRequest& req,
                                                    const std::filesystem::path& workdir,
                                                    const std::string& path_var,
                                                    std::vector<std::filesystem::path> extra_ro);

}  // namespace grader::sandbox
