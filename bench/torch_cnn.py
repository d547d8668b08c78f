#!/usr/bin/python3
"""PyTorch baselines for `nnc`'s `./model bench` on the convolutional examples.

  --model lenet   examples/fashion_lenet.nn: conv 6@5x5 pad 2, relu, maxpool 2,
                  conv 16@5x5, relu, maxpool 2, flatten, dense 120 relu,
                  dense 84 relu, dense 10
  --model vgg     examples/fashion_vgg.nn: conv 32@3x3 pad 1 relu, conv 32@3x3
                  pad 1 relu, maxpool 2, conv 64@3x3 pad 1 relu, conv 64@3x3
                  pad 1 relu, maxpool 2, flatten, dense 256 relu, dense 10

Inputs [B, 1, 28, 28] float32 (random), random int64 labels, convolutions and
dense layers with bias, cross-entropy with softmax fused (mean over the batch),
SGD(lr=0.02, momentum=0.9) as in the .nn files' train blocks. Same harness,
JSON keys and statistics as bench/torch_mlp.py: train_step_ms is the median
over --repeats of the mean time of --steps train steps (after --warmup),
predict_latency_us the median batch-1 prediction (forward + softmax).

Run with Debian's interpreter:
  /usr/bin/python3 bench/torch_cnn.py --model lenet --batch 128 --threads 2
"""
import torch_mlp  # the shared harness, next to this file


def lenet(nn):
    return nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),   # 6 x 14 x 14
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),             # 16 x 5 x 5
        nn.Flatten(),
        nn.Linear(16 * 5 * 5, 120), nn.ReLU(),
        nn.Linear(120, 84), nn.ReLU(),
        nn.Linear(84, 10),
    )


def vgg(nn):
    return nn.Sequential(
        nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(),
        nn.Conv2d(32, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),  # 32 x 14 x 14
        nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(),
        nn.Conv2d(64, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),  # 64 x 7 x 7
        nn.Flatten(),
        nn.Linear(64 * 7 * 7, 256), nn.ReLU(),
        nn.Linear(256, 10),
    )


MODELS = {"lenet": ("fashion_lenet", lenet), "vgg": ("fashion_vgg", vgg)}


def main():
    a = torch_mlp.parse_args(
        __doc__, lambda p: p.add_argument("--model", choices=sorted(MODELS), required=True),
        warmup=5)
    name, make = MODELS[a.model]
    torch_mlp.bench(a, name, make, (1, 28, 28), lr=0.02)


if __name__ == "__main__":
    main()
