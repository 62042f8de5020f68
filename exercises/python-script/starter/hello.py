# Print "Hello from Python X.Y.Z" and "sum of squares 1..N = S" for N = sys.argv[1].
import platform
import sys

# your code here
