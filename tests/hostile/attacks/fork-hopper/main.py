# A process that outruns a kill loop by pid: it forks, the parent exits, the child does the same,
# so that a kill aimed at a pid found a moment earlier hits nobody; the main process ends at once.
# After 0.3 s of hopping it sleeps where a scan can see it (a hopping process is missed by scans
# of /proc, the harness's too): if the grader's kill loop missed it, it is found alive then.
import os
import time

if os.fork() == 0:
    os.setsid()
    deadline = time.monotonic() + 0.3
    while time.monotonic() < deadline:
        if os.fork():
            os._exit(0)
    time.sleep(60)
    os._exit(0)
print("main process done", flush=True)
