"""Checks the memory estimate that `PROGRAM info` prints (issue 12):

1. Against what training really takes: the peak resident memory grows from
   a batch of 64 to a batch of BATCH by less than the estimate (it is an
   upper bound) and by more than a tenth of it (it is not a wild one).
2. Under an address-space limit (ulimit -v) too small for the estimate, a
   batch of BATCH is refused before training starts: exit 1, one line with
   the estimate and the largest batch that fits, no epoch begun.

Both are skipped for a program built with AddressSanitizer, whose shadow
memory and quarantine change what a process holds (scripts/test.sh --sanitize).

usage: check_memory.py PROGRAM BATCH ARGS...   (ARGS: the data to train on)
"""
import re
import resource
import subprocess
import sys

program, batch, args = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
if "libasan" in subprocess.run(["ldd", program], capture_output=True, text=True).stdout:
    print("skipped: the estimate's check; the program is built with AddressSanitizer")
    print("skipped: the refusal's check; the program is built with AddressSanitizer")
    sys.exit(0)

units = {"bytes": 1, "kB": 1e3, "MB": 1e6, "GB": 1e9, "TB": 1e12}
info = subprocess.run([program, "info"], capture_output=True, text=True, check=True).stdout
m = re.search(r"memory: up to ([0-9.]+) (\w+) per sample for a train step", info)
if not m:
    sys.exit("check_memory.py: info prints no memory line:\n" + info)
per_sample = float(m.group(1)) * units[m.group(2)]
train = [program, "train", "--limit", str(batch), "--epochs", "1", "--checkpoint", "", "--save", "m.safetensors"] + args


def peak_kb(b):
    """Peak resident memory (kB) of one epoch at batch B: each run is the
    largest child so far, so the smaller batch goes first."""
    subprocess.run(train + ["--batch", str(b)], check=True, capture_output=True)
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss


small = peak_kb(64)
growth = (peak_kb(batch) - small) * 1024
estimate = per_sample * (batch - 64)
print(f"batch {batch}: peak memory grew by {growth / 1e6:.0f} MB; the estimate is {estimate / 1e6:.0f} MB")
if growth > estimate:
    sys.exit("check_memory.py: training took more than the estimate, which should be an upper bound")
if growth < estimate / 10:
    sys.exit("check_memory.py: the estimate is more than ten times what training took")


def limited():  # an address space of the data's peak and half the estimate
    limit = small * 1024 + int(estimate / 2)
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


r = subprocess.run(train + ["--batch", str(batch)], capture_output=True, text=True, preexec_fn=limited)
print(r.stderr, end="")
if r.returncode != 1 or "epoch" in r.stderr:
    sys.exit(f"check_memory.py: under the limit the run was not refused up front (status {r.returncode})")
