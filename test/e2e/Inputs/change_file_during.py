"""Runs a program and, when its stderr shows a line containing MARKER,
overwrites FILE with garbage (binary bytes, then a truncated copy of what
was there), as another process changing a data file mid-run would; then lets
the program finish. Passes stderr through and exits with the program's
status (1 if it died by a signal, saying which).

usage: change_file_during.py MARKER FILE -- PROGRAM ARGS...
"""
import subprocess
import sys

marker, path = sys.argv[1], sys.argv[2]
command = sys.argv[sys.argv.index("--") + 1 :]
process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
changed = False
for line in process.stderr:
    sys.stderr.write(line)
    if not changed and marker in line:
        old = open(path, "rb").read()
        with open(path, "wb") as f:  # in place, as an editor or a download would
            f.write(b"\x00\xff garbage \x1b[2J\n" + old[: len(old) // 3])
        changed = True
status = process.wait()
if not changed:
    sys.exit(f"change_file_during.py: '{marker}' never appeared")
if status < 0:
    sys.exit(f"change_file_during.py: the program was killed by signal {-status}")
sys.exit(status)
