"""The integral of sin(x + y) over [0, pi] x [0, pi] by the midpoint rule on an n x n grid,
split by rows over worker processes.

    python3 integration2d.py WORKERS [N]

Each worker sums its own block of rows and returns the sum: nothing is shared through
module-level state, so it gives the same result with the fork, spawn and forkserver start
methods.
"""
import math
import multiprocessing
import sys
import time


def rows_sum(job):
    """The midpoint sum over rows first..last-1 of an n x n grid, times the cell area."""
    n, first, last = job
    h = math.pi / n
    total = 0.0
    for i in range(first, last):
        x = h * (i + 0.5)
        for j in range(n):
            total += math.sin(x + h * (j + 0.5))
    return total * h * h


def main():
    workers = int(sys.argv[1])
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 10000
    start = time.perf_counter()
    jobs = [(n, n * k // workers, n * (k + 1) // workers) for k in range(workers)]
    with multiprocessing.Pool(processes=workers) as pool:
        integral = sum(pool.map(rows_sum, jobs))
    elapsed = time.perf_counter() - start
    # The exact value is 0, so the error is the value's distance from 0.
    print("Integral value is %e, Error is %e" % (integral, abs(integral - 0.0)))
    print("Time spent: %.2f sec" % elapsed)


if __name__ == "__main__":
    main()
