# Helpers of the bench scripts, sourced by each (bash).
#   median        the median of the numbers on stdin (the upper one of an even count)
#   field NAME    the number after "NAME": in the JSON lines on stdin
#   ratio A B     A / B to two decimals
#   cpu_name      the CPU's model name, as lscpu gives it
median() { sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }
field() { sed -n "s/.*\"$1\": *\([0-9.]*\).*/\1/p"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
cpu_name() { lscpu | sed -n 's/^Model name: *//p' | head -1; }
