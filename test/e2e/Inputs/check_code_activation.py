"""Checks a sparse code: the mean of CODES (predict's rows of a model whose
output is the code) is at most MOST.
usage: check_code_activation.py CODES MOST"""
import sys

codes = [[float(v) for v in line.split()] for line in open(sys.argv[1])]
most = float(sys.argv[2])
values = [v for row in codes for v in row]
activation = sum(values) / len(values)
zeros = sum(v == 0 for v in values) / len(values)
print(f"mean activation of the code {activation:.4f} ({zeros:.1%} zeros; at most {most})")
assert activation <= most, f"mean activation {activation:.4f} > {most}"
