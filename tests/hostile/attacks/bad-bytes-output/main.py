# Output that is not text: invalid UTF-8 (a lone continuation byte, an overlong '/', a UTF-16
# surrogate, a code point past U+10FFFF), NUL bytes, terminal escape sequences, JSON-looking
# text, and a multi-byte character split by the grader's 16 KiB excerpt. On both streams, and
# in a file a check reads.
import sys

bad = (b"bad: \xff\xfe \x80 \xc3\x28 \xc0\xaf \xed\xa0\x80 \xf4\x90\x80\x80 nul:\x00:nul"
       b" esc:\x1b[2J\x1b]0;title\x07 cr:\r json:\"},{\"x\":\"\\u0000\n")
for stream in (sys.stdout.buffer, sys.stderr.buffer):
    stream.write(b"visible-start\n" + bad)
    stream.write(b"a" * (16 * 1024 - len(bad) - 15) + "\u20ac\u20ac".encode() + b"\n")
    stream.write(b"visible-end\n")
    stream.flush()
with open("out.bin", "wb") as f:
    f.write(b"\xff\x00 file-marker " + bad)
