# Writes 4 GiB to stderr in 1 MiB blocks, far past the rubric's 1M output limit.
import sys

block = b"z" * (1 << 20)
for _ in range(4096):
    sys.stderr.buffer.write(block)
