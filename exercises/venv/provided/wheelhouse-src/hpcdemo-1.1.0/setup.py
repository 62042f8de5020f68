# hpcdemo 1.1.0: the course's "install a package with pip" package, built into $WHEELHOUSE by
# build_wheels.py (there is no PyPI here). Pure Python; imports print nothing.
from setuptools import setup

setup(name="hpcdemo", version="1.1.0", packages=["hpcdemo"], install_requires=["hpcdemo-core==1.0.0"])
