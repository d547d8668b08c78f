#!/usr/bin/env bash
# Installs nnc into PREFIX (default /usr/local): PREFIX/bin/nnc, its runtime
# and headers in PREFIX/lib/nnc and PREFIX/include/nnc, the standard library
# in PREFIX/share/nnc/stdlib. An installed nnc needs only g++ (and zlib's
# headers for programs) to write libraries and programs.
#
#   bash scripts/install.sh [PREFIX]
set -euo pipefail
cd "$(dirname "$0")/.."
prefix="${1:-/usr/local}"
bash scripts/build.sh
.venv/bin/cmake --install build --prefix "$prefix"
echo "install: nnc is $prefix/bin/nnc"
