"""Checks a training log (one JSON object per epoch): the last epoch's KEY
(loss, test_loss or val_loss) is at most MAX.
usage: check_last_loss.py LOG KEY MAX"""
import json
import sys

path, key, most = sys.argv[1], sys.argv[2], float(sys.argv[3])
values = [json.loads(line)[key] for line in open(path)]
print(f"{key} per epoch:", " ".join(f"{v:.5f}" for v in values))
assert values[-1] <= most, f"the last epoch's {key} {values[-1]:.5f} > {most}"
