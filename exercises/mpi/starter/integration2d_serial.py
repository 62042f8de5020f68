# The course's serial integration2d: the integral of sin(x + y) over [0, pi] x [0, pi] by the
# midpoint rule on an n x n grid. Make integration2d_mpi.py of it: each rank takes a block of
# the rows, rank 0 reduces the blocks and is the only one to print.
import math
import sys
import time


def integration2d_serial(n):
    h = math.pi / float(n)
    mysum = 0.0
    for i in range(n):
        x = h * (i + 0.5)
        for j in range(n):
            y = h * (j + 0.5)
            mysum += math.sin(x + y)
    return h * h * mysum


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
    starttime = time.perf_counter()
    integral = integration2d_serial(n)
    endtime = time.perf_counter()
    print("Integral value is %e, Error is %e" % (integral, abs(integral - 0.0)))
    print("Time spent: %.2f sec" % (endtime - starttime))
