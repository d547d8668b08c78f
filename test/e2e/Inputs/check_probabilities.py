"""Checks `predict` output lines: `class K  p=P0 P1 ...` with COUNT finite
probabilities summing to 1, K their argmax. usage: check_probabilities.py COUNT < output"""
import math
import sys

count = int(sys.argv[1])
lines = [l for l in sys.stdin.read().splitlines() if l.startswith("class ")]
assert lines, "no prediction printed"
for line in lines:
    head, probs = line.split("p=")
    p = [float(v) for v in probs.split()]
    assert len(p) == count, f"{len(p)} probabilities, expected {count}"
    assert all(math.isfinite(v) and 0 <= v <= 1 for v in p), "a probability outside [0, 1]"
    assert abs(sum(p) - 1) < 1e-3, f"probabilities sum to {sum(p)}"
    assert int(head.split()[1]) == max(range(count), key=p.__getitem__), "class is not the argmax"
print(f"{len(lines)} predictions of {count} classes: ok")
