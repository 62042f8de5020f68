#!/bin/bash
# Load the course's Python and its package bundle, then say which Python and numpy run.
module load GCC/12.2.0 Python/3.11.2 SciPy-bundle/2023.02

echo "python: $(command -v python3)"
python3 --version
python3 -c 'import numpy; print("numpy", numpy.__version__)'
echo "modules: $LOADEDMODULES"
