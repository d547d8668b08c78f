"""Checks that a denoising autoencoder's predict leaves its input clean: the
mean squared error of PREDICTIONS (predict's rows) to the images of
IMAGES_CSV (the clean inputs) is below NOISY_LOSS, eval's loss, in which the
same network saw the images with noise.
usage: check_denoising.py IMAGES_CSV PREDICTIONS NOISY_LOSS"""
import sys

images = [[float(v) for v in line.split(",")] for line in open(sys.argv[1])]
predicted = [[float(v) for v in line.split()] for line in open(sys.argv[2])]
noisy_loss = float(sys.argv[3])
assert len(images) == len(predicted) and all(len(a) == len(b) for a, b in zip(images, predicted))
n = sum(len(row) for row in images)
clean_loss = sum((p - x) ** 2 for a, b in zip(images, predicted) for x, p in zip(a, b)) / n
print(f"mse of predict on clean images {clean_loss:.5f}; eval's, on noisy ones, {noisy_loss:.5f}")
assert clean_loss < noisy_loss, "predict's input was corrupted too, or eval's was not"
