"""Builds the exercise's wheel directory from the sources beside it, with setuptools alone
(Debian's python3-setuptools and python3-wheel; no network, no pip): one process for every
package, so that the grader's set-up run costs well under a second.

Usage: python3 build_wheels.py SOURCES_DIR WHEELHOUSE
"""
import contextlib
import io
import os
import shutil
import sys
import tempfile

from setuptools import build_meta


def build(src, out):
    # Built from a copy, so that the sources stay as they were (no build/ or egg-info beside them).
    with tempfile.TemporaryDirectory() as tmp:
        work = shutil.copytree(src, os.path.join(tmp, "src"))
        cwd = os.getcwd()
        os.chdir(work)
        try:
            with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
                return build_meta.build_wheel(out)
        finally:
            os.chdir(cwd)


def main():
    src, out = sys.argv[1], os.path.abspath(sys.argv[2])
    os.makedirs(out, exist_ok=True)
    for name in sorted(os.listdir(src)):
        print(build(os.path.join(src, name), out))


if __name__ == "__main__":
    main()
