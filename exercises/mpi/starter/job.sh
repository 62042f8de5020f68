#!/bin/bash
# integration2d_mpi.py on the test cluster: 2 MPI ranks, at most 5 minutes.
# FIXME: the #SBATCH lines (account, time, 2 tasks)

# FIXME: load the Python module

# FIXME: start the 2 ranks
python integration2d_mpi.py 3000
