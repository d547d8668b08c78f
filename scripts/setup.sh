#!/usr/bin/env bash
# Installs everything nnc needs to build and test, on Debian 12. Idempotent:
# a second run installs nothing and takes a second.
#
#   Debian packages: the toolchain pieces Debian ships at the versions of
#                    Debian 12 (bookworm), which is the pin.
#   PyPI (pinned):   Halide 21 (C++ library, headers, CMake package), a CMake
#                    new enough for Halide's CMake package, ninja and lit,
#                    all inside a project-local virtual environment (.venv).
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  g++ make python3-venv zlib1g-dev libpng-dev  # libpng: reconstruct's PNG, opened at run time
  antlr4 libantlr4-runtime-dev          # grammar tool 4.7.2 + C++ runtime 4.9
  libcli11-dev nlohmann-json3-dev       # command lines; safetensors headers, JSON logs
  libgtest-dev llvm-14-tools            # GoogleTest; FileCheck, not, count
  clang libclang-rt-14-dev              # libFuzzer and its sanitizers: test/fuzz
  dataset-fashion-mnist                 # /usr/share/datasets/fashion-mnist
  pocl-opencl-icd ocl-icd-libopencl1    # OpenCL on the CPU: the GPU schedules' tests
  pkg-config                            # the generated libraries' .pc files, in the tests
)
if [[ "${NNC_WITH_BENCH:-0}" == 1 ]]; then
  # The PyTorch baseline of bench/, with OpenBLAS built for OpenMP.
  APT_PACKAGES+=(python3-torch libopenblas0-openmp)
fi

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing Debian packages: ${missing[*]}"
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

PY_PACKAGES=(halide==21.0.0 cmake==3.31.6 ninja==1.13.2 lit==23.1.5)
stamp=".venv/.nnc-setup-$(echo "${PY_PACKAGES[*]}" | md5sum | cut -c1-8)"
if [[ ! -f "$stamp" ]]; then
  echo "setup: creating .venv with ${PY_PACKAGES[*]}"
  # Debian's python3 (not a pyenv shim) so the venv does not depend on the user's shell.
  /usr/bin/python3 -m venv .venv
  .venv/bin/pip install -q --disable-pip-version-check "${PY_PACKAGES[@]}"
  touch "$stamp"
fi

if [[ "${NNC_WITH_BENCH:-0}" == 1 ]]; then
  # bench/peers.sh's strongest peers, in a venv of their own: PyTorch 2 (its
  # PyPI wheel pulls the CUDA packages, about 5 GB, so it stays out of the
  # everyday setup), JAX and ONNX Runtime.
  BENCH_PACKAGES=(torch==2.15.0 jax==0.10.2 jaxlib==0.10.2 onnxruntime==1.32.0 onnx==1.23.2)
  bench_stamp=".venv-bench/.nnc-setup-$(echo "${BENCH_PACKAGES[*]}" | md5sum | cut -c1-8)"
  if [[ ! -f "$bench_stamp" ]]; then
    echo "setup: creating .venv-bench with ${BENCH_PACKAGES[*]}"
    /usr/bin/python3 -m venv .venv-bench
    .venv-bench/bin/pip install -q --disable-pip-version-check "${BENCH_PACKAGES[@]}"
    touch "$bench_stamp"
  fi
fi
