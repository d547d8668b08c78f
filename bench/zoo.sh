#!/usr/bin/env bash
# The zoo's examples (issue 13) against the same networks in PyTorch, written
# into bench/RESULTS.md between its "zoo" markers: training samples/s and
# batch-1 latency of `./NAME bench` and of bench/torch_zoo.py under Debian's
# PyTorch 1.13 and, where .venv-bench exists (NNC_WITH_BENCH=1
# scripts/setup.sh), PyTorch 2 eager and torch.compile.
#
#   bench/zoo.sh [REPEATS]     REPEATS: runs of each, in rotating order (default 3)
#
# Same batch (BATCH, default 128), steps (STEPS, default 200) and threads
# (THREADS, default 2) for all; each run reports the median of 3 repeats,
# the section the median over runs and each peer's ratio to nnc. Issue 13's
# bar: the autoencoder trains >= 2x as fast as PyTorch.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/common.sh  # median, field, ratio, cpu_name
REPEATS=${1:-3}
THREADS=${THREADS:-2}
BATCH=${BATCH:-128}
STEPS=${STEPS:-200}
bash scripts/build.sh > /dev/null
OUT=$PWD/bench/out/zoo
rm -rf "$OUT" && mkdir -p "$OUT"
VENV=$PWD/.venv-bench/bin/python
PEERS=(torch1)
[[ -x $VENV ]] && PEERS+=(torch2 compiled)
declare -A LABEL=([nnc]=nnc [torch1]="PyTorch 1.13" [torch2]="PyTorch 2 eager" [compiled]="torch.compile")

one() {  # one WHO MODEL: appends one run's JSON line to $OUT/WHO.MODEL.jsonl
  local args=(--batch "$BATCH" --threads "$THREADS" --steps "$STEPS" --repeats 3)
  case $1 in
    nnc) "$OUT/$2" bench "${args[@]}" ;;
    torch1) /usr/bin/python3 bench/torch_zoo.py --model "$2" "${args[@]}" ;;
    torch2) "$VENV" bench/torch_zoo.py --model "$2" "${args[@]}" ;;
    compiled) "$VENV" bench/torch_zoo.py --model "$2" "${args[@]}" --compile 2> "$OUT/compile.log" ;;
  esac >> "$OUT/$1.$2.jsonl"
}

rows=""
for model in autoencoder; do
  build/compiler/nnc "examples/$model.nn" -o "$OUT/$model"
  who=(nnc "${PEERS[@]}")
  for ((r = 0; r < REPEATS; r++)); do  # rotating order: noise hits every one
    for ((k = 0; k < ${#who[@]}; k++)); do one "${who[$(((k + r) % ${#who[@]}))]}" "$model"; done
  done
  nnc_train=$(field train_samples_per_s < "$OUT/nnc.$model.jsonl" | median)
  nnc_latency=$(field predict_latency_us < "$OUT/nnc.$model.jsonl" | median)
  rows+="| $model | nnc | $nnc_train | – | $nnc_latency | – |"$'\n'
  for peer in "${PEERS[@]}"; do
    train=$(field train_samples_per_s < "$OUT/$peer.$model.jsonl" | median)
    latency=$(field predict_latency_us < "$OUT/$peer.$model.jsonl" | median)
    rows+="| $model | ${LABEL[$peer]} | $train | **$(ratio "$nnc_train" "$train")x** | $latency | $(ratio "$latency" "$nnc_latency")x |"$'\n'
  done
done

section="<!-- zoo: written by bench/zoo.sh; do not edit by hand -->
## The zoo's networks against PyTorch (issue 13)

\`bash bench/zoo.sh $REPEATS\`, $(date -u +%Y-%m-%d), $(cpu_name), $THREADS threads, batch $BATCH, $STEPS train steps per
repeat, medians of $REPEATS runs in rotating order. The same network in PyTorch (bench/torch_zoo.py): Adam, MSE against
the input. \`./model bench\` steps with lr 0.05, PyTorch with 0.002: the value does not change the work. Ratios: nnc's
training speed over the peer's, and the peer's batch-1 latency over nnc's. Issue 13's bar: the autoencoder >= 2x PyTorch.

| model | who | train samples/s | nnc / peer | batch-1 latency µs | peer / nnc |
|---|---|---:|---:|---:|---:|
${rows}<!-- /zoo -->"
printf '%s\n' "$section" | python3 bench/sections.py zoo
echo "zoo: bench/RESULTS.md updated"; printf '%s' "$rows"
