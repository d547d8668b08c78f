#!/usr/bin/env bash
# Builds nnc, its runtime and its tests into build/ (Release). Installs what
# is missing first (scripts/setup.sh). Idempotent and incremental.
#
#   scripts/build.sh             build/
#   scripts/build.sh --sanitize  build-sanitize/: ASan and UBSan in nnc, its
#                                runtime, its tests and the code it generates
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PATH="$PWD/.venv/bin:$PATH"
build=build
configure=(-DCMAKE_BUILD_TYPE=Release)
if [[ "${1:-}" == --sanitize ]]; then
  build=build-sanitize
  configure=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DNNC_SANITIZE=ON)
fi
if [[ ! -f $build/build.ninja ]]; then
  cmake -S . -B "$build" -G Ninja "${configure[@]}"
fi
cmake --build "$build" -j "$(nproc)"
