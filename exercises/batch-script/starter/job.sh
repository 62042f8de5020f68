#!/bin/bash
# mmmult.py on the test cluster: the course's project, 2 cores, at most 10 minutes.
# FIXME: the #SBATCH lines (account, time, cores)

# FIXME: load the Python module

python mmmult.py
