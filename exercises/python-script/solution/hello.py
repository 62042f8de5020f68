import platform
import sys

n = int(sys.argv[1])
print(f"Hello from Python {platform.python_version()}")
print(f"sum of squares 1..{n} = {sum(i * i for i in range(1, n + 1))}")
