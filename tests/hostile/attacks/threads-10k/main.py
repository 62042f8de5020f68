# Ten thousand threads (each a task for the kernel's pids accounting), small stacks so that a
# missing limit costs address space, not the machine's memory; then the process waits for ever.
import threading
import time

threading.stack_size(64 * 1024)
started = 0
try:
    for _ in range(10_000):
        threading.Thread(target=time.sleep, args=(3600,), daemon=True).start()
        started += 1
except RuntimeError as e:
    print(f"note: stopped after {started} threads: {e}", flush=True)
print(f"note: {started} threads running", flush=True)
time.sleep(3600)
