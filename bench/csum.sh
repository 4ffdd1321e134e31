#!/bin/sh
# Checksum verification speed over the real dumps of ../shared/corpus (or $ECU_CORPUS):
#   1. in one process: every image loaded once and analysed (detect + verify) 21 times,
#      the median per image printed with its MiB/s (bench/csum_bench);
#   2. one process per file: ecu-csum FILE for every image, timed as a whole, against
#      `cmp FILE FILE` (reading the file twice) as the baseline cost of starting a process
#      and reading the file.
#   bench/csum.sh [BUILD_DIR] [FOLDER...]     (default: build; folders of the corpus)
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
. "$here/bench/per_file.sh"
build="$here/${1:-build}"
[ $# -gt 0 ] && shift
corpus=${ECU_CORPUS:-$here/../shared/corpus}
[ -d "$corpus" ] || { echo "bench/csum.sh: no corpus at $corpus" >&2; exit 2; }
[ -x "$build/bench/csum_bench" ] || { echo "bench/csum.sh: $build/bench/csum_bench not built" >&2; exit 2; }
folders=${*:-"vag_me7 volvo_me7 edc16 edc17 edc15"}
files=""
for f in $folders; do
    [ -d "$corpus/$f" ] && files="$files $(ls -d "$corpus/$f"/* | tr '\n' ' ')"
done
# shellcheck disable=SC2086
set -- $files
echo "== in one process (median of 21 analyses per image)"
"$build/bench/csum_bench" "$@" | sed "s|$corpus/||"
run_one() { "$build/bin/ecu-csum" -q "$1"; }
per_file ecu-csum "$@"
