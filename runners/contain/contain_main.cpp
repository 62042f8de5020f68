// grader-contain: the learner's jobscript contained on a compute node, with the controls of the
// sandbox's fallback mode that need no privilege (docs/slurm.md "Contained on the node"):
// no_new_privs, rlimits, Landlock (every path readable but the hidden ones, writes only below the
// --rw trees; no network rule, since srun and MPI need it; signals and abstract sockets scoped
// where the ABI has it), and the sandbox's seccomp deny list. Then it execs the jobscript.
//
//   grader-contain --probe
//   grader-contain --report FILE [--hide PATH]... [--hide-prefix DIR/PREFIX]... [--rw DIR]...
//                  [--tmp DIR] -- PROGRAM [ARG]...
//
// --report gets one line per control in force (no_new_privs, rlimits, landlock, landlock_scope,
// seccomp) and `note: ...` for each one the node did not allow; it is written before the
// jobscript starts. A control that fails is left out and noted, never claimed: the job still
// runs, as it would without the grader. Built statically (CMakeLists.txt) so that the grader can
// copy it to a cluster whose libraries are not this machine's.
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "runners/contain/visible_paths.h"
#include "runners/sandbox/landlock.h"
#include "runners/sandbox/seccomp.h"

namespace {

namespace fs = std::filesystem;
using grader::contain::entries_with_prefix;
using grader::contain::visible_trees;

struct Args {
  std::string report;
  std::vector<fs::path> hide;
  std::vector<std::string> hide_prefix;
  std::vector<fs::path> rw;
  std::string tmp;
  std::vector<char*> program;
};

[[noreturn]] void usage(const char* why) {
  std::fprintf(stderr,
               "grader-contain: %s\nusage: grader-contain --report FILE [--hide PATH]... "
               "[--hide-prefix DIR/PREFIX]... [--rw DIR]... [--tmp DIR] -- PROGRAM [ARG]...\n",
               why);
  std::exit(2);
}

Args parse(int argc, char** argv) {
  Args a;
  int i = 1;
  for (; i < argc && std::strcmp(argv[i], "--") != 0; ++i) {
    std::string flag = argv[i];
    if (i + 1 >= argc) usage(("no value after " + flag).c_str());
    std::string value = argv[++i];
    if (flag == "--report")
      a.report = value;
    else if (flag == "--hide")
      a.hide.emplace_back(value);
    else if (flag == "--hide-prefix")
      a.hide_prefix.push_back(value);
    else if (flag == "--rw")
      a.rw.emplace_back(value);
    else if (flag == "--tmp")
      a.tmp = value;
    else
      usage(("unknown option " + flag).c_str());
  }
  for (++i; i < argc; ++i) a.program.push_back(argv[i]);
  if (a.program.empty()) usage("no program after --");
  a.program.push_back(nullptr);
  return a;
}

std::vector<std::string> list_dir(const fs::path& dir) {
  std::vector<std::string> names;
  DIR* d = ::opendir(dir.c_str());
  if (!d) return names;
  while (dirent* e = ::readdir(d))
    if (std::strcmp(e->d_name, ".") != 0 && std::strcmp(e->d_name, "..") != 0) names.emplace_back(e->d_name);
  ::closedir(d);
  return names;
}

fs::path real(const fs::path& p) {
  char buf[PATH_MAX];
  return ::realpath(p.c_str(), buf) ? fs::path(buf) : p;
}

// The hidden paths, as real paths: --hide ones, and the entries of DIR named PREFIX*.
std::vector<fs::path> hidden_paths(const Args& a) {
  std::vector<fs::path> out;
  for (const fs::path& h : a.hide) out.push_back(real(h));
  for (const std::string& hp : a.hide_prefix) {
    fs::path p(hp);
    for (const fs::path& e : entries_with_prefix(real(p.parent_path()), p.filename().string(), list_dir))
      out.push_back(e);
  }
  return out;
}

struct Report {
  std::vector<std::string> in_force, notes;
  void failed(const std::string& what, const char* step) {
    notes.push_back(what + " not in force: " + step + ": " + std::strerror(errno));
  }
};

void limit(Report& r) {
  struct rlimit core {
    0, 0
  };
  // What Slurm propagated from the submitting shell stays; a core dump of the learner's program
  // is never wanted in a graded job's directory.
  if (::setrlimit(RLIMIT_CORE, &core) == 0)
    r.in_force.push_back("rlimits");
  else
    r.failed("rlimits", "setrlimit(RLIMIT_CORE)");
}

void landlock(const Args& a, Report& r) {
  const int abi = grader::sandbox::landlock_abi();
  if (abi < 1) {
    r.notes.push_back("landlock not in force: the node's kernel has no Landlock");
    return;
  }
  grader::sandbox::LandlockOptions o;
  o.read_exec = visible_trees(hidden_paths(a), list_dir, real);
  o.read_write = a.rw;
  if (!a.tmp.empty()) o.read_write.emplace_back(a.tmp);
  o.read_write.emplace_back("/dev/shm");  // POSIX semaphores: multiprocessing's locks
  o.devices = {"/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom", "/dev/tty"};
  o.deny_tcp = false;  // srun, MPI and the scheduler commands talk over the network
  grader::sandbox::LandlockRuleset rs;
  std::string error;
  if (!grader::sandbox::build_landlock_ruleset(abi, o, rs, error)) {
    r.notes.push_back("landlock not in force: " + error);
    return;
  }
  if (grader::sandbox::apply_landlock(rs.fd)) return r.failed("landlock", "landlock_restrict_self");
  r.in_force.push_back("landlock");
  if (rs.scoped) r.in_force.push_back("landlock_scope");
}

void seccomp(Report& r) {
  try {
    grader::sandbox::SeccompProgram p = grader::sandbox::build_seccomp_program();
    if (const char* step = grader::sandbox::install_seccomp(p)) return r.failed("seccomp", step);
    r.in_force.push_back("seccomp");
  } catch (const std::exception& e) {
    r.notes.push_back(std::string("seccomp not in force: ") + e.what());
  }
}

void write_report(int fd, const Report& r) {
  std::string text;
  for (const std::string& s : r.in_force) text += s + "\n";
  for (const std::string& s : r.notes) text += "note: " + s + "\n";
  if (fd < 0) return;
  if (::write(fd, text.data(), text.size()) < 0) std::perror("grader-contain: the report");
  ::close(fd);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 2 && std::strcmp(argv[1], "--probe") == 0) return 0;
  Args a = parse(argc, argv);
  // Opened before Landlock, which leaves it no way to the report's directory.
  int report = a.report.empty() ? -1 : ::open(a.report.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
  if (!a.report.empty() && report < 0) std::perror(("grader-contain: " + a.report).c_str());
  Report r;
  if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0) {
    r.in_force.push_back("no_new_privs");
    limit(r);
    landlock(a, r);
    seccomp(r);
  } else {
    r.failed("no_new_privs, landlock and seccomp", "prctl(PR_SET_NO_NEW_PRIVS)");
    limit(r);
  }
  write_report(report, r);
  if (!a.tmp.empty()) ::setenv("TMPDIR", a.tmp.c_str(), 1);
  ::execv(a.program[0], a.program.data());
  std::fprintf(stderr, "grader-contain: cannot run %s: %s\n", a.program[0], std::strerror(errno));
  return 127;
}
