# Unbounded recursion with the interpreter's guard lifted. Each level goes through a C function
# (map), so the C stack overflows: since Python 3.11, plain Python-to-Python calls live on the
# heap and would only grow memory until the timeout.
import sys

sys.setrecursionlimit(1 << 30)


def down(n):
    return list(map(down, [n + 1]))


down(0)
