#!/bin/bash
# mmmult.py on a Kebnekaise L40S node.
#SBATCH -A hpc2n2026-002
#SBATCH --time=00:10:00
#SBATCH -n 1
#SBATCH --gpus=1
#SBATCH -C l40s

module purge > /dev/null 2>&1
module load GCC/12.3.0 Python/3.11.3 SciPy-bundle/2023.07

python mmmult.py
