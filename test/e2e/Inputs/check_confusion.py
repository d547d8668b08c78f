"""Checks eval --per-class --json against the definitions, from its own
confusion matrix: the matrix sums to the sample count, the accuracy is its
trace over that count (and equals the accuracy a plain `eval` printed into
PLAIN.txt), and each class's PPV, TPR, FPR and error rate are recomputed one
against the rest.

usage: check_confusion.py EVAL.json PLAIN.txt
"""
import json
import math
import sys

report = json.load(open(sys.argv[1]))
plain = open(sys.argv[2]).read().split()
plain_accuracy = float(plain[plain.index("accuracy") + 1])
per_class = report["per_class"]
matrix = per_class["confusion"]
n = len(matrix)
total = sum(map(sum, matrix))
assert total == report["samples"] == per_class["samples"], (total, report["samples"])
trace = sum(matrix[k][k] for k in range(n))
assert math.isclose(trace / total, report["accuracy"], rel_tol=1e-6)
assert math.isclose(report["accuracy"], plain_accuracy, abs_tol=5e-5), (report["accuracy"], plain_accuracy)
for k, row in enumerate(per_class["per_class"]):
    tp = matrix[k][k]
    fp = sum(matrix[j][k] for j in range(n)) - tp
    fn = sum(matrix[k]) - tp
    tn = total - tp - fp - fn
    assert row["class"] == k and row["samples"] == tp + fn
    for name, value in [("ppv", tp / (tp + fp) if tp + fp else None), ("tpr", tp / (tp + fn) if tp + fn else None),
                        ("fpr", fp / (fp + tn) if fp + tn else None)]:
        assert (row[name] is None) == (value is None) and (value is None or math.isclose(row[name], value, rel_tol=1e-9)), (k, name)
    if row["ppv"] is not None:
        assert math.isclose(row["error_rate"], 1 - row["ppv"], rel_tol=1e-9)
print(f"{n} classes, {total} samples, accuracy {trace / total:.4f}")
