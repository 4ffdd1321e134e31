#!/bin/sh
# ecu-verify's pre-flash gate against the same work done with the separate tools, in one run:
#   ecu-verify ORIGINAL MODIFIED
# against the chain ecu-cmp ORIGINAL MODIFIED; ecu-csum ORIGINAL; ecu-csum MODIFIED;
# ecu-id --match ORIGINAL MODIFIED, on a 1 MiB image (fixtures/csum/edc16-1m, a map changed
# and its checksums corrected by ecu-csum) and on a 4 MiB one (fixtures/csum/continental-s18-1,
# the same). Alternating rounds, medians of every run; prints the ratio chain/ecu-verify
# (above 1: ecu-verify is faster).
#   bench/verify.sh [BUILD_DIR] [ROUNDS]
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
bin="$here/${1:-build}/bin"
rounds=${2:-5}
for t in ecu-verify ecu-cmp ecu-csum ecu-id; do
    [ -x "$bin/$t" ] || { echo "bench/verify.sh: $bin/$t not built" >&2; exit 2; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
pair() { # pair NAME FIXTURE OFFSET: NAME.orig, NAME.mod (8 bytes changed at OFFSET, corrected)
    zcat "$here/fixtures/csum/$2.bin.gz" >"$tmp/$1.orig"
    cp "$tmp/$1.orig" "$tmp/$1.raw"
    printf '\125\252\125\252\125\252\125\252' | dd of="$tmp/$1.raw" bs=1 seek="$3" conv=notrunc 2>/dev/null
    "$bin/ecu-csum" -q --fix -o "$tmp/$1.mod" "$tmp/$1.raw" || true
    [ -s "$tmp/$1.mod" ] || cp "$tmp/$1.raw" "$tmp/$1.mod"
}
verify() { "$bin/ecu-verify" -q "$tmp/$1.orig" "$tmp/$1.mod" || true; }
chain() {
    "$bin/ecu-cmp" -q "$tmp/$1.orig" "$tmp/$1.mod" || true
    "$bin/ecu-csum" -q "$tmp/$1.orig" || true
    "$bin/ecu-csum" -q "$tmp/$1.mod" || true
    "$bin/ecu-id" -q --match "$tmp/$1.orig" "$tmp/$1.mod" || true
}
ms() { # ms CMD NAME RUNS: the milliseconds of each run, one per line
    i=0
    while [ "$i" -lt "$3" ]; do
        t0=$(date +%s%N)
        "$1" "$2"
        t1=$(date +%s%N)
        echo $(((t1 - t0) / 1000))
        i=$((i + 1))
    done
}
pair m1 edc16-1m 0x60000
pair m4 continental-s18-1 0x300000
for p in m1 m4; do
    : >"$tmp/$p.v"
    : >"$tmp/$p.c"
    r=0
    while [ "$r" -lt "$rounds" ]; do
        ms verify "$p" 10 >>"$tmp/$p.v"
        ms chain "$p" 10 >>"$tmp/$p.c"
        r=$((r + 1))
    done
    python3 - "$p" "$tmp/$p.v" "$tmp/$p.c" "$(wc -c <"$tmp/$p.orig")" <<'PY'
import statistics, sys
name, fv, fc, size = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
v = statistics.median(int(x) for x in open(fv)) / 1000
c = statistics.median(int(x) for x in open(fc)) / 1000
print("%s (%d KiB): ecu-verify %.2f ms, chain (ecu-cmp, ecu-csum x2, ecu-id --match) %.2f ms; "
      "chain/ecu-verify %.2f" % (name, size // 1024, v, c, c / v))
PY
done
