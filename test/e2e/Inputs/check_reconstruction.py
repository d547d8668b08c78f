"""Checks an autoencoder's reconstructions: the mean squared error of
RECONSTRUCTIONS (predict's rows) to the images of IMAGES_CSV, computed here,
is at most MOST.
usage: check_reconstruction.py IMAGES_CSV RECONSTRUCTIONS MOST"""
import sys

images = [[float(v) for v in line.split(",")] for line in open(sys.argv[1])]
rebuilt = [[float(v) for v in line.split()] for line in open(sys.argv[2])]
most = float(sys.argv[3])
assert len(images) == len(rebuilt) and all(len(a) == len(b) for a, b in zip(images, rebuilt))
mse = sum((r - x) ** 2 for a, b in zip(images, rebuilt) for x, r in zip(a, b)) / sum(map(len, images))
print(f"reconstruction mse {mse:.5f} (at most {most})")
assert mse <= most, f"mse {mse:.5f} > {most}"
