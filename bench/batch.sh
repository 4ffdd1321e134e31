#!/bin/sh
# The batch runner's own cost and memory (cmd/common/batch.c, through tests/batch/batch_driver):
#   bench/batch.sh [BUILD_DIR] [NAMES]
# 1. NAMES (default 100000) generated names streamed with --files-from and a trivial per-file
#    function (no file is opened): files/s with -j 1 and -j 2, and the peak RSS of each run,
#    which must stay small whatever NAMES is (bounded: the list is read one name at a time and
#    at most 2 x workers files are in flight). Peak RSS over GENEROUS_KIB fails the script.
# 2. The same with --json and --junit (the test cases go to a temporary file, not to memory).
# 3. Real libecu work: ecu_csum + ecu_id over the fixture images (repeated to ~600 files) with
#    -j 1 and -j 2.
# Timings are printed, never asserted.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
n=${2:-100000}
drv=$build/tests/batch_driver
GENEROUS_KIB=65536
[ -x "$drv" ] || { echo "build batch_driver first (cmake --build --preset default)" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 - "$tmp/names" "$n" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    for i in range(int(sys.argv[2])):
        f.write("library/vendor-%03d/family-%02d/read-%07d.bin\n" % (i % 997, i % 31, i))
PY

# runs "$@" and prints: seconds, peak RSS in KiB (GNU time when present, else the shell's)
measure() {
    if [ -x /usr/bin/time ]; then
        /usr/bin/time -f '%e %M' -o "$tmp/t" "$@" >/dev/null 2>"$tmp/err" || true
        tail -n 1 "$tmp/t" # after "Command exited with non-zero status N"
    else
        s=$(date +%s%N)
        "$@" >/dev/null 2>"$tmp/err" || true
        echo "$(( ($(date +%s%N) - s) / 1000000 ))e-3 ?"
    fi
}
fail=0
report() { # LABEL FILES "SECONDS KIB"
    set -- "$1" "$2" $3
    python3 -c 'import sys
label, n, s, kib = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
print("%-34s %7d files %7.2f s %9.0f files/s  peak RSS %s KiB" % (label, n, s, n / max(s, 1e-9), kib))' "$@"
    if [ "$4" != "?" ] && [ "$4" -gt "$GENEROUS_KIB" ]; then
        echo "  peak RSS over $GENEROUS_KIB KiB: memory is not bounded" >&2
        fail=1
    fi
}
echo "== $n names from --files-from, trivial per-file function"
for j in 1 2; do
    report "trivial text -j $j" "$n" "$(measure "$drv" --mode trivial -j "$j" --files-from "$tmp/names")"
done
for j in 1 2; do
    report "trivial json+junit -j $j" "$n" \
        "$(measure "$drv" --mode trivial --json -j "$j" --junit "$tmp/r.xml" --files-from "$tmp/names")"
done
small=$(python3 -c "print(max(1, $n // 10))")
head -n "$small" "$tmp/names" > "$tmp/names-small"
report "trivial text -j 1 (1/10 names)" "$small" \
    "$(measure "$drv" --mode trivial -j 1 --files-from "$tmp/names-small")"

echo "== libecu: ecu_csum + ecu_id over fixture images"
find "$root/fixtures/csum" "$root/fixtures/id" -name '*.bin.gz' | sort > "$tmp/img1"
: > "$tmp/imgs"
for _ in 1 2 3 4; do cat "$tmp/img1" >> "$tmp/imgs"; done
m=$(wc -l < "$tmp/imgs")
for j in 1 2; do
    report "csum+id -j $j" "$m" "$(measure "$drv" --mode csum -j "$j" --files-from "$tmp/imgs")"
done
exit $fail
