"""The integral of sin(x + y) over [0, pi] x [0, pi] by the midpoint rule on an n x n grid.

    python3 integration2d.py WORKERS [N]

This version is serial: WORKERS is read but not used yet. Split the rows of the grid over
WORKERS processes with multiprocessing (see README.md).
"""
import math
import sys
import time


def integration2d(n):
    h = math.pi / n
    total = 0.0
    for i in range(n):
        x = h * (i + 0.5)
        for j in range(n):
            total += math.sin(x + h * (j + 0.5))
    return total * h * h


if __name__ == "__main__":
    workers = int(sys.argv[1])
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 10000
    start = time.perf_counter()
    integral = integration2d(n)
    elapsed = time.perf_counter() - start
    print("Integral value is %e, Error is %e" % (integral, abs(integral - 0.0)))
    print("Time spent: %.2f sec" % elapsed)
