# One big list allocated and filled at once: 2**28 pointers, 2 GiB, under the rubric's 256M.
import time

big = [0] * (1 << 28)
print("allocated a 2 GiB list without being stopped", len(big), flush=True)
time.sleep(3600)
