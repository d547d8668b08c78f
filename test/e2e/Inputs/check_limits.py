"""The course's limits, checked from the example scripts' outputs.

usage: check_limits.py memorisation LOG.json
         the last epoch's training accuracy >= 0.95 while its test accuracy
         stays near chance (<= 0.2 for 10 classes)
       check_limits.py forgetting OUTPUT.txt BEFORE NEW
         the second run started from the first one's weights (its --init
         line lists every parameter and the input statistics); accuracy on
         classes 0-4 >= 0.7 and within 0.01 of BEFORE after learning them,
         <= 0.05 after then learning classes 5-9, and on classes 5-9 within
         0.01 of NEW (BEFORE and NEW: measured for the test's settings; a
         run is reproducible from its seed, and 0.01 is for the float sums
         of CPUs of other vector widths)
"""
import json
import re
import sys

kind, path = sys.argv[1], sys.argv[2]
if kind == "memorisation":
    last = [json.loads(l) for l in open(path)][-1]
    print(f"training accuracy {last['accuracy']:.4f}, test accuracy {last['test_accuracy']:.4f}")
    assert last["accuracy"] >= 0.95 and last["test_accuracy"] <= 0.2, last
else:
    measured_before, measured_new = float(sys.argv[3]), float(sys.argv[4])
    text = open(path).read()
    loaded = "--init first.safetensors: loaded the input statistics, " + ", ".join(
        f"dense{i}.{kind}" for i in range(3) for kind in ("weight", "bias"))
    assert loaded in text, f"the second run did not start from the first one's weights: no '{loaded}'"
    before = float(re.search(r"classes 0-4 after learning them: .*accuracy ([0-9.]+)", text).group(1))
    after = float(re.search(r"classes 0-4 after learning 5-9: .*accuracy ([0-9.]+)", text).group(1))
    new = float(re.search(r"classes 5-9 after learning 5-9: .*accuracy ([0-9.]+)", text).group(1))
    print(f"classes 0-4: accuracy {before:.4f} before, {after:.4f} after learning 5-9; classes 5-9: {new:.4f}")
    assert before >= 0.7 and abs(before - measured_before) <= 0.01, (before, measured_before)
    assert after <= 0.05, after
    assert abs(new - measured_new) <= 0.01, (new, measured_new)
