#!/bin/sh
# Times ecu-cmp against GNU cmp in the same run and prints ratios (never absolute claims):
#   1. two identical 8 MiB files:               ecu-cmp A B        vs  cmp A B
#   2. 8 MiB files, 10 % scattered bytes differ: ecu-cmp -l A B     vs  cmp -l A B
# Output of both tools goes to a pipe (GNU cmp skips its work when stdout is /dev/null).
# Each pair of commands is timed in alternating rounds (5 rounds of 10 or 6 runs each) and
# compared by the medians of all runs: on a shared machine a busy spell then slows both.
# Uses hyperfine when installed (apt-get install hyperfine), else a shell loop.
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

# Two commands timed in alternating rounds, so that a busy spell of a shared machine falls on
# both and not on one of them. Prints "median_a median_b" in seconds (all runs of all rounds).
# hyperfine (median of `rounds` x `runs` runs each) when installed, else a shell loop.
pair() {
    if command -v hyperfine >/dev/null 2>&1; then
        r=0
        while [ $r -lt "$rounds" ]; do
            hyperfine -N -i --output=pipe --warmup 2 --runs "$runs" --export-json "$tmp/a$r.json" "$1" >/dev/null 2>&1
            hyperfine -N -i --output=pipe --warmup 2 --runs "$runs" --export-json "$tmp/b$r.json" "$2" >/dev/null 2>&1
            r=$((r + 1))
        done
        python3 - "$tmp" "$rounds" <<'PY'
import json, statistics, sys
d, n = sys.argv[1], int(sys.argv[2])
def times(k):
    return [t for r in range(n) for t in json.load(open("%s/%s%d.json" % (d, k, r)))["results"][0]["times"]]
print(statistics.median(times("a")), statistics.median(times("b")))
PY
    else
        : >"$tmp/a.txt"
        : >"$tmp/b.txt"
        i=0
        while [ $i -lt $((rounds * runs)) ]; do
            for k in a b; do
                [ $k = a ] && c=$1 || c=$2
                t0=$(date +%s%N)
                sh -c "$c" | cat >/dev/null || true
                t1=$(date +%s%N)
                echo $((t1 - t0)) >>"$tmp/$k.txt"
            done
            i=$((i + 1))
        done
        python3 -c "import statistics,sys; print(*(statistics.median(int(l) for l in open(f)) / 1e9 for f in sys.argv[1:]))" \
            "$tmp/a.txt" "$tmp/b.txt"
    fi
}

ratio() { python3 -c "import sys; print('%.3f' % (float(sys.argv[1]) / float(sys.argv[2])))" "$1" "$2"; }
ms() { python3 -c "import sys; print('%.2f ms' % (float(sys.argv[1]) * 1000))" "$1"; }

rounds=5
runs=10
set -- $(pair "cmp $tmp/a.bin $tmp/same.bin" "$bin $tmp/a.bin $tmp/same.bin")
t_cmp=$1 t_ecu=$2
r1=$(ratio "$t_ecu" "$t_cmp")
echo "identical 8 MiB:   cmp $(ms "$t_cmp")   ecu-cmp $(ms "$t_ecu")   ecu-cmp/cmp = $r1   (target <= 1.0)"

runs=6
set -- $(pair "cmp -l $tmp/a.bin $tmp/noisy.bin" "$bin -l $tmp/a.bin $tmp/noisy.bin")
t_cmpl=$1 t_ecul=$2
r2=$(ratio "$t_cmpl" "$t_ecul")
echo "10 % differ, -l:   cmp -l $(ms "$t_cmpl")   ecu-cmp -l $(ms "$t_ecul")   cmp/ecu-cmp = ${r2}x   (target >= 20)"

set -- $(pair "cmp -l $tmp/a.bin $tmp/noisy.bin" "$bin $tmp/a.bin $tmp/noisy.bin")
echo "10 % differ, default report with diagnoses: cmp -l $(ms "$1")   ecu-cmp $(ms "$2")   cmp -l/ecu-cmp = $(ratio "$1" "$2")x"
