#!/usr/bin/env bash
# The checks and timings of the CUDA target on a real GPU, in one script for
# a machine lent for a few minutes (NVIDIA driver and PyTorch there; no
# Halide, no network). Prepared here, run there in two calls, since the
# device takes 64 MiB per call:
#
#   bash bench/gpu_check.sh prepare     here: builds nnc; into bench/out/gpu/: fashion_mlp,
#                                       fashion_lenet and fashion_vgg compiled with --gpu cuda
#                                       for a conservative host CPU (x86-64-linux-avx2-fma) and
#                                       the gzipped Fashion-MNIST (38 MB); into bench/out/gpu_ops/:
#                                       the unit tests' binary and libHalide.so, xz-compressed
#                                       (47 MB), which JIT-compiles the op checks for the GPU there
#   bash bench/gpu_check.sh ops         there (carry bench/out/gpu_ops), about 2 minutes:
#     1. every op's CUDA forward against the reference loop and its gradient against
#        central finite differences: the scheduled-gradient suite on /cuda
#        (test/unit/test_scheduled_gradients.cpp, NNC_TEST_CUDA=1);
#   bash bench/gpu_check.sh run         there (carry bench/out/gpu), in under 8 minutes:
#     1b. each model trains 40 steps from one seed on cuda and on the CPU, file
#        order: every epoch's loss within 1e-3 relative, the same test accuracy
#        within 0.002 (the ops together, end to end);
#     2. fashion_lenet 2 epochs on cuda and on the CPU from the same seed: test
#        accuracies within 0.01;
#     3. training at batch 128 and batch-1 latency of the three models on cuda
#        (`./NAME bench --device cuda`), beside PyTorch eager and torch.compile on
#        the same GPU (bench/torch_*.py --device cuda), 3 repeats, medians;
#     4. writes bench/out/gpu/GPU_RESULTS.md (the table) and exits non-zero if a
#        check failed.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/common.sh
OUT=bench/out/gpu
OPS=bench/out/gpu_ops
MODELS=(fashion_mlp fashion_lenet fashion_vgg)
TARGET=${TARGET:-x86-64-linux-avx2-fma}

prepare() {
  bash scripts/build.sh > /dev/null
  rm -rf "$OUT" && mkdir -p "$OUT/data"
  for name in "${MODELS[@]}"; do
    local start=$SECONDS
    build/compiler/nnc "examples/$name.nn" --gpu cuda --target "$TARGET" -o "$OUT/$name"
    echo "gpu_check: $name compiled with --gpu cuda in $((SECONDS - start)) s"
  done
  cp /usr/share/datasets/fashion-mnist/*.gz "$OUT/data/"
  rm -rf "$OPS" && mkdir -p "$OPS"
  cp build/test/nnc_compiler_tests "$OPS/"
  xz -T2 -6 -c "$(ldd build/test/nnc_compiler_tests | sed -n 's/.*libHalide.so => \([^ ]*\).*/\1/p')" > "$OPS/libHalide.so.xz"
  du -sh "$OUT" "$OPS"
  echo "gpu_check: on the GPU machine: bash bench/gpu_check.sh ops   (carry $OPS)"
  echo "gpu_check: then:                bash bench/gpu_check.sh run   (carry $OUT)"
}

# 1. The op-by-op checks, JIT-compiled for the GPU by the carried libHalide.
ops() {
  nvidia-smi --query-gpu=name,driver_version --format=csv,noheader || true
  [ -f "$OPS/libHalide.so" ] || python3 -c "import lzma, shutil, sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2], 'wb'))" \
    "$OPS/libHalide.so.xz" "$OPS/libHalide.so"
  NNC_TEST_CUDA=1 LD_LIBRARY_PATH="$OPS" timeout 400 "$OPS/nnc_compiler_tests" \
    --gtest_filter='Targets/ScheduledGradients.*/cuda' 2>&1 | tee "$OPS/ops.txt" | grep -E '^\[ +(OK|FAILED|PASSED) |Failure'
}

