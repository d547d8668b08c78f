"""Checks a VAE's training log (one JSON object per epoch): the test loss,
the negative ELBO per pixel, falls every epoch, and the last one times
PIXELS (the negative ELBO in nats per image) is at most MOST.
usage: check_elbo.py LOG PIXELS MOST"""
import json
import sys

losses = [json.loads(line)["test_loss"] for line in open(sys.argv[1])]
pixels, most = int(sys.argv[2]), float(sys.argv[3])
print("negative ELBO per image (nats):", " ".join(f"{v * pixels:.1f}" for v in losses))
assert all(b < a for a, b in zip(losses, losses[1:])), "the ELBO did not improve every epoch"
assert losses[-1] * pixels <= most, f"negative ELBO {losses[-1] * pixels:.1f} > {most}"
