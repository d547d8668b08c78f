"""Writes the files of size-limits.nn into DIR: models of compile cost 640
and 641 (a chain of relus, cost 1 each, and a dense layer, cost 4), and valid
models padded with comments to 8 MiB and to 8 MiB and one byte."""
import os
import sys

out = sys.argv[1]
os.makedirs(out, exist_ok=True)


def chain(cost):
    stages = " -> relu" * (cost - 4) + " -> dense(4)"
    return f"model deep {{\n  input x: f32[4]\n  target t: f32[4]\n  y = x{stages}\n  loss squared_error(y, t)\n}}\n"


for cost in (640, 641):
    open(os.path.join(out, f"cost-{cost}.nn"), "w").write(chain(cost))

model = "model big {\n  input x: f32[2]\n  target t: f32[1]\n  y = x -> dense(1)\n  loss squared_error(y, t)\n}\n"
limit = 8 * 1024 * 1024
line = "#" + "x" * 98 + "\n"
lines = (limit - len(model)) // len(line)
text = model + line * lines
text += "#" * (limit - len(text) - 1) + "\n"
assert len(text) == limit
for n in (limit, limit + 1):
    open(os.path.join(out, f"bytes-{n}.nn"), "w").write(text + "\n" * (n - limit))
