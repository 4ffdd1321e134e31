#!/bin/sh
# Learning (what ecu-csum --learn runs) per MiB, against brute force over the same search in
# the same run (bench/learn_bench): each group is learnt with the fast method (median of 3),
# then with every discovery run in brute force (each candidate range summed and CRC'ed over
# its bytes) at strides STRIDE and 2*STRIDE, and the whole brute-force search is extrapolated
# from those two runs. Groups: 4 synthetic 1 MiB images that share a table of 8 sums and a
# CRC-32 (seeds 1 and 2), then, with FILE arguments, those files as one group.
#   bench/learn.sh [BUILD_DIR] [STRIDE] [FILE...]      (default: build, 100)
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
case ${1:-build} in /*) build=${1:-build} ;; *) build="$here/${1:-build}" ;; esac
stride=${2:-100}
[ $# -ge 2 ] && shift 2 || shift $#
[ -x "$build/bench/learn_bench" ] || { echo "bench/learn.sh: $build/bench/learn_bench not built" >&2; exit 2; }
for seed in 1 2; do
    "$build/bench/learn_bench" -r 3 -B "$stride" -R "$seed:1048576:4"
done
if [ $# -gt 0 ]; then
    "$build/bench/learn_bench" -r 3 -B "$stride" -G "$@" --
fi
