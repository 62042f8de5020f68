# hpcdemo-core 1.0.0: the dependency of both hpcdemo versions, so that pip must resolve one.
from setuptools import setup

setup(name="hpcdemo-core", version="1.0.0", packages=["hpcdemo_core"])
