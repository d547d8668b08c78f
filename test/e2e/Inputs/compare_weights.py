"""Compares tensors of two safetensors files.

usage: compare_weights.py same|differ A.safetensors B.safetensors [NAME...]
  same    every named tensor (all tensors of A when none are named) is
          bit-identical in B
  differ  every named tensor differs somewhere between A and B
Exits 1 with a line per failing tensor.
"""
import sys

import numpy as np

from safetensors_file import read_safetensors

mode, a_path, b_path, names = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
a, b = read_safetensors(a_path), read_safetensors(b_path)
failed = False
for name in names or sorted(a):
    if name not in a or name not in b:
        print(f"{name}: missing in {a_path if name not in a else b_path}")
        failed = True
        continue
    equal = a[name].shape == b[name].shape and np.array_equal(a[name].view(np.uint32), b[name].view(np.uint32))
    if (mode == "same") != equal:
        print(f"{name}: {'differs' if mode == 'same' else 'is unchanged'}")
        failed = True
sys.exit(1 if failed else 0)
