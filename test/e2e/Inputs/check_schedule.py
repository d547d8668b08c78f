"""Checks a training log (one JSON object per epoch) against the learning
rate schedule and early stopping, from their definitions.

usage: check_schedule.py LOG step LR EVERY GAMMA PATIENCE EPOCHS
       check_schedule.py LOG cosine LR EPOCHS
step: lr(e) = LR * GAMMA^floor((e - 1) / EVERY); with PATIENCE > 0 the log
ends PATIENCE epochs after the epoch of the lowest validation loss (or at
EPOCHS). cosine: lr(e) = LR * (1 + cos(pi (e - 1) / EPOCHS)) / 2.
Prints the epoch of the lowest validation loss.
"""
import json
import math
import sys

log, kind, lr = sys.argv[1], sys.argv[2], float(sys.argv[3])
lines = [json.loads(l) for l in open(log)]
epochs = [l["epoch"] for l in lines]
assert epochs == list(range(1, len(lines) + 1)), f"epochs logged: {epochs}"
if kind == "step":
    every, gamma, patience, total = int(sys.argv[4]), float(sys.argv[5]), int(sys.argv[6]), int(sys.argv[7])
    expected = [lr * gamma ** ((e - 1) // every) for e in epochs]
else:
    total, patience = int(sys.argv[4]), 0
    expected = [lr * (1 + math.cos(math.pi * (e - 1) / total)) / 2 for e in epochs]
for l, want in zip(lines, expected):
    assert math.isclose(l["lr"], want, rel_tol=1e-6), f"epoch {l['epoch']}: lr {l['lr']}, expected {want}"
if "val_loss" in lines[0]:
    losses = [l["val_loss"] for l in lines]
    best = losses.index(min(losses)) + 1
    if patience > 0:
        assert len(lines) == min(best + patience, total), f"{len(lines)} epochs; best {best}, patience {patience}"
    print(f"best epoch {best}")
