// The run's filesystem: a fresh root on a tmpfs, built in the run's own mount namespace. Read-only
// binds of the system (/usr and the merged-/usr links, an allowlist of /etc, the Python
// installation and any extra trees), the staged workspace bound writable at /work, size-capped
// private tmpfs /tmp and /dev/shm, a /dev of null, zero, full, random and urandom only, and a
// /proc of the run's pid namespace. Everything nosuid; nothing of the host's /tmp, /home, /root,
// /run, /sys or /var is there.
//
// build_mount_plan runs in the grader (it looks at the host and allocates); apply_mount_plan runs
// in the run's init between clone and exec (system calls only), returning nullptr or what it was
// attempting with errno set.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace grader::sandbox {

// Where the workspace appears inside: the learner's cwd and $HOME.
inline constexpr const char* kSandboxWorkdir = "/work";

struct MountOp {
  enum class Kind {
    Dir,        // mkdir dst (mode)
    Symlink,    // symlink src -> dst
    File,       // create an empty file dst (a bind target)
    WriteFile,  // write `data` to a new file dst
    BindRo,     // bind src on dst read-only, nosuid, nodev
    BindRw,     // bind src on dst writable, nosuid, nodev
    BindDev,    // bind a device node src on dst, nosuid, noexec (device access kept)
    Tmpfs,      // tmpfs on dst with options `data`, nosuid, nodev (+ noexec when `noexec`)
    Proc,       // procfs of the run's pid namespace on dst
    RemountRo,  // make the filesystem at dst read-only
  };
  Kind kind;
  std::string src;  // host path as seen during setup (under the old root), or a link target
  std::string dst;  // path under the new root during setup
  std::string data;
  unsigned mode = 0755;
  bool noexec = false;
};

struct MountOptions {
  std::filesystem::path workdir;                // host path, canonical
  std::vector<std::filesystem::path> extra_ro;  // more host trees to show read-only
  std::uint64_t tmp_bytes = 64ull << 20;        // /tmp cap
  std::uint64_t shm_bytes = 16ull << 20;        // /dev/shm cap
  std::string passwd;                           // /etc/passwd content
  std::string group;                            // /etc/group content
  bool hide_pids = true;                        // procfs hidepid=2
};

struct MountPlan {
  std::vector<MountOp> ops;
};

// The system trees a run sees read-only (/usr and the merged-/usr links), and the /etc entries
// it may read (the allowlist, with /etc/python*; passwd and group are generated inside a mount
// namespace). Shared with Landlock (landlock.h), which grants the same in fallback mode.
std::vector<std::filesystem::path> system_trees();
std::vector<std::filesystem::path> etc_allowlist();

// Reads the host (lstat, readlink) to mirror the system's layout. Never throws for a missing
// optional path: it is left out.
MountPlan build_mount_plan(const MountOptions& options);

// Child side: make every mount private, mount the new root, apply `plan.ops`, make the root
// read-only, pivot into it, drop the old root, chdir to kSandboxWorkdir.
const char* apply_mount_plan(const MountPlan& plan);

}  // namespace grader::sandbox
