#!/usr/bin/env bash
# The course's limit "networks can memorise": fashion_mlp trained on a few
# thousand images whose labels were replaced by random ones. Training accuracy
# climbs far above chance while test accuracy stays at chance (0.1): the
# network learns the samples by heart, since there is nothing to generalise.
#
#   examples/memorisation.sh [WORKDIR]   (default build/examples/memorisation)
# EPOCHS (default 100) and LIMIT (default 1000 training images).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=${1:-$root/build/examples/memorisation}
mkdir -p "$work" && cd "$work"
${NNC:-$root/build/compiler/nnc} "$root/examples/fashion_mlp.nn" -o fashion_mlp
./fashion_mlp train --random-labels --limit "${LIMIT:-1000}" --epochs "${EPOCHS:-100}" \
  --log memorisation.json --plot memorisation.svg --checkpoint memorisation.checkpoint --save memorisation.safetensors
