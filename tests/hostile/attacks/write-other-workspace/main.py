# Writes into another run's workspace: the one the test names (a sibling grader-ws-* directory
# with a result in it), and, to be found by scanning, any grader-ws-* directory in /tmp or beside
# its own workspace. Only the named decoy is written; any other one found is only tested for
# write access, so that a failure here cannot spoil a concurrent test.
import glob
import os

from hostile import INFO, attempt, finish, note

decoy = INFO["other_workspace"]
here = os.stat(".")


def not_mine(path):
    try:
        st = os.stat(path)
    except OSError:
        return False
    return (st.st_dev, st.st_ino) != (here.st_dev, here.st_ino)


def tamper():
    with open(os.path.join(decoy, "result.txt"), "a") as f:
        f.write("tampered by another run\n")
    with open(os.path.join(decoy, "PWNED"), "w") as f:
        f.write("x")
    return "wrote into another run's workspace " + decoy


attempt("write the named workspace", tamper)
found = set()
for pattern in ("/tmp/grader-ws-*", os.path.join(os.path.dirname(os.getcwd()), "grader-ws-*")):
    for path in glob.glob(pattern):
        if not_mine(path):
            found.add(path)
note("found %d other workspaces by scanning" % len(found))
for path in sorted(found):
    def probe(path=path):
        if os.path.realpath(path) == os.path.realpath(decoy):
            return tamper()
        probe_file = os.path.join(path, ".hostile-probe")
        fd = os.open(probe_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.close(fd)
        os.unlink(probe_file)
        return "could write into a workspace found by scanning: " + path
    attempt("write " + path, probe)
finish()
