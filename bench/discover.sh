#!/bin/sh
# Checksum discovery per MiB on synthetic random 1 MiB images (bench/discover_bench -R), against
# brute force over the same candidates in the same run: every STRIDE-th candidate range summed
# and CRC'ed directly over its bytes (ecu_sum_words, ecu_crc_compute), the time per range
# multiplied by the number of ranges. Prints the fast time (median of 5 runs), the brute-force
# estimate and their ratio.
#   bench/discover.sh [BUILD_DIR] [STRIDE]      (default: build, 20)
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
build="$here/${1:-build}"
stride=${2:-20}
[ -x "$build/bench/discover_bench" ] || { echo "bench/discover.sh: $build/bench/discover_bench not built" >&2; exit 2; }
for seed in 1 2 3; do
    "$build/bench/discover_bench" -q -r 5 -B "$stride" -R "$seed:1048576" | grep -v '^total'
done
