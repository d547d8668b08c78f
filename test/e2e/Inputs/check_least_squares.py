"""Compares a dense(1) layer's weights with the least-squares fit of a CSV set.

usage: check_least_squares.py DATA.csv WEIGHTS.safetensors TOLERANCE
The safetensors file is parsed by hand (8-byte header length, JSON header,
raw little-endian f32 data) so the check depends on nothing nnc wrote.
"""
import json
import struct
import sys

import numpy as np

from safetensors_file import read_safetensors


data_path, weights_path, tolerance = sys.argv[1], sys.argv[2], float(sys.argv[3])
rows = np.loadtxt(data_path, delimiter=",", comments="#", skiprows=2)
inputs, target = rows[:, :-1], rows[:, -1]
design = np.c_[inputs, np.ones(len(rows))]
expected = np.linalg.lstsq(design, target, rcond=None)[0]
w = read_safetensors(weights_path)
got = np.r_[w["dense0.weight"][:, 0], w["dense0.bias"]]
error = np.max(np.abs(got - expected))
print("least squares", expected, "trained", got, "max error", error)
sys.exit(0 if error <= tolerance else 1)
