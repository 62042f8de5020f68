# A 2 GiB file that takes no disk: truncate() past the end, then a write at the 2 GiB offset.
# CPython ignores SIGXFSZ, so a file size limit shows up as OSError (EFBIG) and exit code 1.
import os

with open("sparse.bin", "wb") as f:
    f.truncate(2 << 30)
    f.seek((2 << 30) - 1)
    f.write(b"\0")
print("made a 2 GiB sparse file:", os.path.getsize("sparse.bin"), flush=True)
