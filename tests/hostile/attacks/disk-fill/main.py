# Many files, each under RLIMIT_FSIZE (64 MiB), together far past the workspace's 1 GiB: a run
# must not be able to fill the host's disk. Stops at 2 GiB, so that a missing bound shows as a
# wrong verdict rather than a full disk.
block = b"x" * (1 << 20)
for i in range(34):
    with open(f"fill-{i:02d}.bin", "wb") as f:
        for _ in range(60):
            f.write(block)
print("wrote 2 GiB without being stopped", flush=True)
