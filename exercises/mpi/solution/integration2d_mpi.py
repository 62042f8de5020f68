# The integral of sin(x + y) over [0, pi] x [0, pi] by the midpoint rule on an n x n grid, with
# mpi4py: each rank sums a block of the grid's rows, rank 0 adds the blocks up and prints.
import math
import sys
import time

from mpi4py import MPI


def integration2d_mpi(n, numprocesses, processindex):
    """The share of the integral that rank `processindex` of `numprocesses` owns."""
    h = math.pi / float(n)
    workload = n // numprocesses
    begin = workload * processindex
    # The last rank also takes the rows left over when n does not divide evenly.
    end = n if processindex == numprocesses - 1 else begin + workload
    mysum = 0.0
    for i in range(begin, end):
        x = h * (i + 0.5)
        for j in range(n):
            y = h * (j + 0.5)
            mysum += math.sin(x + y)
    return h * h * mysum


if __name__ == "__main__":
    comm = MPI.COMM_WORLD
    rank = comm.Get_rank()
    size = comm.Get_size()
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10000

    starttime = time.perf_counter()
    partial = integration2d_mpi(n, size, rank)
    integral = comm.reduce(partial, op=MPI.SUM, root=0)
    endtime = time.perf_counter()

    if rank == 0:
        print("Integral value is %e, Error is %e" % (integral, abs(integral - 0.0)))
        print("Time spent: %.2f sec" % (endtime - starttime))
