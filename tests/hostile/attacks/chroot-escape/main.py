# Reaches the host's filesystem from wherever it runs: the test names a file that exists only on
# the host (outside any sandbox view). Tried directly, through /proc/1/root, by chroot into
# /proc/1/root, and by the classic unchroot (chroot into a subdirectory, then chdir("..") past
# the root and chroot("."): it works when the process can chroot and was chrooted, not pivoted).
import os

from hostile import INFO, attempt, finish, note

canary = INFO["host_canary"]


def visible(path):
    try:
        with open(path) as f:
            return "HOST-CANARY" in f.read(100)
    except OSError:
        return False


def direct():
    return "host file readable as is: " + canary if visible(canary) else None


def proc1_root():
    path = "/proc/1/root" + canary
    return "host file readable through " + path if visible(path) else None


def chroot_proc1():
    os.chroot("/proc/1/root")
    os.chdir("/")
    note("chroot(/proc/1/root) permitted")
    return "host file readable after chroot(/proc/1/root)" if visible(canary) else None


def unchroot():
    os.makedirs("jail", exist_ok=True)
    os.chroot("jail")
    note("chroot(jail) permitted")
    for _ in range(64):
        os.chdir("..")
    os.chroot(".")
    return "host file readable after the unchroot trick" if visible(canary) else None


for name, fn in (("direct", direct), ("/proc/1/root", proc1_root),
                 ("chroot /proc/1/root", chroot_proc1), ("unchroot", unchroot)):
    attempt(name, fn)
finish()
