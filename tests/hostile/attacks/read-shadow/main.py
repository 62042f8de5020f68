# Reads /etc/shadow, the password hashes: root can, nobody else may.
from hostile import attempt, finish


def read():
    with open("/etc/shadow") as f:
        first = f.readline().strip()
    return "read /etc/shadow; first line: " + first


attempt("read /etc/shadow", read)
finish()
