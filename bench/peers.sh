#!/usr/bin/env bash
# nnc against the strongest CPU peers on the three examples, written into
# bench/RESULTS.md between its "peers" markers (bench/peers_report.py):
# PyTorch 2 eager and torch.compile (bench/torch_mlp.py, bench/torch_cnn.py),
# JAX jit (bench/jax_models.py) for training, and ONNX Runtime at its best
# thread setting (bench/ort_latency.py) for batch-1 latency.
#
#   bench/peers.sh [REPEATS]     REPEATS: runs of each, in rotating order (default 3)
#
# The peers run from .venv-bench (NNC_WITH_BENCH=1 scripts/setup.sh makes
# it). Same model, batch, steps (bench/common.sh's tables) and threads
# (THREADS, default 2) for all; each run reports the median of INNER_REPEATS
# repeats, the section the median over runs, the ratios to the best peer,
# and each one's share of the FMA peak measured by bench/peak_flops.cpp.
# bench/run_all.sh calls it last.
set -euo pipefail
cd "$(dirname "$0")/.."
REPEATS=${1:-3}
THREADS=${THREADS:-2}
INNER_REPEATS=${INNER_REPEATS:-3}
PY=$PWD/.venv-bench/bin/python
[[ -x $PY ]] || { echo "peers: error: $PY is missing; run NNC_WITH_BENCH=1 bash scripts/setup.sh" >&2; exit 1; }
bash scripts/build.sh > /dev/null
OUT=$PWD/bench/out/peers
rm -rf "$OUT" && mkdir -p "$OUT/bin"

source bench/common.sh  # NAME, BATCHES, STEPS_OF, TORCH
MODELS=(${MODELS:-mlp lenet vgg})
for m in "${MODELS[@]}"; do build/compiler/nnc "examples/${NAME[$m]}.nn" -o "$OUT/bin/${NAME[$m]}"; done
g++ -O2 -march=native -pthread bench/peak_flops.cpp -o "$OUT/bin/peak_flops"
"$OUT/bin/peak_flops" --threads "$THREADS" > "$OUT/peak.json"

one() {  # one WHO MODEL BATCH: appends one run's JSON line to $OUT/WHO.jsonl
  local cmd line args=(--batch "$3" --threads "$THREADS" --steps "${STEPS_OF[$2]}" --repeats "$INNER_REPEATS")
  case $1 in
    nnc) line=$("$OUT/bin/${NAME[$2]}" bench "${args[@]}") ;;
    torch) read -ra cmd <<<"${TORCH[$2]}"; line=$("$PY" "${cmd[@]}" "${args[@]}") ;;
    compiled) read -ra cmd <<<"${TORCH[$2]}"; line=$("$PY" "${cmd[@]}" "${args[@]}" --compile 2> "$OUT/compile.log") ;;
    jax) line=$("$PY" bench/jax_models.py --model "$2" "${args[@]}") ;;
  esac
  echo "  $1 ${NAME[$2]} batch $3: $line" >&2
  printf '%s\n' "$line" >> "$OUT/$1.jsonl"
}

WHO=(nnc torch compiled jax)
for ((r = 0; r < REPEATS; r++)); do
  echo "peers: run $((r + 1))/$REPEATS" >&2
  for m in "${MODELS[@]}"; do
    for b in ${BATCHES[$m]}; do
      for ((k = 0; k < ${#WHO[@]}; k++)); do one "${WHO[$(((k + r) % ${#WHO[@]}))]}" "$m" "$b"; done
    done
    "$PY" bench/ort_latency.py --model "$m" --threads "$THREADS" >> "$OUT/ort.jsonl"
  done
done

"$PY" bench/peers_report.py --dir "$OUT" --command "bash bench/peers.sh $REPEATS" \
  --per-run "THREADS=$THREADS, INNER_REPEATS=$INNER_REPEATS, steps per repeat: mlp ${STEPS_OF[mlp]}, lenet ${STEPS_OF[lenet]}, vgg ${STEPS_OF[vgg]}"