run() {
  local failed=0 data=$OUT/data rows="" checks=""
  nvidia-smi --query-gpu=name,driver_version --format=csv,noheader || true
  # 1. each model's CUDA steps against its CPU steps
  for name in "${MODELS[@]}"; do
    for device in cuda cpu; do
      timeout 120 "$OUT/$name" train --device "$device" --data "$data" --epochs 1 --limit 2560 --batch 64 \
        --no-shuffle --save "$OUT/$name.$device.safetensors" --checkpoint "" --log "$OUT/$name.$device.json" \
        > "$OUT/$name.$device.txt" 2>&1 || { echo "gpu_check: $name on $device failed:"; cat "$OUT/$name.$device.txt"; }
    done
    if python3 test/e2e/Inputs/compare_logs.py "$OUT/$name.cuda.json" "$OUT/$name.cpu.json" 1e-3 500 > /dev/null 2>&1; then
      checks+="| $name, 40 steps: cuda against the CPU | loss within 1e-3, test accuracy within 0.002 | pass |"$'\n'
    else
      checks+="| $name, 40 steps: cuda against the CPU | loss within 1e-3, test accuracy within 0.002 | FAIL |"$'\n'
      failed=1
    fi
  done
  # 2. fashion_lenet, 2 epochs
  for device in cuda cpu; do
    timeout 200 "$OUT/fashion_lenet" train --device "$device" --data "$data" --epochs 2 --checkpoint "" \
      --save "$OUT/lenet2.$device.safetensors" --log "$OUT/lenet2.$device.json" > /dev/null 2>&1 || true
  done
  local acc_gpu acc_cpu
  acc_gpu=$(tail -1 "$OUT/lenet2.cuda.json" | field test_accuracy)
  acc_cpu=$(tail -1 "$OUT/lenet2.cpu.json" | field test_accuracy)
  if awk -v a="$acc_gpu" -v b="$acc_cpu" 'BEGIN {d = a - b; exit !(a != "" && d <= 0.01 && d >= -0.01)}'; then
    checks+="| fashion_lenet, 2 epochs | test accuracy $acc_gpu on cuda, $acc_cpu on the CPU: within 0.01 | pass |"$'\n'
  else
    checks+="| fashion_lenet, 2 epochs | test accuracy ${acc_gpu:-none} on cuda, ${acc_cpu:-none} on the CPU: within 0.01 | FAIL |"$'\n'
    failed=1
  fi
  # 3. timings, alternating nnc and PyTorch
  declare -A TORCH=([fashion_mlp]="bench/torch_mlp.py" [fashion_lenet]="bench/torch_cnn.py --model lenet"
                    [fashion_vgg]="bench/torch_cnn.py --model vgg")
  for name in "${MODELS[@]}"; do
    : > "$OUT/$name.nnc" && : > "$OUT/$name.eager" && : > "$OUT/$name.compiled"
    for r in 1 2 3; do
      timeout 60 "$OUT/$name" bench --device cuda --batch 128 --steps 30 --repeats 3 >> "$OUT/$name.nnc" || true
      timeout 60 python3 ${TORCH[$name]} --device cuda --batch 128 --threads 4 --steps 30 --repeats 3 \
        --latency-calls 500 >> "$OUT/$name.eager" || true
      timeout 120 python3 ${TORCH[$name]} --device cuda --compile --batch 128 --threads 4 --steps 30 --repeats 3 \
        --latency-calls 500 >> "$OUT/$name.compiled" 2> /dev/null || true
    done
    local n e c nl el cl
    n=$(field train_samples_per_s < "$OUT/$name.nnc" | median)
    e=$(field train_samples_per_s < "$OUT/$name.eager" | median)
    c=$(field train_samples_per_s < "$OUT/$name.compiled" | median)
    nl=$(field predict_latency_us < "$OUT/$name.nnc" | median)
    el=$(field predict_latency_us < "$OUT/$name.eager" | median)
    cl=$(field predict_latency_us < "$OUT/$name.compiled" | median)
    rows+="| $name | ${n:-?} | ${e:-?} | ${c:-n/a} | $(awk -v a="$n" -v b="$e" 'BEGIN {if (a && b) printf "%.2fx", a / b; else print "?"}') | ${nl:-?} | ${el:-?} | ${cl:-n/a} | $(awk -v a="$nl" -v b="$el" 'BEGIN {if (a && b) printf "%.2fx", b / a; else print "?"}') |"$'\n'
  done
  # 4.
  cat > "$OUT/GPU_RESULTS.md" <<EOF
## The CUDA target on $(nvidia-smi --query-gpu=name --format=csv,noheader 2>/dev/null | head -1)

\`bash bench/gpu_check.sh run\`, $(date -u +%Y-%m-%d), host part compiled for $TARGET; medians of 3 runs.

| check | bar | result |
|---|---|---|
${checks}
Training at batch 128 (samples/s) and batch-1 prediction latency (µs), nnc against PyTorch on the same GPU:

| model | nnc | PyTorch eager | torch.compile | nnc / eager | nnc µs | eager µs | compile µs | eager / nnc |
|---|---|---|---|---|---|---|---|---|
${rows}
EOF
  cat "$OUT/GPU_RESULTS.md"
  return $failed
}

case "${1:-}" in
  prepare) prepare ;;
  ops) ops ;;
  run) run ;;
  *) echo "usage: bash bench/gpu_check.sh prepare|ops|run" >&2; exit 2 ;;
esac
