// The notebook driver: the Python program a notebook run executes (`python3 -c DRIVER ...`) inside
// the sandbox. It runs the notebook cell by cell in a Jupyter kernel (nbclient + ipykernel) and
// writes what each cell did as JSON lines, read back by notebook_results.h. Shipped inside the
// grader as text, so that every executor (process, sandbox, ssh, a cluster) runs the same driver
// with nothing to install or stage.
#pragma once

namespace grader {

inline constexpr const char* kNotebookDriver = R"PY(
# The grader's notebook driver: runs one notebook, cell by cell, in a real Jupyter kernel
# (nbclient + ipykernel) and writes what each cell did as JSON lines (grader/notebook/
# notebook_results.h reads them back). The grader passes this file to `python3 -c`, so it runs
# inside the sandbox, under the run's limits, with every executor, with nothing to install.
#
#   python3 -c DRIVER NOTEBOOK RESULTS BUDGET_BYTES KERNEL ALLOW_ERRORS(0|1)
#
# Lines are written as things happen (a "running" line before each cell), so a run killed at its
# time limit still says which cell was running. Exit codes: 0 every cell ran without error,
# 1 a cell raised, 2 the kernel died or did not start, 3 the notebook is not one we can run,
# 4 this machine has no Jupyter kernel to run it with (a runner problem, not the learner's).
import sys

# `python3 -c` puts the working directory (the learner's) first on sys.path: a learner's json.py
# must not replace the standard library's for the driver. The kernel keeps it, as Jupyter does.
sys.path = [p for p in sys.path if p not in ("", ".")]

import json  # noqa: E402
import os  # noqa: E402
import re  # noqa: E402
import shutil  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

EXIT_OK, EXIT_CELL_ERROR, EXIT_KERNEL, EXIT_INVALID, EXIT_UNAVAILABLE = 0, 1, 2, 3, 4
OUTPUT_CAP = 64 * 1024  # of each output's text
TRACEBACK_CAP = 8 * 1024
SOURCE_HEAD = 80  # characters of a cell's first line, to name it in messages
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


class Results:
    """The JSON lines file, kept under the byte budget the grader collects."""

    def __init__(self, path, budget):
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
        self.fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_APPEND, 0o644)
        self.budget = budget
        self.used = 0

    def write(self, record):
        line = (json.dumps(record, ensure_ascii=True, separators=(",", ":")) + "\n").encode()
        self.used += len(line)
        os.write(self.fd, line)

    def left(self):
        return max(0, self.budget - self.used)


def fail(results, code, event, reason):
    results.write({"event": event, "reason": reason})
    sys.exit(code)


def head(source):
    for line in source.splitlines():
        if line.strip():
            return line.strip()[:SOURCE_HEAD]
    return ""


def capped(text, cap):
    data = text.encode("utf-8", "replace")
    if len(data) <= cap:
        return {"text": text, "bytes": len(data), "truncated": False}
    return {"text": data[:cap].decode("utf-8", "ignore"), "bytes": len(data), "truncated": True}


