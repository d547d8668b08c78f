#!/usr/bin/env bash
# Benchmarks nnc against PyTorch on examples/fashion_mlp.nn only and writes
# bench/RESULTS.md: bench/run_all.sh with MODELS=mlp (see there).
#
#   bench/run_mlp.sh [REPEATS]      REPEATS: runs of each program per batch size (default 5)
#
# Environment: STEPS (train steps timed per repeat, default 200), INNER_REPEATS
# (repeats inside one run, default 3), THREADS (default 2).
set -euo pipefail
MODELS=mlp exec bash "$(dirname "$0")/run_all.sh" "$@"
