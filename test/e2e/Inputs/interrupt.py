"""Runs a program and presses Ctrl-C (SIGINT) DELAY seconds after its stderr
shows a line containing MARKER; passes the program's stderr through and exits
with the program's status (130 after a clean interruption).

usage: interrupt.py MARKER DELAY -- PROGRAM ARGS...
"""
import signal
import subprocess
import sys
import time

marker, delay = sys.argv[1], float(sys.argv[2])
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
sys.exit(status)
