#!/bin/sh
# Times ecu-cmp against GNU cmp in the same run and prints ratios (never absolute claims):
#   1. two identical 8 MiB files:               ecu-cmp A B        vs  cmp A B
#   2. 8 MiB files, 10 % scattered bytes differ: ecu-cmp -l A B     vs  cmp -l A B
# Output of both tools goes to a pipe (GNU cmp skips its work when stdout is /dev/null).
# Uses hyperfine when installed (apt-get install hyperfine), else a best-of-N shell loop.
#   bench/cmp.sh [BUILD_DIR]        (default: build)
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
bin="$here/${1:-build}/bin/ecu-cmp"
[ -x "$bin" ] || { echo "bench/cmp.sh: $bin not built" >&2; exit 2; }
command -v cmp >/dev/null || { echo "bench/cmp.sh: GNU cmp not found" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# reproducible inputs: 8 MiB of pseudo-random data; the noisy copy differs in 10 % of its
# bytes at scattered offsets (every byte chosen with probability 1/10, changed by XOR 1-255)
gen() {
    python3 - "$tmp" <<'PY'
import random, sys
d = sys.argv[1]
r = random.Random(20261125)
a = bytearray(r.getrandbits(8) for _ in range(8 << 20))
open(d + "/a.bin", "wb").write(a)
open(d + "/same.bin", "wb").write(a)
for i in r.sample(range(len(a)), len(a) // 10):
    a[i] ^= r.randrange(1, 256)
open(d + "/noisy.bin", "wb").write(a)
PY
}
gen
echo "inputs: 8 MiB, identical pair and a pair with $(cmp -l "$tmp/a.bin" "$tmp/noisy.bin" | wc -l) differing bytes"

# mean seconds of a command with its stdout in a pipe
measure() {
    if command -v hyperfine >/dev/null 2>&1; then
        hyperfine -N -i --output=pipe --warmup 3 --runs "$runs" --export-json "$tmp/h.json" "$1" >/dev/null 2>&1
        python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['results'][0]['median'])" "$tmp/h.json"
    else
        best=""
        i=0
        while [ $i -lt "$runs" ]; do
            t0=$(date +%s%N)
            sh -c "$1" | cat >/dev/null || true
            t1=$(date +%s%N)
            t=$((t1 - t0))
            if [ -z "$best" ] || [ $t -lt "$best" ]; then best=$t; fi
            i=$((i + 1))
        done
        python3 -c "print($best / 1e9)"
    fi
}

ratio() { python3 -c "import sys; print('%.3f' % (float(sys.argv[1]) / float(sys.argv[2])))" "$1" "$2"; }
ms() { python3 -c "import sys; print('%.2f ms' % (float(sys.argv[1]) * 1000))" "$1"; }

runs=30
t_cmp=$(measure "cmp $tmp/a.bin $tmp/same.bin")
t_ecu=$(measure "$bin $tmp/a.bin $tmp/same.bin")
r1=$(ratio "$t_ecu" "$t_cmp")
echo "identical 8 MiB:   cmp $(ms "$t_cmp")   ecu-cmp $(ms "$t_ecu")   ecu-cmp/cmp = $r1   (target <= 1.0)"

runs=10
t_cmpl=$(measure "cmp -l $tmp/a.bin $tmp/noisy.bin")
t_ecul=$(measure "$bin -l $tmp/a.bin $tmp/noisy.bin")
r2=$(ratio "$t_cmpl" "$t_ecul")
echo "10 % differ, -l:   cmp -l $(ms "$t_cmpl")   ecu-cmp -l $(ms "$t_ecul")   cmp/ecu-cmp = ${r2}x   (target >= 20)"

t_ecud=$(measure "$bin $tmp/a.bin $tmp/noisy.bin")
echo "10 % differ, default report with diagnoses: ecu-cmp $(ms "$t_ecud")   cmp -l/ecu-cmp = $(ratio "$t_cmpl" "$t_ecud")x"
