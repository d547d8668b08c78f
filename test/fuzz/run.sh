#!/usr/bin/env bash
# Runs one fuzz harness for SECONDS from its seed corpus; what it finds that
# covers new code goes to BUILD_DIR/work/NAME, a crash's input to
# BUILD_DIR/crashes/NAME-crash-<sha1> (copy it into corpus/NAME: it becomes a
# regression input). Exit 0 when no crash, hang, leak or sanitizer report.
#
#   test/fuzz/run.sh BUILD_DIR NAME SECONDS [libFuzzer flags...]
#
# Run by ctest (label fuzz, 60 s each) and, for the long runs reported in
# test/fuzz/README.md, by hand with more seconds and -fork=N.
set -euo pipefail
bin_dir=$(cd "$1" && pwd) name=$2 seconds=$3  # absolute: a harness may change directory
shift 3
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
work=$bin_dir/work/$name
mkdir -p "$work" "$bin_dir/crashes"

# The seeds: the harness's own corpus, and for the front end every .nn file
# the project has (examples, stdlib, the lit tests' programs and errors).
seeds=("$here/corpus/$name")
case $name in
  frontend) seeds+=("$root/examples" "$root/stdlib" "$root/test/lit") ;;
  csv) seeds+=("$root/test/e2e/Inputs") ;;
esac

# Limits: an input that takes over 10 s is a hang; over 2 GB of memory, a
# leak or an allocation a header talked the reader into.
exec "$bin_dir/fuzz_$name" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=2048 \
  -print_final_stats=1 -artifact_prefix="$bin_dir/crashes/$name-" "$@" "$work" "${seeds[@]}"
