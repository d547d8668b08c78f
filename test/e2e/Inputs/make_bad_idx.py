"""Writes broken IDX directories for bad_data.test from the real test split.

usage: make_bad_idx.py OUT_DIR
  OUT_DIR/swapped/    a labels file where the images file should be (wrong magic)
  OUT_DIR/truncated/  an images file cut short (raw, not gzipped)
"""
import gzip
import os
import sys

src = "/usr/share/datasets/fashion-mnist"
out = sys.argv[1]
labels = gzip.open(os.path.join(src, "t10k-labels-idx1-ubyte.gz")).read()
images = gzip.open(os.path.join(src, "t10k-images-idx3-ubyte.gz")).read()
for d in ("swapped", "truncated"):
    os.makedirs(os.path.join(out, d), exist_ok=True)
open(os.path.join(out, "swapped", "train-images-idx3-ubyte"), "wb").write(labels)
open(os.path.join(out, "swapped", "train-labels-idx1-ubyte"), "wb").write(labels)
open(os.path.join(out, "truncated", "train-images-idx3-ubyte"), "wb").write(images[:100000])
open(os.path.join(out, "truncated", "train-labels-idx1-ubyte"), "wb").write(labels)
