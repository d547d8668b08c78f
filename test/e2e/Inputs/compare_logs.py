"""Two training runs' JSON logs (--log) agree epoch by epoch: the loss and
test loss within a relative tolerance, the accuracies within one sample in
TEST_SAMPLES. Usage: compare_logs.py A.json B.json RELATIVE TEST_SAMPLES"""
import json
import sys

a, b = ([json.loads(line) for line in open(path)] for path in sys.argv[1:3])
relative, samples = float(sys.argv[3]), int(sys.argv[4])
assert len(a) == len(b) and a, f"{len(a)} and {len(b)} epochs"
for x, y in zip(a, b):
    for key in ("loss", "test_loss"):
        assert abs(x[key] - y[key]) <= relative * abs(y[key]), f"epoch {x['epoch']}: {key} {x[key]} vs {y[key]}"
    for key in ("accuracy", "test_accuracy"):
        assert abs(x[key] - y[key]) <= 1.0 / samples + 1e-9, f"epoch {x['epoch']}: {key} {x[key]} vs {y[key]}"
    print(f"epoch {x['epoch']}: loss {x['loss']} vs {y['loss']}, test accuracy {x['test_accuracy']} vs {y['test_accuracy']}")
print("the runs agree")
