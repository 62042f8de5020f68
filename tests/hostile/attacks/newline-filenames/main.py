# Names that break naive code: newlines, quotes, escape sequences, invalid UTF-8, a 255-byte
# name, a 200-deep directory chain, a directory the grader cannot enter (mode 000), a FIFO and a
# symlink to /etc/shadow that the rubric asks to collect. The submission also came with a file
# whose name holds a newline (the test makes it).
import os

print("staged-newline-file-ok" if os.path.exists("sub\nmitted.txt") else "the staged file is missing", flush=True)
for name in ("weird\nname.txt", 'quote"\n\\back.txt', "\x1b[31mred\x1b[0m.txt", "-rf", " lead", "trail "):
    with open(name, "w") as f:
        f.write("content\n")
with open(b"\xff\xfe-invalid.txt", "wb") as f:
    f.write(b"x")
with open("n" * 255, "w") as f:
    f.write("x")
path = "deep"
os.makedirs(path)
for i in range(200):
    path = os.path.join(path, "d")
os.makedirs(path)
os.makedirs("locked/inner")
with open("locked/inner/file", "w") as f:
    f.write("x")
os.chmod("locked/inner", 0)
os.chmod("locked", 0)
os.mkfifo("fifo")
os.symlink("/etc/shadow", "shadow-link")
print("made the files", flush=True)
