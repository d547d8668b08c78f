#!/usr/bin/env bash
# nnc's schedules against Halide's Adams2019 autoscheduler (nnc
# --autoschedule) on the same programs, written into bench/RESULTS.md
# between its "autoschedule" markers.
#
#   bench/autoschedule.sh [REPEATS]     REPEATS: alternating runs of each (default 5)
#
# Each model is compiled twice, with and without --autoschedule, and
# `./NAME bench --batch B` runs at the model's train batch B (the batch the
# autoscheduled train_step is compiled for) and measures batch-1 predict
# latency (the autoscheduled predict's batch), at THREADS threads (default 2),
# runs alternating (fashion_vgg: 4 steps a run; Adams2019's VGG takes
# seconds a step). Also the compile time of each.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/common.sh
REPEATS=${1:-5}
THREADS=${THREADS:-2}
MODELS=(${MODELS:-fashion_mlp fashion_lenet fashion_vgg})
bash scripts/build.sh > /dev/null
NNC=$PWD/build/compiler/nnc
OUT=$PWD/bench/out/autoschedule
rm -rf "$OUT" && mkdir -p "$OUT"

rows=""
for name in "${MODELS[@]}"; do
  start=$SECONDS
  "$NNC" "examples/$name.nn" -o "$OUT/$name"
  nnc_compile=$((SECONDS - start)) && start=$SECONDS
  # Halide warns about storage folding in the schedules Adams2019 writes.
  "$NNC" "examples/$name.nn" --autoschedule -o "$OUT/${name}_auto" 2> "$OUT/${name}_auto.warnings"
  auto_compile=$((SECONDS - start))
  batch=$("$OUT/${name}_auto" info | sed -n 's/.*train_step on cpu for batch \([0-9]*\).*/\1/p')
  for kind in nnc auto; do : > "$OUT/$name.$kind.train" && : > "$OUT/$name.$kind.latency"; done
  for ((r = 0; r < REPEATS; r++)); do  # alternating: noise hits both
    for kind in nnc auto; do
      program="$OUT/$name" && [ "$kind" = auto ] && program="$OUT/${name}_auto"
      steps=() && [ "$name" = fashion_vgg ] && steps=(--steps 4 --repeats 1)
      "$program" bench --batch "$batch" --threads "$THREADS" "${steps[@]}" > "$OUT/run.json"
      field train_samples_per_s < "$OUT/run.json" >> "$OUT/$name.$kind.train"
      field predict_latency_us < "$OUT/run.json" >> "$OUT/$name.$kind.latency"
    done
  done
  nt=$(median < "$OUT/$name.nnc.train") at=$(median < "$OUT/$name.auto.train")
  nl=$(median < "$OUT/$name.nnc.latency") al=$(median < "$OUT/$name.auto.latency")
  rows+="| $name | $batch | $nt | $at | $(ratio "$nt" "$at") | $nl | $al | $(ratio "$al" "$nl") | $nnc_compile / $auto_compile |"$'\n'
done

cpu=$(cpu_name)
section="<!-- autoschedule: written by bench/autoschedule.sh; do not edit by hand -->
## nnc's schedules against Halide's autoscheduler (\`nnc --autoschedule\`)

\`bash bench/autoschedule.sh $REPEATS\`, $(date -u +%Y-%m-%d), $cpu, $THREADS threads, medians of $REPEATS alternating runs.
The same program compiled twice; with \`--autoschedule\`, predict (batch 1), evaluate and train_step (the train batch)
are scheduled by Halide's Adams2019 (a greedy search without subtiling, see compiler/codegen/Autoschedule.cpp). Training in
samples/s at the train batch, batch-1 predict latency in µs; each ratio is how many times nnc's schedules are faster.

| model | batch | train, nnc | train, Adams2019 | ratio | latency, nnc | latency, Adams2019 | ratio | compile s, nnc / with --autoschedule |
|---|---|---|---|---|---|---|---|---|
${rows}<!-- /autoschedule -->"
printf '%s\n' "$section" | python3 bench/sections.py autoschedule
echo "autoschedule: bench/RESULTS.md updated"; printf '%s' "$rows"
