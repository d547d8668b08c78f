#!/usr/bin/env bash
# Fine-tuning: pre-train fashion_mlp on Fashion-MNIST classes 0-4 (T-shirt,
# trouser, pullover, dress, coat), then train only the head of
# fashion_mlp_finetune (hidden layers frozen) on classes 5-9 (sandal, shirt,
# sneaker, bag, ankle boot), starting from the pre-trained weights.
#
#   examples/finetune.sh [WORKDIR]      (default build/examples/finetune)
# EPOCHS and LIMIT (samples per split, 0: all) shorten it for tests.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=${1:-$root/build/examples/finetune}
epochs=${EPOCHS:-3} limit=${LIMIT:-0}
mkdir -p "$work" && cd "$work"
nnc=${NNC:-$root/build/compiler/nnc}
$nnc "$root/examples/fashion_mlp.nn" -o base
$nnc "$root/examples/fashion_mlp_finetune.nn" -o finetune
limit_flag=$([[ $limit -gt 0 ]] && echo "--limit $limit" || true)

echo "== pre-training on classes 0-4"
./base train --classes 0-4 --epochs "$epochs" $limit_flag --save base.safetensors --checkpoint base.checkpoint
./base eval --classes 5-9 --weights base.safetensors | sed 's/^/classes 5-9 before fine-tuning: /'
echo "== fine-tuning the head on classes 5-9 (dense0 and dense1 frozen)"
./finetune train --init base.safetensors --classes 5-9 --epochs "$epochs" $limit_flag --save finetune.safetensors \
  --checkpoint finetune.checkpoint
./finetune eval --classes 5-9 --weights finetune.safetensors | sed 's/^/classes 5-9 after fine-tuning: /'
