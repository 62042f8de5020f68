// The namespace probe's pass, remembered for the rest of the boot. The probe (one real sandbox
// start that stops just before exec) is 3.4-4.5 ms of a one-shot `grader check`, the largest
// part of making the executor, and on a given boot its answer for the same grader binary, user
// and planned controls hardly ever changes: a later grader that finds a pass recorded under its
// own key skips it. Only passes are kept (a host that starts allowing namespaces is not held back
// until the next boot), and never trusted blindly: when a run's sandbox set-up then fails, the
// record is dropped and that run is a runner error that says so, never a run with weaker
// isolation than the report states (sandbox_executor.cpp). Kept in /run/hpc-grader for root,
// $XDG_RUNTIME_DIR/hpc-grader for another user, nowhere without one of them.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>

namespace grader::sandbox {

// What a pass is valid for: this boot (/proc/sys/kernel/random/boot_id), the effective uid, the
// grader binary (device, inode, size and mtime of /proc/self/exe) and the controls the probe
// tries (`plan`, in words).
std::string probe_cache_key(const std::string& boot_id, uid_t euid, const std::string& binary,
                            const std::string& plan);

class ProbeCache {
 public:
  // `dir` empty: nothing is remembered, every executor probes.
  ProbeCache(std::filesystem::path dir, std::string key);
  // The directory for this process: see above.
  static std::filesystem::path default_dir();
  // The key of this boot, user and binary, for `plan`.
  static std::string key_for(const std::string& plan);

  bool passed() const;       // a pass recorded under this key
  void record_pass() const;  // best effort: a failure only means the next grader probes
  void forget() const;

 private:
  std::filesystem::path file() const { return dir_ / "sandbox-probe"; }
  std::filesystem::path dir_;
  std::string key_;
};

}  // namespace grader::sandbox
