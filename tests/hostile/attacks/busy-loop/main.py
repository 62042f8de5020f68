# Burns CPU for ever, in the main process and in a child.
import os

os.fork()
while True:
    pass
