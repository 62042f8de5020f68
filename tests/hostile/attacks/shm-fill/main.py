# /dev/shm is memory: 256 MB written there by a run would stay in the host's RAM after it. The
# sandbox gives each run a 16 MiB /dev/shm of its own (root: output_limit when it is full, as a
# disk limit; unprivileged: the write fails, nonzero_exit), Landlock refuses it in fallback mode;
# the host's /dev/shm must never see the file (must_not_exist).
import sys

marker = sys.argv[1] if len(sys.argv) > 1 else "x"
block = b"x" * (1 << 20)
with open(f"/dev/shm/hostile-{marker}", "wb") as f:
    for _ in range(256):
        f.write(block)
print("ESCAPED: wrote 256 MB to /dev/shm", flush=True)
