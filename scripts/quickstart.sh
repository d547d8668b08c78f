#!/usr/bin/env bash
# The main job: build nnc, compile examples/fashion_mlp.nn into a program,
# train it on Fashion-MNIST (5 epochs) and print its test accuracy.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
mkdir -p build/quickstart
cd build/quickstart
echo "== nnc examples/fashion_mlp.nn -o fashion_mlp"
time ../compiler/nnc ../../examples/fashion_mlp.nn -o fashion_mlp
./fashion_mlp info
echo "== ./fashion_mlp train"
./fashion_mlp train --log train_log.json
echo "== ./fashion_mlp eval (Fashion-MNIST test set, 10000 images)"
./fashion_mlp eval
