#!/usr/bin/env bash
# The whole test suite: unit tests (GoogleTest), compiler tests (lit +
# FileCheck), end-to-end training runs, the long runs and a minute of each
# fuzz harness. Builds first. Arguments go to ctest (-L e2e, -LE long, ...).
#
#   scripts/test.sh --sanitize [ctest args]
#     the unit, lit and e2e suites again, built with ASan and UBSan
#     (build-sanitize/), generated programs and libraries included; the
#     first report fails the test that made it.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ "${1:-}" == --sanitize ]]; then
  shift
  bash scripts/build.sh --sanitize
  export PATH="$PWD/.venv/bin:$PATH"
  # Leaks are reported as errors too; the suppressions name the libraries
  # that are not ours (scripts/lsan.supp says why each). A generated shared
  # library is also loaded by Python (ctypes), which is not built with ASan:
  # its runtime then comes in with the library, not first.
  export ASAN_OPTIONS="detect_leaks=1:exitcode=86:verify_asan_link_order=0"
  export LSAN_OPTIONS="suppressions=$PWD/scripts/lsan.supp:print_suppressions=0"
  export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:exitcode=87"
  cd build-sanitize
  ctest --output-on-failure -LE long "$@"
  exit
fi
bash scripts/build.sh
export PATH="$PWD/.venv/bin:$PATH"
cd build
ctest --output-on-failure "$@"