def read_notebook(results, path):
    """The notebook as nbformat 4, its stored outputs dropped (grading runs it afresh)."""
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except OSError as e:
        fail(results, EXIT_INVALID, "invalid", "cannot read %s: %s" % (path, e.strerror))
    try:
        nb = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as e:
        fail(results, EXIT_INVALID, "invalid", "%s is not UTF-8 text (byte %d): not a notebook" % (path, e.start))
    except ValueError as e:
        fail(results, EXIT_INVALID, "invalid", "%s is not JSON (%s): not a notebook" % (path, e))
    if not isinstance(nb, dict) or "cells" not in nb and "worksheets" not in nb:
        fail(results, EXIT_INVALID, "invalid", "%s is JSON but not a notebook (no 'cells')" % path)
    major = nb.get("nbformat")
    if major != 4:
        fail(results, EXIT_INVALID, "invalid",
             "%s is nbformat %s; the grader runs nbformat 4 notebooks (Jupyter since 2015): open it in "
             "Jupyter and save it, or convert it with `jupyter nbconvert --to notebook --nbformat 4`"
             % (path, major))
    dropped = 0
    for cell in nb.get("cells", []) if isinstance(nb.get("cells"), list) else []:
        if isinstance(cell, dict) and cell.get("cell_type") == "code":
            if cell.get("outputs"):
                dropped += len(json.dumps(cell["outputs"]))
            cell["outputs"] = []
            cell["execution_count"] = None
    import nbformat

    try:
        from nbformat.v4.nbjson import JSONReader

        node = JSONReader().to_notebook(nb)  # as nbformat.read: multi-line sources joined
        nbformat.validate(node)
    except Exception as e:  # nbformat's ValidationError, or worse
        first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        fail(results, EXIT_INVALID, "invalid", "%s is not a valid nbformat 4 notebook: %s" % (path, first))
    return node, len(raw), dropped


def describe_cells(nb):
    cells = []
    for index, cell in enumerate(nb.cells, start=1):
        if cell.cell_type != "code":
            continue
        tags = cell.metadata.get("tags", [])
        cells.append({
            "index": index,
            "id": cell.get("id"),
            "tags": [t for t in tags if isinstance(t, str)] if isinstance(tags, list) else [],
            "source": head(cell.source),
            "empty": not cell.source.strip(),
        })
    return cells


