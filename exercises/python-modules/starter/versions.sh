#!/bin/bash
# Load the course's Python and its package bundle, then say which Python and numpy run.

# FIXME: load the modules (the compiler, Python, and the SciPy bundle)

echo "python: $(command -v python3)"
# FIXME: print the Python version, numpy's version, and the loaded modules
