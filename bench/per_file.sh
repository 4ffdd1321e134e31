#!/bin/sh
# Sourced by bench/csum.sh and bench/id.sh (not run on its own).
#   per_file LABEL FILE...
# times one process per file, `run_one FILE` (a function of the caller) for every FILE, as a
# whole, against `cmp FILE FILE` (reading the file twice) as the baseline cost of starting a
# process and reading the file, and prints both with their ratio, LABEL naming the tool.
per_file() {
    label=$1
    shift
    echo
    echo "== one process per file ($# files)"
    t0=$(date +%s%N)
    for f in "$@"; do run_one "$f" || true; done
    t1=$(date +%s%N)
    for f in "$@"; do cmp "$f" "$f"; done
    t2=$(date +%s%N)
    python3 - "$label" "$((t1 - t0))" "$((t2 - t1))" "$#" <<'PY'
import sys
label, ecu, base, n = sys.argv[1], int(sys.argv[2]) / 1e6, int(sys.argv[3]) / 1e6, int(sys.argv[4])
print("%s: %.1f ms for %d files (%.2f ms per file); cmp FILE FILE: %.1f ms (%.2f ms per file); ratio %.2f"
      % (label, ecu, n, ecu / n, base, base / n, ecu / base))
PY
}
