# The classic daemon: fork, setsid, fork again, and let the middle process exit, so that the
# sleepers have their own session and no parent; one keeps stdout open, one detaches from it, one
# execs /bin/sleep (its cmdline no longer carries the marker, its environment does). The main
# process then exits 0 at once: the run is "ok", and none of the sleepers may outlive it.
import os
import sys
import time


def daemon(mode):
    if os.fork() == 0:
        os.setsid()
        if os.fork() == 0:
            if mode == "detached":
                fd = os.open(os.devnull, os.O_RDWR)
                for i in (0, 1, 2):
                    os.dup2(fd, i)
            if mode == "exec":
                os.execv("/bin/sleep", ["sleep", "3600"])
            time.sleep(3600)
        os._exit(0)


for mode in ("keeps-stdout", "detached", "exec"):
    daemon(mode)
time.sleep(0.3)  # let the grandchildren reach their sleep
print("daemons started", flush=True)
sys.exit(0)
