#!/usr/bin/env bash
# Benchmarks nnc against PyTorch on examples/fashion_{mlp,lenet,vgg}.nn and
# writes bench/RESULTS.md.
#
#   bench/run_all.sh [REPEATS]      REPEATS: runs of each program per model and batch (default 5)
#
# Steps: builds nnc (scripts/build.sh); compiles each example with
# build/compiler/nnc three times (its wall time, for the compile-time table);
# measures the machine's fp32 peak once (bench/peak_flops.cpp); then, REPEATS
# times, runs `./NAME bench` and the PyTorch baseline of every model and batch,
# alternating which goes first so that machine noise hits both; then
# bench/report.py renders RESULTS.md; last, bench/peers.sh measures nnc
# against PyTorch 2, torch.compile, JAX and ONNX Runtime and adds its
# section. Raw JSON lines are kept in bench/out/ (git-ignored).
#
# Environment: MODELS (default "mlp lenet vgg"), THREADS (default 2),
# INNER_REPEATS (repeats inside one run, default 3), train steps timed per
# repeat: MLP_STEPS (default $STEPS or 200), LENET_STEPS (default 50),
# VGG_STEPS (default 10; a VGG step at batch 128 takes ~0.1 s).
set -euo pipefail
cd "$(dirname "$0")/.."

REPEATS=${1:-5}
MODELS=${MODELS:-mlp lenet vgg}
THREADS=${THREADS:-2}
INNER_REPEATS=${INNER_REPEATS:-3}
MLP_STEPS=${MLP_STEPS:-${STEPS:-200}}
LENET_STEPS=${LENET_STEPS:-50}
VGG_STEPS=${VGG_STEPS:-10}
COMPILES=3                               # nnc compile-time samples per model
PY=/usr/bin/python3                      # Debian's, which has python3-torch
export PATH="$PWD/.venv/bin:$PATH"       # ninja for CMake

source bench/common.sh                   # NAME, BATCHES, STEPS_OF, TORCH
for m in $MODELS; do
  [[ -n ${NAME[$m]:-} ]] || { echo "run_all: unknown model '$m' in MODELS (mlp, lenet, vgg)" >&2; exit 2; }
done

NNC_WITH_BENCH=1 bash scripts/setup.sh
bash scripts/build.sh
# The tree the programs are built from (taken now: the tree may change while the benches run).
commit=$(git rev-parse --short=12 HEAD 2>/dev/null || echo "none (no commit yet)")
[[ -n $(git status --porcelain --untracked-files=no -- . ':!bench' 2>/dev/null) ]] && commit+=" (+ uncommitted changes)"
mkdir -p build/bench
out=bench/out/$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$out"

# ---- nnc's compile time (wall seconds), COMPILES times each ------------------
for m in $MODELS; do
  n=${NAME[$m]} times=()
  for ((i = 1; i <= COMPILES; i++)); do
    t0=$(date +%s%N)
    build/compiler/nnc "examples/$n.nn" -o "build/bench/$n"
    t1=$(date +%s%N)
    times+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')")
  done
  echo "compile $n: ${times[*]} s" >&2
  printf '{"model":"%s","compile_s":[%s]}\n' "$n" "$(IFS=,; echo "${times[*]}")" >>"$out/compile.jsonl"
done

# ---- the machine's fp32 peak, on the threads the benches use -----------------
g++ -O2 -march=native -pthread bench/peak_flops.cpp -o build/bench/peak_flops
build/bench/peak_flops --threads "$THREADS" >"$out/peak.json"
echo "peak: $(cat "$out/peak.json")" >&2

# ---- nnc and PyTorch, alternating ---------------------------------------------
one() {  # one WHO MODEL BATCH: runs one bench, appends its JSON line to $out/WHO.jsonl
  local line cmd args=(--batch "$3" --threads "$THREADS" --steps "${STEPS_OF[$2]}" --repeats "$INNER_REPEATS")
  case $1 in
    nnc)   line=$("build/bench/${NAME[$2]}" bench "${args[@]}") ;;
    torch) read -ra cmd <<<"${TORCH[$2]}"; line=$("$PY" "${cmd[@]}" "${args[@]}") ;;
  esac
  echo "  $1 ${NAME[$2]} batch $3: $line" >&2
  printf '%s\n' "$line" >>"$out/$1.jsonl"
}

for ((r = 1; r <= REPEATS; r++)); do
  echo "run $r/$REPEATS" >&2
  for m in $MODELS; do
    for b in ${BATCHES[$m]}; do
      if ((r % 2)); then one nnc "$m" "$b"; one torch "$m" "$b"; else one torch "$m" "$b"; one nnc "$m" "$b"; fi
    done
  done
done

# ---- RESULTS.md -----------------------------------------------------------------
per_run="\`bench --batch B --threads $THREADS --steps S --repeats $INNER_REPEATS\` (same arguments for both programs);"
for m in $MODELS; do per_run+=" ${NAME[$m]}: B in ${BATCHES[$m]}, S = ${STEPS_OF[$m]};"; done
per_run+=" $REPEATS runs each, alternating"
"$PY" bench/report.py --nnc "$out/nnc.jsonl" --torch "$out/torch.jsonl" \
  --peak "$out/peak.json" --compile "$out/compile.jsonl" --out bench/RESULTS.md --commit "$commit" \
  --command "MODELS=\"$MODELS\" MLP_STEPS=$MLP_STEPS LENET_STEPS=$LENET_STEPS VGG_STEPS=$VGG_STEPS INNER_REPEATS=$INNER_REPEATS THREADS=$THREADS bench/run_all.sh $REPEATS" \
  --per-run "$per_run"

# ---- the strongest peers (PyTorch 2, torch.compile, JAX, ONNX Runtime) -------
THREADS=$THREADS INNER_REPEATS=$INNER_REPEATS MODELS="$MODELS" MLP_STEPS=$MLP_STEPS LENET_STEPS=$LENET_STEPS \
  VGG_STEPS=$VGG_STEPS bash bench/peers.sh "$REPEATS"
