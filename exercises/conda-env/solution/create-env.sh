#!/bin/bash
# Creates the environment of environment.yml in project storage, as on Bianca.
module load conda
export CONDA_ENVS_PATH=/proj/sens2025123/$USER/conda-envs
conda env create --file environment.yml
source activate example
python -V
