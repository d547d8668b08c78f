#!/usr/bin/env bash
# Benchmarks nnc against PyTorch on examples/fashion_mlp.nn and writes bench/RESULTS.md.
#
#   bench/run_mlp.sh [REPEATS]      REPEATS: runs of each program per batch size (default 5)
#
# Environment: STEPS (train steps timed per repeat, default 200), INNER_REPEATS
# (repeats inside one run, default 3), THREADS (default 2).
# nnc and PyTorch runs alternate, so that machine noise hits both; raw JSON
# lines are kept in bench/out/ (git-ignored).
set -euo pipefail
cd "$(dirname "$0")/.."

REPEATS=${1:-5}
STEPS=${STEPS:-200}
INNER_REPEATS=${INNER_REPEATS:-3}
THREADS=${THREADS:-2}
BATCHES=(32 128)
PY=/usr/bin/python3                      # Debian's, which has python3-torch
export PATH="$PWD/.venv/bin:$PATH"       # ninja for CMake

NNC_WITH_BENCH=1 bash scripts/setup.sh
bash scripts/build.sh
mkdir -p build/bench
build/compiler/nnc examples/fashion_mlp.nn -o build/bench/fashion_mlp

out=bench/out/$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$out"
args=(--threads "$THREADS" --steps "$STEPS" --repeats "$INNER_REPEATS")

one() {  # one NAME BATCH: runs one bench, appends its JSON line to $out/NAME.jsonl
  local line
  case $1 in
    nnc)   line=$(build/bench/fashion_mlp bench --batch "$2" "${args[@]}") ;;
    torch) line=$("$PY" bench/torch_mlp.py --batch "$2" "${args[@]}") ;;
  esac
  echo "  $1 batch $2: $line" >&2
  printf '%s\n' "$line" >>"$out/$1.jsonl"
}

for ((r = 1; r <= REPEATS; r++)); do
  echo "run $r/$REPEATS" >&2
  for b in "${BATCHES[@]}"; do
    if ((r % 2)); then one nnc "$b"; one torch "$b"; else one torch "$b"; one nnc "$b"; fi
  done
done

commit=$(git rev-parse --short=12 HEAD 2>/dev/null || echo "none (no commit yet)")
[[ -n $(git status --porcelain --untracked-files=no 2>/dev/null) ]] && commit+=" (+ uncommitted changes)"
"$PY" bench/report.py --nnc "$out/nnc.jsonl" --torch "$out/torch.jsonl" --out bench/RESULTS.md \
  --commit "$commit" --command "STEPS=$STEPS INNER_REPEATS=$INNER_REPEATS THREADS=$THREADS bench/run_mlp.sh $REPEATS" \
  --per-run "\`bench --batch B ${args[*]}\` (same arguments for both programs), B in ${BATCHES[*]}; $REPEATS runs each, alternating"
