#!/bin/bash
# mmmult.py on the test cluster: the course's project, 2 cores, at most 10 minutes.
#SBATCH -A naiss2024-22-415
#SBATCH --time=00:10:00
#SBATCH -n 1
#SBATCH -c 2

module load python/3.11.2

python mmmult.py
