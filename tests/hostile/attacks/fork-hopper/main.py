# A process that outruns a kill loop by pid: it forks, the parent exits, the child does the same,
# for ever (bounded: 200,000 hops or 20 s), so that a kill aimed at a pid found a moment earlier
# hits nobody. The main process ends at once; nothing of the run may survive it.
import os
import time

if os.fork() == 0:
    os.setsid()
    deadline = time.monotonic() + 20
    for _ in range(200_000):
        if time.monotonic() > deadline:
            break
        if os.fork():
            os._exit(0)
    os._exit(0)
print("main process done", flush=True)
