#!/usr/bin/env bash
# The same examples compiled for this machine (--target host) and for any
# x86-64 with AVX2 and FMA (--target x86-64-linux-avx2-fma, what a program
# meant for other machines is built with), timed side by side and written into
# bench/RESULTS.md between its "avx2" markers: the schedules are not tuned to
# one microarchitecture, so the AVX2 build should keep most of the speed
# (half the vector width where the host has AVX-512).
#
#   bench/avx2.sh [REPEATS]     REPEATS: alternating runs of each (default 3)
#
# Training samples/s at each model's largest train batch (bench/common.sh)
# and batch-1 latency, THREADS threads (default 2), medians of REPEATS
# alternating runs. Also checks that both builds reach the same loss after
# the same steps.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/common.sh
REPEATS=${1:-3}
THREADS=${THREADS:-2}
bash scripts/build.sh > /dev/null
NNC=$PWD/build/compiler/nnc
OUT=$PWD/bench/out/avx2
rm -rf "$OUT" && mkdir -p "$OUT"

rows=""
for m in mlp lenet vgg; do
  name=${NAME[$m]} batch=${BATCHES[$m]##* }  # the largest train batch
  "$NNC" "examples/$name.nn" -o "$OUT/$name.host"
  "$NNC" "examples/$name.nn" --target x86-64-linux-avx2-fma -o "$OUT/$name.avx2"
  for kind in host avx2; do : > "$OUT/$name.$kind.train" && : > "$OUT/$name.$kind.latency"; done
  for ((r = 0; r < REPEATS; r++)); do  # alternating: noise hits both
    for kind in host avx2; do
      "$OUT/$name.$kind" bench --batch "$batch" --threads "$THREADS" --steps "${STEPS_OF[$m]}" \
        > "$OUT/run.json"
      field train_samples_per_s < "$OUT/run.json" >> "$OUT/$name.$kind.train"
      field predict_latency_us < "$OUT/run.json" >> "$OUT/$name.$kind.latency"
    done
  done
  # Correct as well as fast: a short training run ends at the same loss.
  for kind in host avx2; do
    "$OUT/$name.$kind" train --epochs 1 --limit 2048 --seed 1 --save "$OUT/$name.$kind.safetensors" \
      --checkpoint "$OUT/$name.$kind.checkpoint.safetensors" 2>&1 \
      | sed -n 's/.*  loss \([0-9.]*\).*/\1/p' | tail -1 > "$OUT/$name.$kind.loss"
  done
  ht=$(median < "$OUT/$name.host.train") at=$(median < "$OUT/$name.avx2.train")
  hl=$(median < "$OUT/$name.host.latency") al=$(median < "$OUT/$name.avx2.latency")
  rows+="| $name | $batch | $ht | $at | $(ratio "$at" "$ht") | $hl | $al | $(ratio "$hl" "$al") | $(cat "$OUT/$name.host.loss") / $(cat "$OUT/$name.avx2.loss") |"$'\n'
done

section="<!-- avx2: written by bench/avx2.sh; do not edit by hand -->
## The same programs for AVX2-only machines (\`--target x86-64-linux-avx2-fma\`)

\`bash bench/avx2.sh $REPEATS\`, $(date -u +%Y-%m-%d), $(cpu_name), $THREADS threads, medians of $REPEATS alternating runs.
Each example compiled for this machine (\`host\`) and for any x86-64 with AVX2 and FMA, run on this machine. Training in
samples/s, batch-1 latency in µs; each ratio is the AVX2 build's speed as a share of the host build's. Last column: the
training loss after one epoch of 2,048 images, seed 1, host / AVX2.

| model | batch | train, host | train, AVX2 | AVX2 / host | latency, host | latency, AVX2 | AVX2 / host | loss, host / AVX2 |
|---|---|---|---|---|---|---|---|---|
${rows}<!-- /avx2 -->"
printf '%s\n' "$section" | python3 bench/sections.py avx2
echo "avx2: bench/RESULTS.md updated"; printf '%s' "$rows"
