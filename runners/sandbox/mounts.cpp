// The run's filesystem; see mounts.h. The set-up follows bubblewrap: a scratch tmpfs on the host's
// /tmp (private to this mount namespace) holds the new root and, after a first pivot_root, the old
// root at /oldroot, so that host paths stay reachable while the new root is filled; a second
// pivot_root makes the new root `/` and the old one is detached.
#include "runners/sandbox/mounts.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <system_error>

namespace grader::sandbox {
namespace {

namespace fs = std::filesystem;

constexpr const char* kBase = "/tmp";         // host directory the scratch tmpfs covers
constexpr const char* kOldRoot = "/oldroot";  // after the first pivot
constexpr const char* kNewRoot = "/newroot";

// System trees shown read-only, as they are on the host (a directory is bound, a merged-/usr
// link is copied as a link).
const char* const kSystemPaths[] = {"/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"};

// What of /etc a run may need: the dynamic loader, name service files that hold no secrets, time
// zone, TLS roots, Debian's alternatives and Python's own configuration, Lmod's. passwd and group
// are generated. Nothing readable only by root is here (shadow, ssh keys, munge key, sudoers).
const char* const kEtcEntries[] = {
    "ld.so.cache",
    "ld.so.conf",
    "ld.so.conf.d",
    "nsswitch.conf",
    "hosts",
    "host.conf",
    "gai.conf",
    "localtime",
    "timezone",
    "locale.alias",
    "locale.conf",
    "ssl",
    "ca-certificates",
    "ca-certificates.conf",
    "alternatives",
    "mime.types",
    "matplotlibrc",
    "lmod",
    "profile",
    "profile.d",
    "bash.bashrc",
    "environment",
    "inputrc",
    "magic",
    "mpi",
    "openmpi",
};

std::string inside(const fs::path& p) {
  return std::string(kNewRoot) + p.string();
}
std::string outside(const fs::path& p) {
  return std::string(kOldRoot) + p.string();
}

// Directories dst's parents need under the new root (the ops are applied in order).
void add_parents(MountPlan& plan, const fs::path& path, std::vector<std::string>& made) {
  fs::path acc;
  for (const auto& part : path.parent_path()) {
    acc /= part;
    if (acc == "/") continue;
    std::string dst = inside(acc);
    if (std::find(made.begin(), made.end(), dst) != made.end()) continue;
    made.push_back(dst);
    plan.ops.push_back({MountOp::Kind::Dir, "", dst, "", 0755, false});
  }
}

// Mirrors one host path read-only: a link as the same link, a directory or file as a bind.
void mirror_ro(MountPlan& plan, const fs::path& host, std::vector<std::string>& made) {
  struct stat st {};
  if (::lstat(host.c_str(), &st) != 0) return;
  add_parents(plan, host, made);
  std::string dst = inside(host);
  if (std::find(made.begin(), made.end(), dst) != made.end()) return;
  made.push_back(dst);
  if (S_ISLNK(st.st_mode)) {
    std::error_code ec;
    fs::path target = fs::read_symlink(host, ec);
    if (!ec) plan.ops.push_back({MountOp::Kind::Symlink, target.string(), dst, "", 0, false});
    return;
  }
  if (S_ISDIR(st.st_mode)) {
    plan.ops.push_back({MountOp::Kind::Dir, "", dst, "", 0755, false});
  } else if (S_ISREG(st.st_mode)) {
    plan.ops.push_back({MountOp::Kind::File, "", dst, "", 0644, false});
  } else {
    return;
  }
  plan.ops.push_back({MountOp::Kind::BindRo, outside(host), dst, "", 0, false});
}

unsigned long kept_flags(const char* path) {
  struct statvfs sv {};
  if (::statvfs(path, &sv) != 0) return 0;
  unsigned long flags = 0;
  if (sv.f_flag & ST_RDONLY) flags |= MS_RDONLY;
  if (sv.f_flag & ST_NOSUID) flags |= MS_NOSUID;
  if (sv.f_flag & ST_NODEV) flags |= MS_NODEV;
  if (sv.f_flag & ST_NOEXEC) flags |= MS_NOEXEC;
  if (sv.f_flag & ST_NOATIME) flags |= MS_NOATIME;
  if (sv.f_flag & ST_NODIRATIME) flags |= MS_NODIRATIME;
  if (sv.f_flag & ST_RELATIME) flags |= MS_RELATIME;
  return flags;
}

// A bind, then a remount that adds `add` to the flags the mount has (a remount in a user
// namespace must keep the locked ones, atime included).
const char* bind(const MountOp& op, unsigned long bind_flags, unsigned long add) {
  if (::mount(op.src.c_str(), op.dst.c_str(), nullptr, MS_BIND | bind_flags, nullptr) != 0) {
    return "bind mount";
  }
  unsigned long flags = MS_REMOUNT | MS_BIND | add | kept_flags(op.dst.c_str());
  if (::mount(nullptr, op.dst.c_str(), nullptr, flags, nullptr) != 0) return "remount of a bind";
  return nullptr;
}

const char* write_all(const MountOp& op) {
  int fd = ::open(op.dst.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, op.mode);
  if (fd < 0) return "create a file in the new root";
  std::size_t off = 0;
  while (off < op.data.size()) {
    ssize_t n = ::write(fd, op.data.data() + off, op.data.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ::close(fd);
      return "write a file in the new root";
    }
    off += static_cast<std::size_t>(n);
  }
  ::close(fd);
  return nullptr;
}

const char* apply_op(const MountOp& op) {
  using K = MountOp::Kind;
  switch (op.kind) {
    case K::Dir:
      if (::mkdir(op.dst.c_str(), op.mode) != 0 && errno != EEXIST) return "mkdir in the new root";
      return nullptr;
    case K::Symlink:
      if (::symlink(op.src.c_str(), op.dst.c_str()) != 0) return "symlink in the new root";
      return nullptr;
    case K::File: {
      int fd = ::open(op.dst.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, op.mode);
      if (fd < 0) return "create a bind target file";
      ::close(fd);
      return nullptr;
    }
    case K::WriteFile: return write_all(op);
    case K::BindRo: return bind(op, MS_REC, MS_RDONLY | MS_NOSUID | MS_NODEV);
    case K::BindRw: return bind(op, 0, MS_NOSUID | MS_NODEV);
    case K::BindDev: return bind(op, 0, MS_NOSUID | MS_NOEXEC);
    case K::Tmpfs: {
      unsigned long flags = MS_NOSUID | MS_NODEV | (op.noexec ? MS_NOEXEC : 0);
      if (::mount("tmpfs", op.dst.c_str(), "tmpfs", flags, op.data.c_str()) != 0) {
        return "mount tmpfs";
      }
      return nullptr;
    }
    case K::Proc: {
      const char* data = op.data.empty() ? nullptr : op.data.c_str();
      if (::mount("proc", op.dst.c_str(), "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, data) != 0) {
        return "mount proc";
      }
      return nullptr;
    }
    case K::RemountRo: {
      unsigned long flags = MS_REMOUNT | MS_RDONLY | kept_flags(op.dst.c_str());
      if (::mount(nullptr, op.dst.c_str(), nullptr, flags, nullptr) != 0) return "remount read-only";
      return nullptr;
    }
  }
  return nullptr;
}

// "what path", composed without allocating (this runs between clone and exec).
const char* describe(const char* what, const char* path) {
  static char buf[512];
  std::size_t n = 0;
  for (const char* s : {what, " ", path}) {
    for (; *s != '\0' && n + 1 < sizeof buf; ++s) buf[n++] = *s;
  }
  buf[n] = '\0';
  return buf;
}

}  // namespace

std::vector<fs::path> system_trees() {
  return {std::begin(kSystemPaths), std::end(kSystemPaths)};
}

std::vector<fs::path> etc_allowlist() {
  std::vector<fs::path> out;
  for (const char* e : kEtcEntries) out.push_back(fs::path("/etc") / e);
  if (DIR* dir = ::opendir("/etc")) {
    std::vector<std::string> names;
    while (struct dirent* ent = ::readdir(dir)) {
      std::string name = ent->d_name;
      if (name.rfind("python", 0) == 0) names.push_back(name);
    }
    ::closedir(dir);
    std::sort(names.begin(), names.end());
    for (const auto& name : names) out.push_back(fs::path("/etc") / name);
  }
  return out;
}

MountPlan build_mount_plan(const MountOptions& o) {
  MountPlan plan;
  std::vector<std::string> made;
  for (const char* p : kSystemPaths) mirror_ro(plan, p, made);

  plan.ops.push_back({MountOp::Kind::Dir, "", inside("/etc"), "", 0755, false});
  made.push_back(inside("/etc"));
  plan.ops.push_back({MountOp::Kind::WriteFile, "", inside("/etc/passwd"), o.passwd, 0644, false});
  plan.ops.push_back({MountOp::Kind::WriteFile, "", inside("/etc/group"), o.group, 0644, false});
  // The allowlist; Debian's Python reads /etc/python3.X (sitecustomize): whatever python* is there.
  for (const fs::path& e : etc_allowlist()) mirror_ro(plan, e, made);

  plan.ops.push_back({MountOp::Kind::Dir, "", inside(kSandboxWorkdir), "", 0755, false});
  plan.ops.push_back({MountOp::Kind::BindRw, outside(o.workdir), inside(kSandboxWorkdir), "", 0, false});

  plan.ops.push_back({MountOp::Kind::Dir, "", inside("/tmp"), "", 01777, false});
  plan.ops.push_back({MountOp::Kind::Tmpfs, "", inside("/tmp"),
                      "size=" + std::to_string(o.tmp_bytes) + ",mode=1777,nr_inodes=16384", 0, false});

  plan.ops.push_back({MountOp::Kind::Dir, "", inside("/dev"), "", 0755, false});
  plan.ops.push_back({MountOp::Kind::Tmpfs, "", inside("/dev"), "size=64k,mode=0755,nr_inodes=64", 0, true});
  for (const char* dev : {"null", "zero", "full", "random", "urandom"}) {
    const fs::path p = fs::path("/dev") / dev;
    plan.ops.push_back({MountOp::Kind::File, "", inside(p), "", 0666, false});
    plan.ops.push_back({MountOp::Kind::BindDev, outside(p), inside(p), "", 0, false});
  }
  plan.ops.push_back({MountOp::Kind::Symlink, "/proc/self/fd", inside("/dev/fd"), "", 0, false});
  plan.ops.push_back({MountOp::Kind::Symlink, "/proc/self/fd/0", inside("/dev/stdin"), "", 0, false});
  plan.ops.push_back({MountOp::Kind::Symlink, "/proc/self/fd/1", inside("/dev/stdout"), "", 0, false});
  plan.ops.push_back({MountOp::Kind::Symlink, "/proc/self/fd/2", inside("/dev/stderr"), "", 0, false});
  plan.ops.push_back({MountOp::Kind::Dir, "", inside("/dev/shm"), "", 01777, false});
  plan.ops.push_back({MountOp::Kind::Tmpfs, "", inside("/dev/shm"),
                      "size=" + std::to_string(o.shm_bytes) + ",mode=1777,nr_inodes=4096", 0, true});
  plan.ops.push_back({MountOp::Kind::RemountRo, "", inside("/dev"), "", 0, true});

  // Extra trees last, so that one under /tmp lands in the run's /tmp rather than under it.
  // Never the root, nor anything where the sandbox puts its own mounts.
  for (const auto& raw : o.extra_ro) {
    const fs::path extra = raw.lexically_normal();
    bool skip = !extra.is_absolute() || std::distance(extra.begin(), extra.end()) < 3;
    for (const char* own : {"/work", "/proc", "/dev", "/etc", "/sys", "/run"}) {
      auto rel = extra.lexically_relative(own);
      if (!rel.empty() && *rel.begin() != "..") skip = true;
    }
    for (const char* p : kSystemPaths) {
      auto rel = extra.lexically_relative(p);
      if (!rel.empty() && *rel.begin() != "..") skip = true;  // already there
    }
    if (!skip) mirror_ro(plan, extra, made);
  }

  plan.ops.push_back({MountOp::Kind::Dir, "", inside("/proc"), "", 0555, false});
  plan.ops.push_back({MountOp::Kind::Proc, "", inside("/proc"), o.hide_pids ? "hidepid=2" : "", 0, false});
  plan.ops.push_back({MountOp::Kind::RemountRo, "", kNewRoot, "", 0, false});
  return plan;
}

const char* apply_mount_plan(const MountPlan& plan) {
  if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) {
    return "make every mount private (mount --make-rprivate /)";
  }
  if (::mount("tmpfs", kBase, "tmpfs", MS_NOSUID | MS_NODEV, "size=64k,mode=0755") != 0) {
    return "mount the scratch tmpfs on /tmp";
  }
  if (::mkdir("/tmp/newroot", 0755) != 0) return "mkdir /tmp/newroot";
  if (::mount("tmpfs", "/tmp/newroot", "tmpfs", MS_NOSUID | MS_NODEV, "size=1m,mode=0755,nr_inodes=1024") !=
      0) {
    return "mount the new root's tmpfs";
  }
  if (::mkdir("/tmp/oldroot", 0755) != 0) return "mkdir /tmp/oldroot";
  if (::syscall(SYS_pivot_root, kBase, "/tmp/oldroot") != 0) return "pivot_root to the scratch tmpfs";
  if (::chdir("/") != 0) return "chdir / after pivot_root";
  for (const MountOp& op : plan.ops) {
    if (const char* failed = apply_op(op)) return describe(failed, op.dst.c_str());
  }
  if (::umount2(kOldRoot, MNT_DETACH) != 0) return "detach the old root";
  if (::chdir(kNewRoot) != 0) return "chdir to the new root";
  if (::syscall(SYS_pivot_root, ".", ".") != 0) return "pivot_root into the new root";
  if (::umount2(".", MNT_DETACH) != 0) return "detach the scratch tmpfs";
  if (::chdir(kSandboxWorkdir) != 0) return "chdir to /work";
  return nullptr;
}

}  // namespace grader::sandbox
