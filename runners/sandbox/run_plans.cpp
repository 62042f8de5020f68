// The per-run options of the controls; see run_plans.h.
#include "runners/sandbox/run_plans.h"

#include <iterator>

namespace grader::sandbox {

namespace fs = std::filesystem;

std::string passwd_for(uid_t uid, gid_t gid) {
  std::string passwd =
      "root:x:0:0:root:/root:/bin/sh\n"
      "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n";
  if (uid != 0 && uid != 65534) {
    passwd += "learner:x:" + std::to_string(uid) + ":" + std::to_string(gid) + ":learner:" + kSandboxWorkdir +
              ":/bin/sh\n";
  }
  return passwd;
}

std::string group_for(gid_t gid) {
  std::string group = "root:x:0:\nnogroup:x:65534:\n";
  if (gid != 0 && gid != 65534) group += "learner:x:" + std::to_string(gid) + ":\n";
  return group;
}

MountOptions mount_options(const SandboxOptions& options, const fs::path& workdir,
                           const std::vector<fs::path>& shown, uid_t uid, gid_t gid) {
  MountOptions mo;
  mo.workdir = workdir;
  mo.extra_ro = shown;
  mo.tmp_bytes = options.tmp_bytes;
  mo.shm_bytes = options.shm_bytes;
  mo.passwd = passwd_for(uid, gid);
  mo.group = group_for(gid);
  return mo;
}

LandlockOptions landlock_options(const std::vector<fs::path>& shown, const fs::path& workdir,
                                 const std::string& private_tmp) {
  LandlockOptions lo;
  lo.read_exec = system_trees();
  for (const fs::path& p : shown) {
    // Never a whole top-level directory (mounts.cpp's rule): "/", "/home", "/tmp".
    const fs::path n = p.lexically_normal();
    if (n.is_absolute() && std::distance(n.begin(), n.end()) >= 3) lo.read_exec.push_back(n);
  }
  lo.read_only = etc_allowlist();
  for (const char* f : {"/etc/passwd", "/etc/group", "/proc"}) lo.read_only.emplace_back(f);
  lo.read_write = {workdir};
  if (!private_tmp.empty()) lo.read_write.emplace_back(private_tmp);
  for (const char* dev : {"null", "zero", "full", "random", "urandom"}) {
    lo.devices.push_back(fs::path("/dev") / dev);
  }
  return lo;
}

RlimitOptions rlimit_options(const SandboxOptions& options, std::optional<std::uint64_t> memory_bytes,
                             bool have_cgroup, bool own_uid) {
  RlimitOptions ro;
  ro.fsize = options.file_size_limit;
  ro.nofile = options.nofile;
  ro.stack = options.stack_bytes;
  if (!have_cgroup && memory_bytes) ro.as = memory_bytes;
  if (!have_cgroup && own_uid) ro.nproc = options.pids_max;
  return ro;
}

}  // namespace grader::sandbox
