#!/usr/bin/python3
"""PyTorch baselines for `nnc`'s `./model bench` on the zoo's examples
(issue 13), timed by the harness of bench/torch_mlp.py (same JSON keys and
statistics).

  --model autoencoder   examples/autoencoder.nn: Linear 784-128 ReLU,
                        128-32 ReLU, 32-128 ReLU, 128-784 Sigmoid; MSE against
                        the input itself; Adam (the .nn file's optimizer)

Inputs are random float32 in [0, 1). Run with Debian's interpreter or the
bench venv's (PyTorch 2):
  /usr/bin/python3 bench/torch_zoo.py --model autoencoder --batch 128 --threads 2
"""
import torch_mlp  # the shared harness, next to this file


def autoencoder(nn):
    return nn.Sequential(
        nn.Linear(784, 128), nn.ReLU(),
        nn.Linear(128, 32), nn.ReLU(),
        nn.Linear(32, 128), nn.ReLU(),
        nn.Linear(128, 784), nn.Sigmoid(),
    )


# name: (example, model, input shape, optimizer, loss)
MODELS = {"autoencoder": ("autoencoder", autoencoder, (784,), "adam", "mse")}


def main():
    a = torch_mlp.parse_args(__doc__, lambda p: p.add_argument("--model", choices=sorted(MODELS), required=True))
    name, make, shape, optimizer, loss = MODELS[a.model]
    torch_mlp.bench(a, name, make, shape, lr=0.002, optimizer=optimizer, loss=loss)


if __name__ == "__main__":
    main()
