"""hpcdemo-core 1.0.0: what hpcdemo depends on."""
__version__ = "1.0.0"


def describe():
    return "hpcdemo-core " + __version__
