"""Checks a training log (one JSON object per epoch): EPOCHS lines, and the
best test accuracy over them at least MIN.  usage: check_log.py LOG EPOCHS MIN"""
import json
import sys

path, epochs, least = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
lines = [json.loads(l) for l in open(path)]
assert [l["epoch"] for l in lines] == list(range(1, epochs + 1)), f"epochs logged: {[l['epoch'] for l in lines]}"
accuracies = [l["test_accuracy"] for l in lines]
print("test accuracy per epoch:", " ".join(f"{a:.4f}" for a in accuracies))
assert max(accuracies) >= least, f"best test accuracy {max(accuracies):.4f} < {least}"
