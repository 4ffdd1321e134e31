#!/bin/sh
# Identification speed (ecu_id_analyze: family detection and every identification scan):
#   1. a reproducible synthetic 4 MiB image (fixed seed, made here; no corpus needed): two
#      EDC17-like 2 MiB halves of code-like pseudo-random bytes with 0xFF fill, word tables
#      and ASCII ident strings (EPK, Bosch HW/SW numbers, VAG `EDC  ` label, VIN) near the
#      end of each half; timed in one process, median of 101 analyses (bench/id_bench);
#   2. the real dumps of ../shared/corpus (or $ECU_CORPUS), skipped when absent: in one
#      process, median of 21 analyses per image, summed per corpus folder;
#   3. one process per file: ecu-id FILE for every image, timed as a whole, against
#      `cmp FILE FILE` (reading the file twice) as the baseline cost of starting a process
#      and reading the file; the ratio is printed.
#   bench/id.sh [BUILD_DIR] [FOLDER...]   (default: build; every folder of the corpus)
#   ID_BENCH_VERBOSE=1 prints one line per image.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
. "$here/bench/per_file.sh"
build="$here/${1:-build}"
[ $# -gt 0 ] && shift
corpus=${ECU_CORPUS:-$here/../shared/corpus}
bench="$build/bench/id_bench"
[ -x "$bench" ] || { echo "bench/id.sh: $bench not built" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

python3 - "$tmp/synth4m.bin" <<'PY'
import random, sys
r = random.Random(20261203)

def half(tag):
    """2 MiB: 512-byte blocks of TriCore-like code (random bytes with many 0x00 and small
    words), 16-bit tables, 0xFF fill; the ident strings in the last 64 KiB."""
    out = bytearray()
    while len(out) < (2 << 20) - 0x10000:
        k = r.random()
        if k < 0.70:    # code: random instruction bytes, a quarter of them zero
            b = bytearray(r.randbytes(512))
            for i in r.sample(range(512), 128):
                b[i] = 0
        elif k < 0.85:  # maps and axes: little-endian words of slowly varying values
            v = r.randrange(0, 4000)
            b = bytearray()
            for _ in range(256):
                v = max(0, v + r.randrange(-40, 41))
                b += v.to_bytes(2, "little")
        else:           # erased flash
            b = bytearray(b"\xff" * 512)
        out += b
    idents = [
        b"36/1/EDC17_C46/5/P_1037/" + tag + b"/240303150814/",
        b"0281017944" + b"1037512345",
        b"03L906018DH EDC  G000SG  1541 ",
        b"0 281 017 944",
        b"WVWZZZ1KZ8W123456",
    ]
    while len(out) < (2 << 20):
        k = r.random()
        if k < 0.05:
            b = r.choice(idents)
        elif k < 0.6:
            b = r.randbytes(r.randrange(16, 256))
        else:
            b = b"\xff" * r.randrange(16, 512)
        out += b
    return out[: 2 << 20]

img = half(b"A") + half(b"B")
assert len(img) == 4 << 20
open(sys.argv[1], "wb").write(img)
PY

summary() { # stdin: id_bench lines; $1: label
    awk -v label="$1" 'BEGIN { max = 0 } /^ *[0-9.]+ ms / { n++; t += $1; if ($1 + 0 > max) max = $1 + 0; mib += $1 * $3 / 1000 }
        END { if (n) printf "%-14s %3d files  %7.1f MiB  summed medians %8.3f ms  slowest %6.3f ms  %7.1f MiB/s\n",
                            label, n, mib, t, max, mib / (t / 1000) }'
}

echo "== synthetic 4 MiB image (median of 101 analyses)"
"$bench" -r 101 "$tmp/synth4m.bin" | sed "s|$tmp/||" | head -1

if [ ! -d "$corpus" ]; then
    echo "bench/id.sh: no corpus at $corpus; the corpus parts are skipped" >&2
    exit 0
fi
folders=${*:-$(cd "$corpus" && for d in *; do [ -d "$d" ] && printf '%s ' "$d"; done)}
echo
echo "== corpus, in one process (median of 21 analyses per image, summed per folder)"
files=""
for f in $folders; do
    [ -d "$corpus/$f" ] || continue
    set --
    for g in "$corpus/$f"/*; do [ -f "$g" ] && set -- "$@" "$g"; done
    [ $# -gt 0 ] || continue
    "$bench" "$@" > "$tmp/$f.txt"
    [ -n "${ID_BENCH_VERBOSE:-}" ] && sed "s|$corpus/||" "$tmp/$f.txt" | grep ' ms '
    summary "$f" < "$tmp/$f.txt"
    cat "$tmp/$f.txt" >> "$tmp/all.txt"
    files="$files $*"
done
summary "all" < "$tmp/all.txt"

# shellcheck disable=SC2086
set -- $files
run_one() { "$build/bin/ecu-id" "$1" >/dev/null; }
per_file ecu-id "$@"
