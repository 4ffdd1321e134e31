#!/bin/sh
# Installs what libecu needs on Debian 12 (as root, or through sudo), builds it, runs its
# tests, then runs the job of a workshop on the bundled fixtures (see the end).
#   ./bootstrap.sh            everything
#   ./bootstrap.sh --deps     only install the packages, with clang for the fuzz preset
#                             (used by .ci/run)
set -eu
cd "$(dirname "$0")"

packages="build-essential cmake pkg-config libxxhash-dev zlib1g-dev nettle-dev libgmp-dev libcmocka-dev groff-base"
# CI (.ci/run) also builds the fuzz preset: clang with libFuzzer's runtime (Debian 12: clang 14)
[ "${1:-}" = "--deps" ] && packages="$packages clang libclang-rt-14-dev"
missing=""
for p in $packages; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
    if [ "$(id -u)" -eq 0 ]; then
        as_root=""
    elif command -v sudo >/dev/null 2>&1; then
        as_root="sudo"
    else
        echo "bootstrap.sh: need root or sudo to install:$missing" >&2
        exit 2
    fi
    echo "installing:$missing"
    $as_root apt-get update -qq
    # shellcheck disable=SC2086 # the package list is meant to split
    DEBIAN_FRONTEND=noninteractive $as_root apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
[ "${1:-}" = "--deps" ] && exit 0

cmake --preset default
cmake --build --preset default

# The job of a workshop on the bundled fixtures (fixtures/verify: a Bosch M5.9 read twice, and
# a tuned copy of it with its checksums stale), in a fresh job folder build/demo: the two reads
# compared, the read gate, the pre-flash gate refusing the tuned copy as it came, its checksums
# corrected, the pre-flash gate, the gate again with the read-back, and the audit record the
# gates appended to the job's log.
echo
echo "== the job of a workshop, on the bundled fixtures (in build/demo) =="
bin=$(pwd)/build/bin
rm -rf build/demo
mkdir build/demo
cp fixtures/verify/read1.bin.gz fixtures/verify/read2.bin.gz fixtures/verify/tuned.bin.gz \
    fixtures/verify/readback.bin.gz build/demo/
step() {
    echo "\$ $*"
    st=0
    (cd build/demo && PATH="$bin:$PATH" "$@") || st=$?
    echo "(exit status $st)"
    echo
}
step ecu-cmp read1.bin.gz read2.bin.gz
step ecu-verify --read read1.bin.gz read2.bin.gz
step ecu-verify read1.bin.gz tuned.bin.gz
step ecu-csum --fix -o tuned-fixed.bin tuned.bin.gz
step ecu-verify read1.bin.gz tuned-fixed.bin --audit audit.log --technician demo --vehicle WW-123AB
step ecu-verify read1.bin.gz tuned-fixed.bin --readback readback.bin.gz --audit audit.log --technician demo --vehicle WW-123AB
step tail -n 1 audit.log
