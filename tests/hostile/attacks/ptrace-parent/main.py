# PTRACE_ATTACH to the parent (the grader, or whatever runs the learner) and to the test's victim
# process. Attached, a tracer can read and write the tracee's memory; it detaches at once.
import ctypes
import os

from hostile import INFO, attempt, finish, ours, read_proc

PTRACE_ATTACH, PTRACE_DETACH = 16, 17
libc = ctypes.CDLL(None, use_errno=True)
libc.ptrace.argtypes = [ctypes.c_long, ctypes.c_long, ctypes.c_void_p, ctypes.c_void_p]
libc.ptrace.restype = ctypes.c_long


def attach(pid, what):
    def go():
        if pid <= 0 or ours(pid):
            return None
        if libc.ptrace(PTRACE_ATTACH, pid, None, None) != 0:
            raise OSError(ctypes.get_errno(), os.strerror(ctypes.get_errno()))
        try:
            os.waitpid(pid, 0x40000000)  # __WALL: until the tracee stops
        except OSError:
            pass
        libc.ptrace(PTRACE_DETACH, pid, None, None)
        cmd = (read_proc(pid, "cmdline") or b"").replace(b"\0", b" ")[:100]
        return "attached to %s, pid %d (%s)" % (what, pid, cmd.decode("utf-8", "replace"))
    return go


parent = os.getppid()
attempt("ptrace the parent", attach(parent, "the parent"))
victim = int(INFO.get("victim_pid", 0))
if b"VICTIM-" in (read_proc(victim, "cmdline") or b""):
    attempt("ptrace the victim", attach(victim, "the victim"))
finish()
