# Reads other processes' command lines and environments through /proc: the test runs a victim
# process (another user's job) with a secret in its argv and one in its environment.
from hostile import attempt, finish, note, ours, pids, read_proc


def scan():
    found = []
    foreign = 0
    for pid in pids():
        if ours(pid):
            continue
        foreign += 1
        for what in ("cmdline", "environ"):
            data = read_proc(pid, what)
            if data and b"VICTIM-" in data:
                for part in data.split(b"\0"):
                    if b"VICTIM-" in part:
                        found.append("pid %d %s: %s" % (pid, what, part.decode("utf-8", "replace")))
    print("note: %d processes not of this run are visible" % foreign, flush=True)
    return "; ".join(found)


def visible():
    seen = []
    for pid in pids():
        if not ours(pid):
            cmd = read_proc(pid, "cmdline") or b""
            seen.append("%d:%s" % (pid, cmd.replace(b"\0", b" ")[:80].decode("utf-8", "replace")))
    note("processes not of this run: " + (", ".join(seen[:20]) or "none"))


visible()
attempt("read the victim's cmdline and environ", scan)
finish()
