# Creates new files under /usr (never touches an existing one). As root with no mount namespace
# this works; a read-only /usr (or an unprivileged uid) stops it.
import os

from hostile import MARKER, attempt, finish

for target in ("/usr/hostile-%s" % MARKER,
               "/usr/local/hostile-%s" % MARKER,
               "/usr/lib/python3/dist-packages/hostile_%s.txt" % MARKER):
    def create(target=target):
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        os.write(fd, b"written by a learner\n")
        os.close(fd)
        return "created " + target
    attempt("write " + target, create)
finish()
