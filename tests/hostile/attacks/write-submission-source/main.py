# Modifies the submission it was staged from: by the absolute path (which the test gives it, as
# a learner could guess it), and by walking up out of its own workspace.
import os

from hostile import INFO, MARKER, attempt, finish

source = INFO["source_dir"]


def by_absolute_path():
    with open(os.path.join(source, "main.py"), "a") as f:
        f.write("# changed after submission\n")
    return "appended to " + os.path.join(source, "main.py")


def plant():
    with open(os.path.join(source, "PWNED"), "w") as f:
        f.write("x")
    return "created a file in the source directory " + source


def walk_up():
    target = os.path.join("..", "hostile-%s" % MARKER)
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    os.close(fd)
    return "created %s next to its own workspace (%s)" % (target, os.path.realpath(target))


def staged_copy_named_source():
    # The staged copy's name is the source's name? Then try the sibling by name.
    sibling = os.path.join("..", os.path.basename(source), "PWNED")
    with open(sibling, "w") as f:
        f.write("x")
    return "created " + os.path.realpath(sibling)


attempt("modify the source by its path", by_absolute_path)
attempt("create a file in the source", plant)
attempt("write ../", walk_up)
attempt("write ../<source name>/", staged_copy_named_source)
finish()
