// Landlock for a sandboxed run: the filesystem, TCP, abstract-socket and signal confinement that
// an unprivileged process can put on itself (no namespaces, no capabilities; only no_new_privs).
// It is what keeps the learner away from the host's files and processes in fallback mode (an HPC
// login node without user namespaces).
//
// The ruleset is built in the grader (it opens the trees and allocates) and applied by the
// learner's process just before exec (landlock_restrict_self, after no_new_privs). What it allows:
//  - read + execute below the system trees (/usr, /bin, /lib*, /sbin) and the trees the run
//    needs (the interpreter's installation, PATH/MODULEPATH/BASH_ENV/GRADER_SANDBOX_RO trees);
//  - read only: the /etc allowlist of mounts.cpp, /etc/passwd and /etc/group, /proc (whose
//    /proc/<pid>/environ, mem, root... of processes outside the run stay closed: Landlock denies
//    ptrace-mode access to processes outside the domain, and the grader is not dumpable);
//  - read + write (everything) below the workspace and the run's private tmp dir;
//  - read + write of the device files /dev/null, zero, full, random, urandom.
// By ABI level (probed with landlock_create_ruleset(..., LANDLOCK_CREATE_RULESET_VERSION)):
//  1: the filesystem rights; 2: + REFER (rename/link across dirs); 3: + TRUNCATE;
//  4: no TCP bind or connect at all; 5: + ioctl on devices; 6: abstract unix sockets and
//  signals scoped to the run (no kill() of the grader, the victim or any other host process).
// Nothing is claimed beyond what the probed ABI enforces (LandlockRuleset says what was).
//
// <linux/landlock.h> of the build host may be older than the running kernel, so the constants of
// the later ABIs are defined here (values from the kernel's uapi header).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace grader::sandbox {

// The Landlock ABI level of the running kernel: 0 when Landlock is missing or disabled.
int landlock_abi();

struct LandlockOptions {
  std::vector<std::filesystem::path> read_exec;   // trees: read, list, execute
  std::vector<std::filesystem::path> read_only;   // trees or files: read, list
  std::vector<std::filesystem::path> read_write;  // trees: everything
  std::vector<std::filesystem::path> devices;     // device files: read, write, truncate, ioctl
  bool deny_tcp = true;                           // ABI >= 4: no TCP bind/connect
  bool scope = true;                              // ABI >= 6: signals and abstract sockets
};

// A built ruleset (an fd, close-on-exec) and what it enforces once applied.
struct LandlockRuleset {
  LandlockRuleset() = default;
  LandlockRuleset(const LandlockRuleset&) = delete;
  LandlockRuleset& operator=(const LandlockRuleset&) = delete;
  LandlockRuleset(LandlockRuleset&& o) noexcept { *this = std::move(o); }
  LandlockRuleset& operator=(LandlockRuleset&& o) noexcept;
  ~LandlockRuleset();

  int fd = -1;
  int abi = 0;
  bool fs = false;      // filesystem access restricted
  bool net = false;     // TCP bind/connect denied
  bool scoped = false;  // signals and abstract unix sockets scoped to the run
};

// Parent side. Paths that do not exist are left out. Returns false with `error` set when the
// kernel refuses the ruleset or a rule (then nothing is claimed).
bool build_landlock_ruleset(int abi, const LandlockOptions& options, LandlockRuleset& out,
                            std::string& error);

// Child side, after PR_SET_NO_NEW_PRIVS: enforces the ruleset on this process and everything it
// starts. nullptr or what failed, errno set.
const char* apply_landlock(int ruleset_fd);

}  // namespace grader::sandbox
