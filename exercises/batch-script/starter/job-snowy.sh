#!/bin/bash -l
# mmmult.py on one of Snowy's GPU nodes, submitted from Rackham.
# FIXME: the #SBATCH lines (account, time, the cluster, a GPU)

# FIXME: load the modules

python mmmult.py
