"""Writes a CSV of 1-D signals for conv1d.test: each row two channels of 100
samples, then the target, the height of the larger of two bumps hidden in
noise (channel 0's bump counts double). Seeded: the same file every run.
usage: make_signals.py OUT ROWS"""
import math
import random
import sys

out, rows = sys.argv[1], int(sys.argv[2])
random.seed(5)
with open(out, "w") as f:
    for _ in range(rows):
        heights = [random.uniform(0, 1), random.uniform(0, 1)]
        channels = []
        for c in range(2):
            centre = random.uniform(10, 90)
            channels += [heights[c] * math.exp(-((i - centre) / 4) ** 2) + random.gauss(0, 0.05) for i in range(100)]
        target = max(2 * heights[0], heights[1])
        f.write(",".join(f"{v:.4f}" for v in channels + [target]) + "\n")
