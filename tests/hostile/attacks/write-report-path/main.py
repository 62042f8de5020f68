# Forges the grader's report: the test tells it the --out path. It overwrites the report path,
# plants a file beside it, and leaves a setsid'ed writer that keeps rewriting the forgery, hoping
# to outlive the grader's own atomic write.
import json
import os
import time

from hostile import INFO, attempt, finish

report = INFO["report_path"]
out_dir = INFO["out_dir"]
forged = json.dumps({"schema": "grader-report/1", "exercise": "forged", "score": 999.0,
                     "max_score": 1.0, "passed": True, "checks": [], "runs": []})


def overwrite():
    with open(report, "w") as f:
        f.write(forged)
    return "wrote a forged report to " + report


def plant():
    with open(os.path.join(out_dir, "planted.json"), "w") as f:
        f.write(forged)
    return "planted a file in the report's directory " + out_dir


def keep_writing():
    os.stat(out_dir)
    # The writer says through a pipe whether its first write went through: write permission is
    # what counts, not what os.access() guesses from file modes.
    readable, writable = os.pipe()
    if os.fork() == 0:
        os.close(readable)
        os.setsid()
        if os.fork() == 0:
            deadline = time.monotonic() + 30
            first = True
            while time.monotonic() < deadline:
                try:
                    with open(report, "w") as f:
                        f.write(forged)
                    ok = True
                except OSError:
                    ok = False
                if first:
                    os.write(writable, b"1" if ok else b"0")
                    os.close(writable)
                    first = False
                    if not ok:
                        os._exit(0)
                time.sleep(0.01)
            os._exit(0)
        os._exit(0)
    os.close(writable)
    answer = os.read(readable, 1)
    os.close(readable)
    return "started a writer that rewrites " + report if answer == b"1" else None


attempt("overwrite the report", overwrite)
attempt("plant beside the report", plant)
attempt("outlive the grader", keep_writing)
finish()
