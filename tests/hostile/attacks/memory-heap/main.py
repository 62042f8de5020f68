# Grows the heap 16 MiB at a time, every page touched, far past the rubric's 256M. Capped at 3 GiB
# (then it sleeps) so that a missing memory limit shows as a wrong verdict, not a dead machine.
import time

chunks = []
for _ in range(3 * 64):
    chunks.append(b"x" * (16 << 20))
print("allocated 3 GiB without being stopped", flush=True)
time.sleep(3600)
