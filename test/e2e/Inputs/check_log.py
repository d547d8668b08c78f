"""Checks a training log (one JSON object per epoch): EPOCHS lines, and the
LAST epoch's test accuracy within WINDOW (default 0.01) of EXPECTED, the
value measured for this run. The last epoch is what the saved weights are;
picking the best epoch would select on the test set, so the best one is
printed as information only.

Why a measured value with a window: a run is reproducible from its seed.
The seed fixes the data order, the initial weights, the dropout masks and
the augmentations bit for bit on every machine (runtime/rng.h specifies
every draw in integer arithmetic); only the float sums may differ on a CPU
with other vector widths (Halide vectorises for the host), and the window
of 0.01 is for that. A regression that costs a point fails.

usage: check_log.py LOG EPOCHS EXPECTED [WINDOW]
       check_log.py LOG EPOCHS --at-least MIN   (no measured value yet)"""
import json
import sys

path, epochs = sys.argv[1], int(sys.argv[2])
lines = [json.loads(l) for l in open(path)]
assert [l["epoch"] for l in lines] == list(range(1, epochs + 1)), f"epochs logged: {[l['epoch'] for l in lines]}"
accuracies = [l["test_accuracy"] for l in lines]
last = accuracies[-1]
best = max(range(epochs), key=lambda e: accuracies[e])
print("test accuracy per epoch:", " ".join(f"{a:.4f}" for a in accuracies))
print(f"last epoch: {last:.4f}; (information only) best: {accuracies[best]:.4f} in epoch {best + 1}")
if sys.argv[3] == "--at-least":
    least = float(sys.argv[4])
    assert last >= least, f"the last epoch's test accuracy {last:.4f} < {least}"
else:
    expected = float(sys.argv[3])
    window = float(sys.argv[4]) if len(sys.argv) > 4 else 0.01
    assert abs(last - expected) <= window, f"the last epoch's test accuracy {last:.4f} is not within {window} of {expected}"
