"""hpcdemo 1.1.0: a small package to install into a virtual environment."""
import hpcdemo_core

__version__ = "1.1.0"


def hello():
    return "Hello from hpcdemo 1.1.0, with " + hpcdemo_core.describe()
