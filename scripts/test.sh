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
  # The sanitizers write their reports to files, not to the programs'
  # stderr, which the tests compare (ASan warns there once about
  # swapcontext); a report still fails its test through the exit status,
  # and the reports are printed at the end. Leaks are errors too; the
  # suppressions name the libraries that are not ours (scripts/lsan.supp
  # says why each). A generated shared library is also loaded by Python
  # (ctypes), which is not built with ASan: its runtime comes in with the
  # library, not first.
  reports="$PWD/build-sanitize/sanitizer-reports"
  rm -rf "$reports" && mkdir -p "$reports"
  export ASAN_OPTIONS="detect_leaks=1:exitcode=86:verify_asan_link_order=0:log_path=$reports/asan"
  export LSAN_OPTIONS="suppressions=$PWD/scripts/lsan.supp:print_suppressions=0"
  export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:exitcode=87:log_path=$reports/ubsan"
  status=0
  (cd build-sanitize && ctest --output-on-failure -LE long "$@") || status=$?
  found=$(grep -lE "ERROR: |runtime error" "$reports"/* 2>/dev/null || true)
  for report in $found; do
    echo "=== sanitizer report: $report"
    cat "$report"
  done
  echo "sanitizer reports: $(echo "$found" | grep -c . || true)"
  [[ -z "$found" ]] || status=1
  exit "$status"
fi
bash scripts/build.sh
export PATH="$PWD/.venv/bin:$PATH"
cd build
ctest --output-on-failure "$@"
