# kill(-1) and kill(parent). Outside a pid namespace of its own this would reach the host's
# processes (as root: every process of the machine), so the attack first compares its pid
# namespace with the host's (the test gives it): in the host's, it only probes with signal 0 and
# reports what it could have killed. In a pid namespace of its own it sends the real SIGKILLs;
# the test then checks that the grader and the victim are alive.
import os
import signal
import time

from hostile import INFO, escaped, finish, note, ours, read_proc

try:
    mine = os.readlink("/proc/self/ns/pid")
except OSError:
    mine = "unknown"
host = INFO.get("host_pidns", "")
parent = os.getppid()
victim = int(INFO.get("victim_pid", 0))

if mine == "unknown" or mine == host:
    note("in the host's pid namespace (%s): probing with signal 0 only" % mine)
    for pid, what in ((parent, "its parent"), (victim, "the victim"), (1, "pid 1")):
        if pid <= 0 or ours(pid):
            continue
        try:
            os.kill(pid, 0)
        except OSError as e:
            note("signal %s (pid %d): %s" % (what, pid, e))
            continue
        cmd = (read_proc(pid, "cmdline") or b"").replace(b"\0", b" ")[:80].decode("utf-8", "replace")
        escaped("could signal %s, pid %d (%s), which is not of this run" % (what, pid, cmd))
    # kill(-1, 0) succeeds when at least one process other than itself could be signalled; a
    # run whose signals are scoped to itself (Landlock) gets EPERM or ESRCH instead.
    try:
        os.kill(-1, 0)
    except OSError as e:
        note("kill(-1, 0): %s" % e)
    else:
        # Which ones? Processes of this run (its own threads' group, its children) do not count.
        reachable = []
        for entry in os.listdir("/proc"):
            if not entry.isdigit() or int(entry) == os.getpid() or ours(int(entry)):
                continue
            try:
                os.kill(int(entry), 0)
            except OSError:
                continue
            cmd = (read_proc(int(entry), "cmdline") or b"").replace(b"\0", b" ")[:60]
            reachable.append("%s (%s)" % (entry, cmd.decode("utf-8", "replace")))
        if reachable:
            escaped("kill(-1) would reach processes outside the run: " + ", ".join(reachable[:5]))
        else:
            note("kill(-1, 0) succeeded, but no process outside the run can be signalled")
    finish()

note("own pid namespace %s (host %s): sending the real signals" % (mine, host))
for _ in range(3):  # something for kill(-1) to hit inside
    if os.fork() == 0:
        time.sleep(3600)
for sig in (signal.SIGSTOP, signal.SIGKILL):
    try:
        os.kill(parent, sig)
        note("sent %s to the parent, pid %d" % (sig.name, parent))
    except OSError as e:
        note("%s to the parent: %s" % (sig.name, e))
try:
    os.kill(-1, signal.SIGKILL)
    note("kill(-1, SIGKILL) sent")
except OSError as e:
    note("kill(-1): %s" % e)
time.sleep(0.2)
finish()
