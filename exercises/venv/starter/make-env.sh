#!/bin/bash
# Make the virtual environment "Example" in $PROJECT_DIR (see README.md):
#   1. load the cluster's Python module
#   2. create the environment, seeing the module's packages too
#   3. activate it and install hpcdemo 1.1.0 from "$WHEELHOUSE" (there is no internet)
#   4. write requirements.txt with pip freeze --local
set -e
