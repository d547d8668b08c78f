"""Checks the table of `tune`: ROWS combinations, one per line after the
header, ranked by validation loss (ascending), every combination of the
grids present once.

usage: check_tune.py TABLE.txt NAME=V1,V2 [NAME=V1,V2 ...]
"""
import itertools
import sys

lines = open(sys.argv[1]).read().splitlines()
grids = [(g.split("=")[0], [float(v) for v in g.split("=")[1].split(",")]) for g in sys.argv[2:]]
header = lines[0].split()
assert header[: 1 + len(grids)] == ["rank"] + [name for name, _ in grids], header
rows = [line.split() for line in lines[1:]]
assert [int(r[0]) for r in rows] == list(range(1, len(rows) + 1))
combos = sorted(tuple(float(x) for x in r[1 : 1 + len(grids)]) for r in rows)
assert combos == sorted(itertools.product(*[values for _, values in grids])), combos
losses = [float(r[1 + len(grids)]) for r in rows]
assert losses == sorted(losses), losses
print(f"{len(rows)} combinations ranked; best val_loss {losses[0]}")
