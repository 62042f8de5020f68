"""hpcdemo 1.0.0: a small package to install into a virtual environment."""
import hpcdemo_core

__version__ = "1.0.0"


def hello():
    return "hello from hpcdemo 1.0.0 (core " + hpcdemo_core.__version__ + ")"
