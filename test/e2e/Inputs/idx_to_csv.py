"""The first N images of a gzipped IDX file as CSV rows of floats in [0, 1],
as the nnc programs read IDX images. Usage: idx_to_csv.py IMAGES.gz N OUT.csv"""
import gzip
import struct
import sys

path, n, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
with gzip.open(path, "rb") as f:
    magic, count, rows, cols = struct.unpack(">IIII", f.read(16))
    assert magic == 0x803, path
    pixels = f.read(n * rows * cols)
with open(out, "w") as csv:
    for s in range(n):
        csv.write(",".join(repr(b / 255.0) for b in pixels[s * rows * cols : (s + 1) * rows * cols]) + "\n")
