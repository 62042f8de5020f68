"""Shared by every attack of the hostile corpus; the test copies it into each submission.

What the test tells an attack is in hostile.json, staged with the submission: it plays an
attacker who knows the host's layout (the report path, the submission's source directory, a
listening port, ...). The attack reports on stdout, one line per finding:

    ESCAPED: <what got through>     containment failed; the test fails on any such line
    note: <what was tried, and why it did not work>
    ATTACK-ERROR: <what>            the attack itself is broken (a missing hostile.json, a
                                    Python error): the test fails, never counts it as a block
    CONTAINED                       the last line, when nothing got through

Risky attempts run in a forked child (attempt()), so that a seccomp kill, an exception or a hang
of one attempt reads as "blocked" and the attack goes on to the next one.
"""
import json
import os
import select
import signal
import subprocess
import sys
import time

try:
    with open("hostile.json", encoding="utf-8") as _f:
        INFO = json.load(_f)
except (OSError, ValueError) as _e:
    # Staged with the submission: without it every attempt would fail for the attack's own reason.
    print("ATTACK-ERROR: cannot read hostile.json: %s" % _e, flush=True)
    sys.exit(3)
MARKER = INFO.get("marker") or os.environ.get("HOSTILE_MARKER") or (sys.argv[1] if len(sys.argv) > 1 else "")
_escapes = []


def escaped(what):
    print("ESCAPED: " + what, flush=True)
    _escapes.append(what)


def note(what):
    print("note: " + what, flush=True)


def attempt(name, fn, timeout=1.5):
    """Runs fn() in a forked child. fn returns a true string when it got through (what it got),
    or a false value when it was stopped; an exception means stopped too. Returns the string or
    None."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        try:
            res = fn()
            msg = "E" + res if res else "Bnothing got through"
        except (OSError, subprocess.SubprocessError) as e:  # what a control answers with
            msg = "B%s: %s" % (type(e).__name__, e)
        except BaseException as e:  # noqa: BLE001 - a bug of the attack, not a block
            msg = "X%s: %s" % (type(e).__name__, e)
        try:
            os.write(w, msg.encode("utf-8", "backslashreplace")[:8000])
        finally:
            os._exit(0)
    os.close(w)
    data = b""
    deadline = time.monotonic() + timeout
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            break
        ready, _, _ = select.select([r], [], [], left)
        if not ready:
            break
        chunk = os.read(r, 8000)
        if not chunk:
            break
        data += chunk
    os.close(r)
    timed_out = time.monotonic() >= deadline and not data
    try:
        os.kill(pid, signal.SIGKILL)
    except OSError:
        pass
    _, status = os.waitpid(pid, 0)
    text = data.decode("utf-8", "backslashreplace")
    if text.startswith("E"):
        escaped("%s: %s" % (name, text[1:]))
        return text[1:]
    if text.startswith("X"):
        print("ATTACK-ERROR: %s: %s" % (name, text[1:]), flush=True)
        return None
    if text.startswith("B"):
        note("%s: blocked (%s)" % (name, text[1:]))
    elif timed_out:
        note("%s: blocked (the attempt hung for %.1f s)" % (name, timeout))
    elif os.WIFSIGNALED(status):
        note("%s: blocked (the attempt was killed by signal %d)" % (name, os.WTERMSIG(status)))
    else:
        note("%s: blocked (the attempt exited with status %d)" % (name, os.waitstatus_to_exitcode(status)))
    return None


def ours(pid):
    """True when process `pid` belongs to this run (carries our marker)."""
    needle = MARKER.encode()
    for what in ("cmdline", "environ"):
        try:
            with open("/proc/%d/%s" % (pid, what), "rb") as f:
                if needle and needle in f.read():
                    return True
        except OSError:
            pass
    return pid == os.getpid()


def pids():
    out = []
    for name in os.listdir("/proc"):
        if name.isdigit():
            out.append(int(name))
    return sorted(out)


def read_proc(pid, what):
    try:
        with open("/proc/%d/%s" % (pid, what), "rb") as f:
            return f.read()
    except OSError:
        return None


def finish():
    if not _escapes:
        print("CONTAINED", flush=True)
    sys.stdout.flush()
    os._exit(0)
