#!/bin/sh
# Installs what libecu needs on Debian 12 (as root, or through sudo), builds it, runs its
# tests, then runs ecu-cmp on the bundled fixture reads.
#   ./bootstrap.sh            everything
#   ./bootstrap.sh --deps     only install the packages (used by .ci/run)
set -eu
cd "$(dirname "$0")"

packages="build-essential cmake pkg-config libxxhash-dev zlib1g-dev nettle-dev libgmp-dev libcmocka-dev groff-base"
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

echo
echo "== ecu-cmp on the bundled fixture reads =="
bin=build/bin/ecu-cmp
run() {
    echo "\$ ecu-cmp $*"
    st=0
    (cd fixtures && "../$bin" "$@") || st=$?
    echo "(exit status $st)"
    echo
}
run reads/base.bin reads/base.hex.gz
run reads/base.bin reads/stuck.bin
run reads/base.bin reads/noboot.bin
run -l reads/base.bin reads/vote_a.bin reads/vote_b.bin
