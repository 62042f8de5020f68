// Namespaces and identity; see namespaces.h.
#include "runners/sandbox/namespaces.h"

#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <net/if.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>

namespace grader::sandbox {
namespace {

std::string write_proc_file(const std::string& path, const std::string& text) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) {
    return "open " + path + ": " + std::error_code(errno, std::system_category()).message();
  }
  ssize_t n = ::write(fd, text.data(), text.size());
  int err = errno;
  ::close(fd);
  if (n != static_cast<ssize_t>(text.size())) {
    return "write '" + text.substr(0, text.find('\n')) + "' to " + path + ": " +
           std::error_code(n < 0 ? err : EIO, std::system_category()).message();
  }
  return "";
}

}  // namespace

unsigned long clone_flags(const NamespacePlan& plan) {
  unsigned long flags = 0;
  if (plan.user) flags |= CLONE_NEWUSER;
  if (plan.pid) flags |= CLONE_NEWPID;
  if (plan.mount) flags |= CLONE_NEWNS;
  if (plan.net && plan.net_fd < 0) flags |= CLONE_NEWNET;
  if (plan.ipc) flags |= CLONE_NEWIPC;
  if (plan.uts) flags |= CLONE_NEWUTS;
  return flags;
}

std::string write_id_maps(pid_t child, uid_t uid, gid_t gid) {
  const std::string dir = "/proc/" + std::to_string(child) + "/";
  std::string err = write_proc_file(dir + "setgroups", "deny");
  if (err.empty()) {
    err = write_proc_file(dir + "uid_map", std::to_string(uid) + " " + std::to_string(uid) + " 1\n");
  }
  if (err.empty()) {
    err = write_proc_file(dir + "gid_map", std::to_string(gid) + " " + std::to_string(gid) + " 1\n");
  }
  return err;
}

const char* bring_up_loopback() {
  int sock = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (sock < 0) return "socket(AF_INET) to bring up lo";
  struct ifreq ifr {};
  std::memcpy(ifr.ifr_name, "lo", 3);
  const char* failed = nullptr;
  if (::ioctl(sock, SIOCGIFFLAGS, &ifr) != 0) {
    failed = "ioctl(SIOCGIFFLAGS, lo)";
  } else {
    ifr.ifr_flags = static_cast<short>(ifr.ifr_flags | IFF_UP | IFF_RUNNING);
    if (::ioctl(sock, SIOCSIFFLAGS, &ifr) != 0) failed = "ioctl(SIOCSIFFLAGS, lo up)";
  }
  const int err = errno;
  ::close(sock);
  errno = err;
  return failed;
}

const char* enter_namespaces(const NamespacePlan& plan) {
  if (plan.uts) {
    static const char kHost[] = "sandbox";
    if (::sethostname(kHost, sizeof kHost - 1) != 0) return "sethostname(\"sandbox\")";
    if (::setdomainname(kHost, sizeof kHost - 1) != 0) return "setdomainname(\"sandbox\")";
  }
  if (plan.net && plan.net_fd >= 0) {
    if (::setns(plan.net_fd, CLONE_NEWNET) != 0) return "setns() into the run's network namespace";
    ::close(plan.net_fd);
  } else if (plan.net) {
    if (const char* what = bring_up_loopback()) return what;
  }
  return nullptr;
}

const char* drop_identity(const IdentityPlan& plan) {
  // The bounding set first, while CAP_SETPCAP is still held: nothing exec'd can regain a
  // capability, whatever file capabilities it carries (nosuid and no_new_privs stop that too).
  // An unprivileged process without a user namespace holds nothing to drop (and may not).
  for (int cap = 0; cap <= 63; ++cap) {
    if (::prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) == 0 || errno == EINVAL) continue;
    if (errno == EPERM && !plan.switch_ids && ::prctl(PR_CAPBSET_READ, CAP_SETPCAP, 0, 0, 0) >= 0 &&
        ::geteuid() != 0) {
      break;
    }
    return "prctl(PR_CAPBSET_DROP)";
  }
  if (plan.switch_ids) {
    // Raw system calls, not glibc's wrappers: in a process glibc believes multithreaded (this
    // one is a raw clone of the grader, which has threads), the wrappers run the "setxid"
    // broadcast to every thread, under a lock another grader thread may have held at the instant
    // of the clone: the child then waits forever. The kernel call changes this thread, the only
    // one the child has, which is all that is wanted.
    if (::syscall(SYS_setgroups, 0, nullptr) != 0) return "setgroups(0) (no supplementary groups)";
    if (::syscall(SYS_setresgid, plan.gid, plan.gid, plan.gid) != 0) return "setresgid to the run's gid";
    if (::syscall(SYS_setresuid, plan.uid, plan.uid, plan.uid) != 0) return "setresuid to the run's uid";
  }
  if (::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0 && errno != EINVAL) {
    return "prctl(PR_CAP_AMBIENT_CLEAR_ALL)";
  }
  struct __user_cap_header_struct header {};
  header.version = _LINUX_CAPABILITY_VERSION_3;
  header.pid = 0;
  struct __user_cap_data_struct data[2]{};
  if (::syscall(SYS_capset, &header, data) != 0) return "capset (clear every capability)";
  return nullptr;
}

}  // namespace grader::sandbox
