#!/bin/sh
# A file library as a CI job sees it (issue 13, deliverable 5):
#   bench/library.sh [BUILD_DIR] [COUNT]
# 1. Generates COUNT (default 2000) synthetic dumps of 1 to 4 MiB in a temporary folder: the
#    fixture images of fixtures/csum of that size (every family that has one; each written once
#    and then copied), round robin, plus every dump of ../shared/corpus (or $ECU_CORPUS) when
#    present. The files are read once first, so that every run reads them from the page cache.
# 2. In the same run, over the same file list (--files-from):
#    - the I/O floor: xxhsum (XXH3, -H3) over every file, one process, then two processes
#      (xargs -P 2) on two halves of the list;
#    - ecu-csum -q -j 1 and -j 2;
#    - ecu-id -q -j 1 and -j 2;
#    each best of RUNS (default 3), with files/s, MiB/s, the per-core rate, the scaling from
#    one to two workers and the peak RSS (GNU time).
# Targets (issue 13): at least 1 GiB/s per core from the page cache, at least 1.8x from one to
# two cores, peak RSS at most 64 MiB whatever the library size. The script prints whether each
# is met; it fails only when a tool fails to run (exit 2) or the peak RSS passes 64 MiB.
# The ME7 comparison with ME7Sum one process per file is bench/me7sum.sh.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
count=${2:-2000}
runs=${RUNS:-3}
corpus=${ECU_CORPUS:-$root/../shared/corpus}
csum=$build/bin/ecu-csum
id=$build/bin/ecu-id
for t in "$csum" "$id"; do
    [ -x "$t" ] || { echo "bench/library.sh: $t: not built (cmake --build --preset default)" >&2; exit 2; }
done
command -v xxhsum >/dev/null || { echo "bench/library.sh: xxhsum not found (Debian: xxhash)" >&2; exit 2; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ecu-library.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

python3 - "$root/fixtures/csum" "$tmp/lib" "$count" "$corpus" "$tmp/list" <<'PY'
import gzip, os, shutil, sys
src, out, count, corpus, listing = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
os.makedirs(out)
templates = []
for name in sorted(os.listdir(src)):
    if not name.endswith(".bin.gz"):
        continue
    data = gzip.open(os.path.join(src, name)).read()
    if 1 << 20 <= len(data) <= 4 << 20:
        path = os.path.join(out, "template-" + name[:-3])
        with open(path, "wb") as f:
            f.write(data)
        templates.append(path)
names = []
for i in range(count):
    t = templates[i % len(templates)]
    d = os.path.join(out, "%02d" % (i % 50))
    os.makedirs(d, exist_ok=True)
    p = os.path.join(d, "%05d-%s" % (i, os.path.basename(t)[9:]))
    shutil.copyfile(t, p)
    names.append(p)
real = 0
manifest = os.path.join(corpus, "MANIFEST.tsv")
if os.path.exists(manifest):
    for line in open(manifest, encoding="utf-8", errors="replace"):
        col = line.rstrip("\n").split("\t")
        if len(col) > 1 and not line.startswith("#") and os.path.isfile(os.path.join(corpus, col[0])):
            names.append(os.path.join(corpus, col[0]))
            real += 1
with open(listing, "w") as f:
    f.writelines(n + "\n" for n in names)
total = sum(os.path.getsize(n) for n in names)
print("library: %d files (%d synthetic from %d fixture images of 1-4 MiB, %d real dumps), %.1f MiB"
      % (len(names), count, len(templates), real, total / 1048576))
with open(listing + ".bytes", "w") as f:
    f.write(str(total))
PY
files=$(wc -l < "$tmp/list")
bytes=$(cat "$tmp/list.bytes")
half=$(( (files + 1) / 2 ))
head -n "$half" "$tmp/list" > "$tmp/list.a"
tail -n +"$(( half + 1 ))" "$tmp/list" > "$tmp/list.b"
tr '\n' '\0' < "$tmp/list" | xargs -0 cat > /dev/null # into the page cache

# best of $runs: prints "SECONDS PEAK_KIB" (the peak of the best run); $1 is a label for errors
best() {
    label=$1
    shift
    b=""
    for r in $(seq "$runs"); do
        st=0
        /usr/bin/time -f '%e %M' -o "$tmp/t" "$@" > /dev/null 2> "$tmp/err" || st=$?
        if [ "$st" -eq 2 ] || [ "$st" -gt 3 ]; then
            echo "bench/library.sh: $label exited with $st:" >&2
            tail -n 5 "$tmp/err" >&2
            exit 2
        fi
        t=$(tail -n 1 "$tmp/t")
        if [ -z "$b" ] || python3 -c "import sys; sys.exit(0 if float('${t% *}') < float('${b% *}') else 1)"; then
            b=$t
        fi
    done
    echo "$b"
}
export tmp
x1=$(best "xxhsum" sh -c 'tr "\n" "\0" < "$tmp/list" | xargs -0 xxhsum -H3')
x2=$(best "xxhsum x2" sh -c 'tr "\n" "\0" < "$tmp/list.a" | xargs -0 xxhsum -H3 > /dev/null &
tr "\n" "\0" < "$tmp/list.b" | xargs -0 xxhsum -H3 > /dev/null; wait')
c1=$(best "ecu-csum -j 1" "$csum" -q -j 1 --files-from "$tmp/list")
c2=$(best "ecu-csum -j 2" "$csum" -q -j 2 --files-from "$tmp/list")
i1=$(best "ecu-id -j 1" "$id" -q -j 1 --files-from "$tmp/list")
i2=$(best "ecu-id -j 2" "$id" -q -j 2 --files-from "$tmp/list")

python3 - "$files" "$bytes" "$x1" "$x2" "$c1" "$c2" "$i1" "$i2" <<'PY'
import sys
files, size = int(sys.argv[1]), int(sys.argv[2])
runs = [("xxhsum -H3 (I/O floor), 1 process", sys.argv[3], 1), ("xxhsum -H3, 2 processes", sys.argv[4], 2),
        ("ecu-csum -q -j 1", sys.argv[5], 1), ("ecu-csum -q -j 2", sys.argv[6], 2),
        ("ecu-id -q -j 1", sys.argv[7], 1), ("ecu-id -q -j 2", sys.argv[8], 2)]
res = {}
print("%-36s %8s %9s %9s %12s %10s" % ("run", "seconds", "files/s", "MiB/s", "GiB/s/core", "peak RSS"))
for label, v, cores in runs:
    s, kib = v.split()
    s = max(float(s), 1e-3)
    res[label] = s
    print("%-36s %8.2f %9.0f %9.0f %12.2f %7s KiB" % (label, s, files / s, size / s / 1048576,
                                                      size / s / cores / 2**30, kib))
    if int(kib) > 65536:
        print("  peak RSS over 64 MiB: memory is not bounded")
        sys.exit(1)
def line(name, one, two):
    per_core = size / res[one] / 2**30
    scale = res[one] / res[two]
    floor = res[one] / res["xxhsum -H3 (I/O floor), 1 process"]
    print("%s: %.2f GiB/s per core (target 1: %s), %.2fx from 1 to 2 workers (target 1.8: %s), "
          "%.1fx the time of xxhsum" % (name, per_core, "met" if per_core >= 1 else "NOT met", scale,
                                        "met" if scale >= 1.8 else "NOT met", floor))
line("ecu-csum", "ecu-csum -q -j 1", "ecu-csum -q -j 2")
line("ecu-id", "ecu-id -q -j 1", "ecu-id -q -j 2")
PY
