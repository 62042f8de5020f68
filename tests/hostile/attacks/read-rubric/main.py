# Looks for the rubric, to read the expected value of a hidden check and print it: at the path the
# test gives (as a learner could guess from the course's repository layout), in the corpus's own
# directory (where the attacks' rubric values are), in any *.toml named on the command line of a visible process (the grader's argv
# holds the rubric path), and under /work and /tmp.
import glob
import os
import re

from hostile import INFO, attempt, finish, note, pids, read_proc

SECRET = re.compile(rb"HIDDEN-[0-9a-f]{8,}")


def candidates():
    paths = [INFO.get("rubric_path", "")]
    repo = INFO.get("repo_dir", "")
    if repo:
        paths += glob.glob(os.path.join(repo, "tests/hostile/attacks/*/expect.toml"))
    paths += glob.glob("/work/*/tests/hostile/attacks/*/expect.toml")
    paths += glob.glob("/tmp/*/rubrics/*.toml") + glob.glob("/tmp/*/*.toml")
    for pid in pids():
        cmd = read_proc(pid, "cmdline") or b""
        for arg in cmd.split(b"\0"):
            if arg.endswith(b".toml"):
                paths.append(arg.decode("utf-8", "replace"))
    return [p for p in dict.fromkeys(paths) if p]


def search():
    found = []
    for path in candidates():
        try:
            with open(path, "rb") as f:
                data = f.read(1 << 20)
        except OSError:
            continue
        for secret in sorted(set(SECRET.findall(data))):
            # Printing it is what makes the hidden check pass.
            print(secret.decode(), flush=True)
            found.append("%s in %s" % (secret.decode(), path))
    return "read a hidden expected value: " + "; ".join(found) if found else None


note("%d candidate rubric paths" % len(candidates()))
attempt("find the rubric's hidden values", search)
finish()
