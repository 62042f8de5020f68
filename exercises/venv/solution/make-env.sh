#!/bin/bash
# The course's "install a package with venv": a virtual environment named Example in project
# storage, on top of the cluster's Python module, with hpcdemo 1.1.0 from the wheel directory.
set -e
module load python/3.11.2

python3 -m venv --system-site-packages "$PROJECT_DIR/Example"
source "$PROJECT_DIR/Example/bin/activate"
pip install --no-index --find-links "$WHEELHOUSE" hpcdemo==1.1.0
pip freeze --local > requirements.txt
deactivate
