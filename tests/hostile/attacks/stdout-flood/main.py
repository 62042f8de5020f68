# Writes 4 GiB to stdout in 1 MiB blocks, far past the rubric's 1M output limit.
import sys

block = b"y" * (1 << 20)
for _ in range(4096):
    sys.stdout.buffer.write(block)
