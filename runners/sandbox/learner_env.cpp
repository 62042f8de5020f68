// The learner's argv, environment and shown host trees; see learner_env.h.
#include "runners/sandbox/learner_env.h"

#include <unistd.h>

#include <sstream>

#include "runners/sandbox/mounts.h"

namespace grader::sandbox {
namespace {

namespace fs = std::filesystem;

// The environment variables that name trees the run needs to see.
constexpr const char* kTreeVariables[] = {
    "PATH",     "MODULEPATH", "BASH_ENV",   "MODULESHOME",     "LMOD_CMD",
    "LMOD_DIR", "LMOD_PKG",   "PYTHONPATH", "LD_LIBRARY_PATH", "SLURM_CONF"};

// The installation (the parent of its bin/) of the first `name` on `path_var`, outside /work.
void add_interpreter_tree(const std::string& name, const std::string& path_var, std::vector<fs::path>& out) {
  if (name.find('/') != std::string::npos) return;
  std::stringstream dirs(path_var);
  for (std::string dir; std::getline(dirs, dir, ':');) {
    if (dir.empty() || dir[0] != '/' || dir.rfind(kSandboxWorkdir, 0) == 0) continue;
    fs::path exe = fs::path(dir) / name;
    if (::access(exe.c_str(), X_OK) != 0) continue;
    std::error_code ec;
    fs::path real = fs::canonical(exe, ec);
    if (!ec && real.has_parent_path()) out.push_back(real.parent_path().parent_path());
    break;
  }
}

// Every existing absolute entry of `value` outside the workdir; an Lmod ".../Core" with its root.
void add_entry_trees(const std::string& value, const fs::path& workdir, std::vector<fs::path>& out) {
  std::stringstream entries(value);
  for (std::string entry; std::getline(entries, entry, ':');) {
    if (entry.empty() || entry[0] != '/') continue;
    fs::path p = fs::path(entry).lexically_normal();
    const fs::path rel = p.lexically_relative(workdir);
    if (p == workdir || (!rel.empty() && *rel.begin() != "..")) {
      continue;  // inside the workdir: already there, as /work
    }
    std::error_code ec;
    if (!fs::exists(p, ec)) continue;
    if (p.filename() == "Core" || (p.filename().empty() && p.parent_path().filename() == "Core")) {
      out.push_back(p.parent_path());
    }
    out.push_back(p);
  }
}

}  // namespace

std::string replace_workdir(const std::string& value, const std::string& host) {
  std::string out;
  std::size_t start = 0;
  for (;;) {
    std::size_t colon = value.find(':', start);
    std::string entry = value.substr(start, colon == std::string::npos ? colon : colon - start);
    if (entry == host || entry.rfind(host + "/", 0) == 0) {
      entry = kSandboxWorkdir + entry.substr(host.size());
    }
    out += entry;
    if (colon == std::string::npos) break;
    out += ':';
    start = colon + 1;
  }
  return out;
}

LearnerCommand::LearnerCommand(const RunRequest& req, const fs::path& workdir, bool mount_ns,
                               const std::string& tmpdir)
    : args(req.argv) {
  for (const auto& [key, value] : req.env) {
    std::string v = mount_ns ? replace_workdir(value, workdir.string()) : value;
    if (key == "PATH") path_var = v;
    if (key == "TMPDIR" && !tmpdir.empty()) continue;
    env.push_back(key + "=" + v);
  }
  if (!tmpdir.empty()) env.push_back("TMPDIR=" + tmpdir);
  for (auto& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
}

std::vector<fs::path> shown_host_trees(const RunRequest& req, const fs::path& workdir,
                                       const std::string& path_var, std::vector<fs::path> extra_ro) {
  add_interpreter_tree(req.argv[0], path_var, extra_ro);
  for (const char* key : kTreeVariables) {
    auto it = req.env.find(key);
    if (it != req.env.end()) add_entry_trees(it->second, workdir, extra_ro);
  }
  return extra_ro;
}

}  // namespace grader::sandbox
