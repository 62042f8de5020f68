# Stops itself (and a child that stops itself too): a stopped process uses no CPU, so only a
# wall-clock limit ends it.
import os
import signal

if os.fork() == 0:
    os.kill(os.getpid(), signal.SIGSTOP)
    os._exit(0)
os.kill(os.getpid(), signal.SIGSTOP)
