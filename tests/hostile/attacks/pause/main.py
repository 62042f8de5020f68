# Waits for a signal that never comes, ignoring the polite ones.
import signal

for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGQUIT, signal.SIGUSR1):
    signal.signal(sig, signal.SIG_IGN)
while True:
    signal.pause()
