# System calls the sandbox's seccomp filter is to deny (issue 3): namespaces (unshare, mount),
# keyctl (keyrings are shared across sandboxes), io_uring (it bypasses the filter), AF_VSOCK
# sockets (a way to the hypervisor), bpf. Each that succeeds is reported. clone3 must answer
# ENOSYS, not EPERM (glibc then falls back to clone), and threads must still work.
import ctypes
import errno
import os
import socket
import threading

from hostile import attempt, finish, note

libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
SYS = {"keyctl": 250, "io_uring_setup": 425, "clone3": 435, "bpf": 321}
CLONE_NEWUSER, CLONE_NEWNS = 0x10000000, 0x00020000


def syscall(name, *args):
    r = libc.syscall(ctypes.c_long(SYS[name]), *[ctypes.c_long(a) for a in args])
    return r, ctypes.get_errno()


def call(fn):
    def go():
        r, err = fn()
        if r < 0:
            raise OSError(err, os.strerror(err))
        return True
    return go


def unshare(flags, what):
    def go():
        if libc.unshare(flags) != 0:
            e = ctypes.get_errno()
            raise OSError(e, os.strerror(e))
        return "unshare(%s) permitted" % what
    return go


def mount_tmpfs():
    os.makedirs("mnt", exist_ok=True)
    if libc.unshare(CLONE_NEWUSER | CLONE_NEWNS) != 0:
        e = ctypes.get_errno()
        raise OSError(e, os.strerror(e))
    if libc.mount(b"none", b"mnt", b"tmpfs", 0, None) != 0:
        e = ctypes.get_errno()
        raise OSError(e, os.strerror(e))
    return "mounted a tmpfs (in a user namespace of its own)"


def keyctl():
    r, err = syscall("keyctl", 1, 0)  # KEYCTL_JOIN_SESSION_KEYRING, anonymous
    if r < 0:
        raise OSError(err, os.strerror(err))
    return "keyctl(KEYCTL_JOIN_SESSION_KEYRING) gave keyring %d" % r


def io_uring():
    params = ctypes.create_string_buffer(120)
    r, err = syscall("io_uring_setup", 4, ctypes.addressof(params))
    if r < 0:
        raise OSError(err, os.strerror(err))
    os.close(r)
    return "io_uring_setup gave a ring"


def vsock():
    s = socket.socket(40, socket.SOCK_STREAM)  # AF_VSOCK
    s.close()
    return "created an AF_VSOCK socket"


def bpf():
    attr = ctypes.create_string_buffer(128)
    # BPF_MAP_CREATE of an array map: 4-byte keys and values, one entry.
    ctypes.memmove(attr, (ctypes.c_uint32 * 4)(2, 4, 4, 1), 16)
    r, err = syscall("bpf", 0, ctypes.addressof(attr), 128)
    if r < 0:
        raise OSError(err, os.strerror(err))
    os.close(r)
    return "bpf(BPF_MAP_CREATE) gave a map"


for name, fn in (("unshare(CLONE_NEWUSER)", unshare(CLONE_NEWUSER, "CLONE_NEWUSER")),
                 ("unshare(CLONE_NEWNS)", unshare(CLONE_NEWNS, "CLONE_NEWNS")),
                 ("mount", mount_tmpfs), ("keyctl", keyctl), ("io_uring_setup", io_uring),
                 ("AF_VSOCK", vsock), ("bpf", bpf)):
    attempt(name, fn)

r, err = syscall("clone3", 0, 0)
note("clone3(NULL, 0): %s" % ("returned %d" % r if r >= 0 else errno.errorcode.get(err, err)))
if r < 0 and err == errno.EPERM:
    note("clone3 answers EPERM; glibc falls back to clone only on ENOSYS")
box = []
t = threading.Thread(target=lambda: box.append(1))
t.start()
t.join()
print("threads-ok" if box else "threads do not run", flush=True)
finish()
