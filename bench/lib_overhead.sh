#!/usr/bin/env bash
# The generated libraries: the C API's per-call overhead and the libraries'
# sizes, written into bench/RESULTS.md between its "library" markers.
#
#   bench/lib_overhead.sh [REPEATS]     REPEATS: alternating runs of each (default 7)
#
# For fashion_mlp and fashion_lenet: batch-1 predict latency (median of 2000
# calls after 200 of warm-up, inputs standardised as both models do) through
# the C API (bench/lib_predict.c linked with the static library) against
# `./NAME bench`'s predict_latency_us, the same calls' path in the program,
# at THREADS threads (default 2), runs alternating; then the sizes of the static and shared libraries (full and
# --inference-only) and of the inference-only C program linked statically
# from its .a, stripped.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/common.sh
REPEATS=${1:-7}
THREADS=${THREADS:-2}
bash scripts/build.sh > /dev/null
NNC=$PWD/build/compiler/nnc
OUT=$PWD/bench/out/lib
rm -rf "$OUT" && mkdir -p "$OUT"

rows_latency="" rows_size=""
for name in fashion_mlp fashion_lenet; do
  "$NNC" "examples/$name.nn" -o "$OUT/$name"
  "$NNC" "examples/$name.nn" --lib -o "$OUT/full/$name"
  "$NNC" "examples/$name.nn" --lib --inference-only -o "$OUT/inference/$name"
  for kind in full inference; do
    cc -O2 -DMODEL="$name" -DHEADER="\"$name.h\"" bench/lib_predict.c \
      $(PKG_CONFIG_PATH="$OUT/$kind" pkg-config --cflags --libs "$name") -o "$OUT/$kind/predict_$name"
  done
  strip -o "$OUT/inference/predict_$name.stripped" "$OUT/inference/predict_$name"
  : > "$OUT/$name.program" && : > "$OUT/$name.api"
  for ((r = 0; r < REPEATS; r++)); do  # alternating: noise hits both
    "$OUT/$name" bench --steps 1 --repeats 1 --threads "$THREADS" | field predict_latency_us >> "$OUT/$name.program"
    "$OUT/full/predict_$name" "$THREADS" | field api_predict_latency_us >> "$OUT/$name.api"
  done
  program=$(median < "$OUT/$name.program") api=$(median < "$OUT/$name.api")
  rows_latency+="| $name | $program | $api | $(awk -v a="$api" -v p="$program" 'BEGIN {printf "%.3f", a / p}') |"$'\n'
  size() { awk -v b="$(stat -c %s "$1")" 'BEGIN {printf "%.2f MB", b / 1e6}'; }
  rows_size+="| $name | $(size "$OUT/full/lib$name.a") | $(size "$OUT/inference/lib$name.a") | $(size "$OUT/full/lib$name.so") | $(size "$OUT/inference/lib$name.so") | $(size "$OUT/inference/predict_$name.stripped") |"$'\n'
done

cpu=$(cpu_name)
section="<!-- library: written by bench/lib_overhead.sh; do not edit by hand -->
## Generated libraries (\`nnc --lib\`)

\`bash bench/lib_overhead.sh $REPEATS\`, $(date -u +%Y-%m-%d), $cpu, $THREADS threads, medians of $REPEATS alternating runs.

Batch-1 predict latency, µs: the program (\`./NAME bench\`, predict_latency_us) against the C API
(\`NAME_predict\` from a C program linked with \`libNAME.a\`, bench/lib_predict.c). Ratio: API / program.

| model | program | C API | ratio |
|---|---|---|---|
${rows_latency}
Sizes (release, \`-O2\`): the libraries as \`nnc --lib\` writes them, and the inference-only C program
(bench/lib_predict.c) linked statically from \`libNAME.a\` of \`--inference-only\`, stripped
(libstdc++ and libc shared).

| model | libNAME.a | libNAME.a, inference-only | libNAME.so | libNAME.so, inference-only | inference-only program, stripped |
|---|---|---|---|---|---|
${rows_size}<!-- /library -->"
printf '%s\n' "$section" | python3 bench/sections.py library
echo "lib_overhead: bench/RESULTS.md updated"; printf '%s' "$rows_latency$rows_size"
