"""Checks a training log (one JSON object per epoch): EPOCHS lines, and the
last epoch's training loss at most FRACTION of the first's.
usage: check_loss_falls.py LOG EPOCHS FRACTION"""
import json
import sys

path, epochs, fraction = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
lines = [json.loads(l) for l in open(path)]
assert [l["epoch"] for l in lines] == list(range(1, epochs + 1)), f"epochs logged: {[l['epoch'] for l in lines]}"
losses = [l["loss"] for l in lines]
print("loss per epoch:", " ".join(f"{v:.4f}" for v in losses))
assert losses[-1] <= fraction * losses[0], f"last loss {losses[-1]:.4f} > {fraction} x first {losses[0]:.4f}"
