#!/usr/bin/env bash
# The course's limit "catastrophic forgetting": fashion_mlp learns classes 0-4,
# then goes on training (from those weights) on classes 5-9 only. Its accuracy
# on classes 0-4, measured before and after, collapses: nothing in plain SGD
# keeps what the first task needed.
#
#   examples/forgetting.sh [WORKDIR]     (default build/examples/forgetting)
# EPOCHS and LIMIT (samples per split, 0: all) shorten it for tests.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=${1:-$root/build/examples/forgetting}
epochs=${EPOCHS:-3} limit=${LIMIT:-0}
mkdir -p "$work" && cd "$work"
${NNC:-$root/build/compiler/nnc} "$root/examples/fashion_mlp.nn" -o fashion_mlp
limit_flag=$([[ $limit -gt 0 ]] && echo "--limit $limit" || true)

evaluate() { ./fashion_mlp eval --classes "$1" --weights "$2" $limit_flag; }

./fashion_mlp train --classes 0-4 --epochs "$epochs" $limit_flag --save first.safetensors --checkpoint first.checkpoint
learnt=$(evaluate 0-4 first.safetensors)
./fashion_mlp train --init first.safetensors --classes 5-9 --epochs "$epochs" $limit_flag --save second.safetensors \
  --checkpoint second.checkpoint
forgotten=$(evaluate 0-4 second.safetensors)
new=$(evaluate 5-9 second.safetensors)
echo "classes 0-4 after learning them:     $learnt"
echo "classes 0-4 after learning 5-9:       $forgotten"
echo "classes 5-9 after learning 5-9:       $new"
