# Privilege: is it root on the host, does it hold capabilities, can it become root (setuid(0),
# setgid(0), setgroups([0])), does a setuid-root binary raise it (the test plants a setuid-root
# copy of /usr/bin/id when it runs as root), is no_new_privs off?
import os
import subprocess

from hostile import INFO, attempt, escaped, finish, note


def status():
    fields = {}
    with open("/proc/self/status") as f:
        for line in f:
            key, _, value = line.partition(":")
            fields[key] = value.strip()
    return fields


def host_uid(uid):
    # The uid on the host that `uid` maps to (a user namespace maps ids).
    with open("/proc/self/uid_map") as f:
        for line in f:
            inside, outside, count = map(int, line.split())
            if inside <= uid < inside + count:
                return outside + uid - inside
    return None


st = status()
note("uid %s gid %s groups %s" % (st.get("Uid"), st.get("Gid"), st.get("Groups")))
note("CapEff %s CapPrm %s CapBnd %s NoNewPrivs %s Seccomp %s" % (
    st.get("CapEff"), st.get("CapPrm"), st.get("CapBnd"), st.get("NoNewPrivs"), st.get("Seccomp")))
if os.geteuid() == 0 and host_uid(0) == 0:
    escaped("runs as root of the host (euid 0, not in a user namespace)")
if int(st.get("CapEff", "0"), 16) != 0:
    escaped("holds capabilities: CapEff %s" % st.get("CapEff"))
if st.get("NoNewPrivs") != "1":
    note("no_new_privs is off")
was_root = os.geteuid() == 0


def become(fn, what):
    def go():
        fn()
        return None if was_root else "%s succeeded (now euid %d)" % (what, os.geteuid())
    return go


attempt("setuid(0)", become(lambda: os.setuid(0), "setuid(0)"))
attempt("setgid(0)", become(lambda: os.setgid(0), "setgid(0)"))
attempt("setgroups([0])", become(lambda: os.setgroups([0]), "setgroups([0])"))

suid = INFO.get("suid_binary", "")


def run_suid():
    out = subprocess.run([suid], capture_output=True, timeout=1, check=False).stdout.decode()
    note("%s says: %s" % (suid, out.strip()))
    if "euid=0" in out or (out.startswith("uid=0") and not was_root):
        return "the setuid-root binary %s ran with root: %s" % (suid, out.strip())
    return None


if suid:
    attempt("exec a setuid-root binary", run_suid)
found = []
for d in ("/usr/bin", "/bin", "/usr/sbin", "/sbin", "/usr/lib/openssh", "/usr/lib/dbus-1.0"):
    try:
        for name in os.listdir(d):
            path = os.path.join(d, name)
            try:
                if os.stat(path).st_mode & 0o4000:
                    found.append(path)
            except OSError:
                pass
    except OSError:
        pass
note("setuid binaries visible: " + (", ".join(sorted(set(found))) or "none"))
finish()
