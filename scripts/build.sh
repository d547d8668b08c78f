#!/usr/bin/env bash
# Builds nnc, its runtime and its tests into build/ (Release). Installs what
# is missing first (scripts/setup.sh). Idempotent and incremental.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PATH="$PWD/.venv/bin:$PATH"
if [[ ! -f build/build.ninja ]]; then
  cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release
fi
cmake --build build -j "$(nproc)"
