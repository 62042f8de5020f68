# The parent starts 100 children that sleep, then exits 0 without waiting for them.
import os
import sys
import time

for _ in range(100):
    if os.fork() == 0:
        time.sleep(3600)
        os._exit(0)
print("100 children started", flush=True)
sys.exit(0)
