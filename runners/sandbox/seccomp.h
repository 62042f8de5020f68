// The run's seccomp filter, built with libseccomp in the grader and installed by the learner's
// process just before exec. Default allow (the namespaces do the isolation), and a deny list of
// what a learner never needs and what sandboxes have been escaped or side-channelled through:
// ptrace and process_vm_*, the keyring (keyctl, add_key, request_key), bpf, io_uring, mount and
// namespace calls (mount, umount2, pivot_root, chroot, unshare, setns, the new mount API, clone
// with any CLONE_NEW* flag), perf_event_open, kexec and kernel modules, userfaultfd,
// open_by_handle_at, AF_VSOCK sockets, and the TIOCSTI/TIOCLINUX ioctls (compared on the low 32
// bits: CVE-2019-10063). These fail with EPERM. clone3 fails with ENOSYS (its flags cannot be
// inspected; glibc then falls back to clone). A foreign ABI (i386, x32) kills the process.
#pragma once

#include <linux/filter.h>

#include <string>
#include <vector>

namespace grader::sandbox {

struct SeccompProgram {
  std::vector<struct sock_filter> code;
};

// Throws std::runtime_error saying which rule could not be built.
SeccompProgram build_seccomp_program();

// Child side, after no_new_privs: installs the filter. nullptr or what failed, errno set.
const char* install_seccomp(const SeccompProgram& program);

}  // namespace grader::sandbox
