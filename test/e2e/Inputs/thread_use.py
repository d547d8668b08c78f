"""Runs a program and counts its threads: it lists /proc/PID/task (Linux)
every 10 ms until the program exits. Halide starts its worker threads when
a parallel loop first runs, as many as the thread count set (--threads T)
minus one, since the calling thread works too: T threads in all show that
the program ran parallel loops on T threads. (Their share of the CPU time
is printed for information: on a loaded machine the scheduler decides it,
so it is not checked.)

usage: thread_use.py THREADS -- PROGRAM ARGS...
"""
import os
import subprocess
import sys
import time

expected = int(sys.argv[1])
command = sys.argv[sys.argv.index("--") + 1 :]
process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
ticks = {}  # thread id -> user + system clock ticks, last seen
while process.poll() is None:
    try:
        threads = os.listdir(f"/proc/{process.pid}/task")
    except OSError:  # the program has just ended
        break
    for tid in threads:
        try:
            fields = open(f"/proc/{process.pid}/task/{tid}/stat").read().rsplit(")", 1)[1].split()
        except OSError:  # the thread ended between the two reads
            continue
        ticks[tid] = int(fields[11]) + int(fields[12])  # utime, stime: fields 14 and 15 of stat
    time.sleep(0.01)
if process.wait() != 0:
    sys.exit(f"thread_use.py: the program exited with status {process.returncode}")
print(f"{len(ticks)} threads; CPU ticks of each (information): {sorted(ticks.values(), reverse=True)}")
sys.exit(0 if len(ticks) == expected else 1)
