#!/bin/bash
# The course's "install a package with venv": a virtual environment named Example in project
# storage, on top of the cluster's Python module, with hpcdemo 1.1.0 from the wheel directory.
set -e
# The grader names the cluster's Python modules, in load order (python/3.11.2 on the test
# cluster, "GCC/12.3.0 Python/3.11.3" on Kebnekaise): unquoted, so each is its own word.
module load $PYTHON_MODULES

python3 -m venv --system-site-packages "$PROJECT_DIR/Example"
source "$PROJECT_DIR/Example/bin/activate"
pip install --no-index --find-links "$WHEELHOUSE" hpcdemo==1.1.0
pip freeze --local > requirements.txt
deactivate
