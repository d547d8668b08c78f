"""Reads `train --trace` of augmented.nn and checks the input each step met
against the data file: with `shifted`, every input is its row translated by
(dy, dx) in [-1, 1]^2 (zeros entering), and the translations vary and are
not all zero (12 draws of 9 equally likely shifts: all zero has probability
9^-12; the run is reproducible from its seed, so this holds every time);
with `unchanged`, every input is its row as it is.

usage: check_augment_trace.py shifted|unchanged DATA.csv TRACE.txt
"""
import re
import sys

mode, data, trace = sys.argv[1], sys.argv[2], sys.argv[3]
rows = [[float(v) for v in l.split(",")[:9]] for l in open(data) if l.strip() and not l.startswith("#")]


def translated(image, dy, dx):
    return [image[(y - dy) * 3 + (x - dx)] if 0 <= y - dy < 3 and 0 <= x - dx < 3 else 0.0
            for y in range(3) for x in range(3)]


shifts = []
for line in open(trace):
    m = re.match(r"epoch (\d+) example (\d+): x=\(([^)]*)\)", line)
    if not m:
        continue
    x = [float(v) for v in m.group(3).split(",")]
    row = rows[int(m.group(2)) - 1]
    found = [(dy, dx) for dy in (-1, 0, 1) for dx in (-1, 0, 1)
             if all(abs(a - b) <= 1e-6 for a, b in zip(translated(row, dy, dx), x))]
    assert len(found) == 1, f"{line.strip()}: not a shift of row {m.group(2)} by at most one pixel"
    shifts.append(found[0])
print("shifts (dy, dx):", " ".join(f"({dy},{dx})" for dy, dx in shifts))
assert len(shifts) == 3 * len(rows), f"{len(shifts)} traced examples, expected {3 * len(rows)}"
if mode == "unchanged":
    assert all(s == (0, 0) for s in shifts), "an input changed without augmentation"
else:
    assert len(set(shifts)) >= 4, "the shifts barely vary"
    assert sum(s != (0, 0) for s in shifts) >= 6, "most inputs were not shifted"
