"""The course's limits, checked from the example scripts' outputs.

usage: check_limits.py memorisation LOG.json
         the last epoch's training accuracy >= 0.95 while its test accuracy
         stays near chance (<= 0.2 for 10 classes)
       check_limits.py forgetting OUTPUT.txt
         accuracy on classes 0-4 >= 0.7 after learning them, <= 0.3 after
         then learning classes 5-9
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
    text = open(path).read()
    before = float(re.search(r"classes 0-4 after learning them: .*accuracy ([0-9.]+)", text).group(1))
    after = float(re.search(r"classes 0-4 after learning 5-9: .*accuracy ([0-9.]+)", text).group(1))
    print(f"classes 0-4: accuracy {before:.4f} before, {after:.4f} after learning 5-9")
    assert before >= 0.7 and after <= 0.3, (before, after)
