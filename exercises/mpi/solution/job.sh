#!/bin/bash
# integration2d_mpi.py on the test cluster: 2 MPI ranks, at most 5 minutes.
#SBATCH -A naiss2024-22-415
#SBATCH -t 00:05:00
#SBATCH -n 2

module load python/3.11.2

# srun starts the 2 tasks that -n 2 asked for as one MPI job (Slurm's PMIx).
srun python integration2d_mpi.py 3000
