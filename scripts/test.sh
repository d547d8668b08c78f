#!/usr/bin/env bash
# The whole test suite: unit tests (GoogleTest), compiler tests (lit +
# FileCheck) and end-to-end training runs. Builds first.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
export PATH="$PWD/.venv/bin:$PATH"
cd build
ctest --output-on-failure "$@"
