# Empty files cost no bytes, only inodes: 300,000 of them, far past the workspace's 100,000.
# Stops there, so that a missing bound shows as a wrong verdict rather than a host out of inodes.
import os

os.mkdir("flood")
for i in range(300_000):
    open(f"flood/{i}", "wb").close()
print("made 300000 files without being stopped", flush=True)