def output_record(out, results, cells_left):
    """One output, its text capped so that every later cell still fits the budget."""
    cap = min(OUTPUT_CAP, max(256, results.left() // (4 * max(1, cells_left))))
    kind = out.get("output_type")
    if kind == "stream":
        return dict(type="stream", name=out.get("name", "stdout"), **capped(out.get("text", ""), cap))
    if kind in ("execute_result", "display_data"):
        data = out.get("data", {})
        rec = dict(type=kind, mime=sorted(data), **capped(data.get("text/plain", ""), cap))
        return rec
    if kind == "error":
        return {"type": "error", "ename": out.get("ename", ""), "evalue": capped(out.get("evalue", ""), cap)["text"]}
    return {"type": str(kind)}


def error_record(cell):
    for out in cell.outputs:
        if out.get("output_type") == "error":
            tb = ANSI.sub("", "\n".join(out.get("traceback", [])))
            return {"ename": out.get("ename", ""), "evalue": ANSI.sub("", out.get("evalue", ""))[:TRACEBACK_CAP],
                    "traceback": tb[-TRACEBACK_CAP:]}
    return None


def kernel_ending(client):
    """How the dead kernel ended: {"kernel_exit": 1} or {"kernel_signal": 9}."""
    proc = getattr(getattr(client.km, "provisioner", None), "process", None)
    code = proc.poll() if proc is not None else None
    if code is None:
        return {}
    return {"kernel_signal": -code} if code < 0 else {"kernel_exit": code}


async def run_cells(client, nb, cells, results, allow_errors):
    from nbclient.exceptions import DeadKernelError

    status = EXIT_OK
    started = time.monotonic()
    async with client.async_setup_kernel():
        results.write({"event": "kernel", "time_s": round(time.monotonic() - started, 4)})
        for n, info in enumerate(cells):
            cell = nb.cells[info["index"] - 1]
            tags = info["tags"]
            if info["empty"] or "skip-execution" in tags:
                results.write({"event": "cell", "index": info["index"],
                               "status": "empty" if info["empty"] else "skipped"})
                continue
            results.write({"event": "running", "index": info["index"]})
            t0 = time.monotonic()
            try:
                await client.async_execute_cell(cell, info["index"] - 1)
            except DeadKernelError:
                results.write(dict({"event": "cell", "index": info["index"], "status": "kernel_died",
                                    "time_s": round(time.monotonic() - t0, 4)}, **kernel_ending(client)))
                return EXIT_KERNEL
            error = error_record(cell)
            expected = error is not None and "raises-exception" in tags
            results.write({
                "event": "cell", "index": info["index"],
                "status": "error" if error and not expected else "ok",
                "execution_count": cell.get("execution_count"),
                "time_s": round(time.monotonic() - t0, 4),
                "outputs": [output_record(o, results, len(cells) - n) for o in cell.outputs],
                "error": error, "expected_error": expected,
            })
            if error and not expected:
                status = EXIT_CELL_ERROR
                if not allow_errors:
                    break
    return status


def private_dirs():
    """Jupyter's, IPython's and matplotlib's state in a directory of the run's own, not the
    learner's workspace (and not a home directory it may not have)."""
    top = tempfile.mkdtemp(prefix="grader-notebook-")
    for var, sub in (("JUPYTER_RUNTIME_DIR", "runtime"), ("IPYTHONDIR", "ipython"),
                     ("MPLCONFIGDIR", "matplotlib"), ("JUPYTER_CONFIG_DIR", "config")):
        os.environ.setdefault(var, os.path.join(top, sub))
    # A notebook run has no display: figures are drawn with Agg, and saved with savefig.
    os.environ.setdefault("MPLBACKEND", "Agg")
    # The sandbox shows no /etc/fonts: matplotlib's fc-list then complains in the learner's
    # output. A configuration of our own names the system's fonts.
    if not os.access("/etc/fonts/fonts.conf", os.R_OK) and "FONTCONFIG_FILE" not in os.environ:
        conf = os.path.join(top, "fonts.conf")
        with open(conf, "w") as f:
            f.write('<?xml version="1.0"?>\n<fontconfig><dir>/usr/share/fonts</dir>'
                    "<cachedir>%s</cachedir></fontconfig>\n" % os.path.join(top, "fontconfig"))
        os.environ["FONTCONFIG_FILE"] = conf
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    return top


def main(argv):
    path, results_path, budget, kernel, allow_errors = argv[1], argv[2], int(argv[3]), argv[4], argv[5] == "1"
    results = Results(results_path, budget)
    try:
        import asyncio

        import nbclient
        import nbformat
    except ImportError as e:
        fail(results, EXIT_UNAVAILABLE, "unavailable",
             "this machine cannot run notebooks (%s); install Debian's python3-nbclient and python3-ipykernel" % e)
    nb, size, dropped = read_notebook(results, path)
    cells = describe_cells(nb)
    results.write({"event": "start", "notebook": path, "bytes": size, "dropped_output_bytes": dropped,
                   "nbformat": "%d.%d" % (nb.nbformat, nb.nbformat_minor), "kernel": kernel,
                   "versions": {"python": sys.version.split()[0], "nbclient": nbclient.__version__,
                                "nbformat": nbformat.__version__},
                   "cells": cells})
    top = private_dirs()
    client = nbclient.NotebookClient(
        nb, kernel_name=kernel, timeout=None, startup_timeout=60, allow_errors=allow_errors,
        record_timing=False, resources={"metadata": {"path": os.path.dirname(os.path.abspath(path))}})
    started = time.monotonic()
    try:
        code = asyncio.run(run_cells(client, nb, cells, results, allow_errors))
    except Exception as e:  # the kernel did not start: no such kernelspec, a learner's zmq.py, ...
        if type(e).__name__ == "NoSuchKernel":
            fail(results, EXIT_UNAVAILABLE, "unavailable",
                 "this runner has no Jupyter kernel '%s' (`jupyter kernelspec list` shows those it has)" % kernel)
        results.write({"event": "kernel_failed", "reason": "%s: %s" % (type(e).__name__, str(e).strip()[:2000])})
        code = EXIT_KERNEL
    finally:
        shutil.rmtree(top, ignore_errors=True)
    results.write({"event": "end", "time_s": round(time.monotonic() - started, 4)})
    sys.exit(code)


main(sys.argv)
)PY";

}  // namespace grader
