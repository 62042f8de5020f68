#!/bin/bash -l
# mmmult.py on one of Snowy's GPU nodes, submitted from Rackham.
#SBATCH -A naiss2024-22-415
#SBATCH -M snowy
#SBATCH --time=00:10:00
#SBATCH -n 1
#SBATCH --gres=gpu:1

module load uppmax
module load python/3.11.8

python mmmult.py
