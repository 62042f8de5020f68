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
    if os.fork() == 0:
        os.setsid()
        if os.fork() == 0:
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                try:
                    with open(report, "w") as f:
                        f.write(forged)
                except OSError:
                    pass
                time.sleep(0.01)
        os._exit(0)
    time.sleep(0.1)
    return "started a writer that rewrites " + report if os.access(out_dir, os.W_OK) else None


attempt("overwrite the report", overwrite)
attempt("plant beside the report", plant)
attempt("outlive the grader", keep_writing)
finish()
