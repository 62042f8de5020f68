# Reads the grader's environment through /proc: the parent's, every ancestor's, and every
# readable /proc/<pid>/environ, looking for the secret canary the test put there.
import os

from hostile import attempt, finish, note, ours, pids, read_proc


def ppid_of(pid):
    stat = read_proc(pid, "stat")
    if not stat:
        return 0
    return int(stat[stat.rindex(b")") + 2:].split()[1])


def ancestors():
    found = []
    pid = ppid_of(os.getpid())
    seen = 0
    while pid > 0 and seen < 20:
        seen += 1
        env = read_proc(pid, "environ")
        cmd = (read_proc(pid, "cmdline") or b"").replace(b"\0", b" ")[:100]
        note("ancestor %d (%s): environ %s" % (pid, cmd.decode("utf-8", "replace"),
                                              "readable" if env is not None else "unreadable"))
        for part in (env or b"").split(b"\0"):
            if b"GRADER_SECRET_CANARY" in part:
                found.append("pid %d: %s" % (pid, part.decode("utf-8", "replace")))
        pid = ppid_of(pid)
    return "read an ancestor's environment: " + "; ".join(found) if found else None


def everyone():
    found = []
    for pid in pids():
        if ours(pid):
            continue
        for part in (read_proc(pid, "environ") or b"").split(b"\0"):
            if b"GRADER_SECRET_CANARY" in part:
                found.append("pid %d: %s" % (pid, part.decode("utf-8", "replace")))
    return "read the grader's environment: " + "; ".join(found) if found else None


attempt("ancestors' environ", ancestors)
attempt("every /proc/*/environ", everyone)
finish()
