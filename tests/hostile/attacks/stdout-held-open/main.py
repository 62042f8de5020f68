# The main process ends at once; a child it leaves behind keeps the run's stdout and stderr open
# (inherited, not redirected) for a minute. The run ends with its main process: the grader must
# not wait for the pipes to close (until the timeout), and the child must not survive the run.
import subprocess
import sys

subprocess.Popen(["sleep", "60", sys.argv[1] if len(sys.argv) > 1 else ""])
print("main process done", flush=True)
