# What the grader hands down: the environment (it must be scrubbed to an allow-list; the test
# puts a secret canary in the grader's own environment) and open file descriptors beyond 0-2.
import os

from hostile import escaped, finish, note

ALLOWED = {"PATH", "LANG", "LANGUAGE", "LC_ALL", "LC_CTYPE", "LC_NUMERIC", "TZ", "MODULEPATH",
           "MODULESHOME", "LMOD_CMD", "LMOD_DIR", "LMOD_PKG", "BASH_ENV", "SLURM_CONF", "HOME",
           "PYTHONDONTWRITEBYTECODE", "HOSTILE_MARKER", "TMPDIR", "PWD", "LC_CTYPE"}


def environment():
    bad = []
    for key, value in sorted(os.environ.items()):
        print("env %s=%s" % (key, value), flush=True)
        if "SECRET" in key or "CANARY" in key or "SECRET" in value or "CANARY" in value:
            bad.append("%s=%s" % (key, value))
    unexpected = sorted(set(os.environ) - ALLOWED)
    if unexpected:
        print("note: variables beyond the allow-list: " + ", ".join(unexpected), flush=True)
    return "the grader's secrets are in the environment: " + ", ".join(bad) if bad else None


def descriptors():
    leaked = []
    for name in os.listdir("/proc/self/fd"):
        fd = int(name)
        if fd in (0, 1, 2):
            continue
        try:
            leaked.append("%d -> %s" % (fd, os.readlink("/proc/self/fd/%d" % fd)))
        except OSError:
            pass  # the descriptor listdir itself used, closed by now
    return "inherited open descriptors: " + ", ".join(leaked) if leaked else None


# Descriptors first, in this process: a forked attempt would see its own result pipe.
for check in (descriptors, environment):
    found = check()
    if found:
        escaped(found)
note("stdin, stdout, stderr: " + ", ".join(os.readlink("/proc/self/fd/%d" % i) for i in range(3)))
finish()
