# A fork bomb, bounded so that a containment failure cannot take a shared CI machine down: every
# process forks until the tree holds 2**9 = 512 processes, retrying each fork that fails (a pids
# limit) for ever, and then sleeps. The main process never ends by itself.
import os
import time

remaining = 9
while remaining:
    try:
        os.fork()  # parent and child both go on with one fork fewer to make
        remaining -= 1
    except OSError:
        time.sleep(0.005)
time.sleep(3600)
