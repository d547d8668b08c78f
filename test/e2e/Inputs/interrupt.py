"""Runs a program and presses Ctrl-C (SIGINT) DELAY seconds after its stderr
shows a line containing MARKER; passes the program's stderr through, and
exits with 0 when the program's exit status is exactly STATUS, 1 otherwise
(another status, or death by a signal, which Python reports as a negative
status and a shell as 128 + the signal), saying which.

usage: interrupt.py MARKER DELAY STATUS -- PROGRAM ARGS...
"""
import signal
import subprocess
import sys
import time

marker, delay, expected = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
command = sys.argv[sys.argv.index("--") + 1 :]
process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
sent = False
for line in process.stderr:
    sys.stderr.write(line)
    if not sent and marker in line:
        time.sleep(delay)
        process.send_signal(signal.SIGINT)
        sent = True
status = process.wait()
if not sent:
    sys.stderr.write(f"interrupt.py: '{marker}' never appeared\n")
    sys.exit(2)
if status != expected:
    how = f"was killed by signal {-status}" if status < 0 else f"exited with status {status}"
    sys.stderr.write(f"interrupt.py: the program {how}, not with status {expected}\n")
    sys.exit(1)
sys.exit(0)
