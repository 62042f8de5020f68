#!/bin/bash
# mmmult.py on a Kebnekaise L40S node.
# FIXME: the #SBATCH lines (account, time, a GPU of type L40S)

# FIXME: load the modules

python mmmult.py
