# Talks to the host: a TCP listener the test opened on 127.0.0.1 and an abstract unix socket
# (both live in the host's network namespace). Also notes which interfaces it can see.
import socket

from hostile import INFO, MARKER, attempt, finish, note


def tcp():
    with socket.create_connection(("127.0.0.1", int(INFO["port"])), timeout=1.0) as s:
        s.sendall(MARKER.encode() + b"\n")
    return "connected to the host's 127.0.0.1:%s" % INFO["port"]


def abstract_unix():
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.settimeout(1.0)
        s.connect("\0" + INFO["abstract_socket"])
        s.sendall(MARKER.encode() + b"\n")
    return "connected to the host's abstract unix socket @" + INFO["abstract_socket"]


try:
    note("interfaces: " + ", ".join(name for _, name in socket.if_nameindex()))
except OSError as e:
    note("interfaces: %s" % e)
attempt("TCP to 127.0.0.1", tcp)
attempt("abstract unix socket", abstract_unix)
finish()
