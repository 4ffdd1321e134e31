#!/bin/sh
# Nettle, hogweed, GMP and libxxhash are loaded at their first use (lib/core/lazy.c,
# ECU_LAZY_LOAD; libxxhash at the end):
#   - a run that needs no MD5, RSA or key loads none of them (LD_DEBUG=files names every
#     library the loader opens, at start-up or by dlopen), one that checks an ME7.1.1
#     signature loads them, and gives the same output as when they are there;
#   - when they cannot be opened (dlshim.so refuses them), a run that does not need them works
#     as before, and one that does ends with the dynamic loader's message and status 127
#     (never a verdict), the --resign key pair included.
#   lazy.sh BIN_DIR FIXTURES_DIR DLSHIM
set -u
bin=$1
fx=$2/csum
shim=$3
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
bad() { echo "FAIL: $*"; fail=1; }
# the shim before everything (an ASan build's runtime would ask to come first)
shimmed() { env ASAN_OPTIONS="${ASAN_OPTIONS:-}:verify_asan_link_order=0" LD_PRELOAD="$shim" "$@"; }
loaded() { # the crypto libraries the loader opens for: ecu-csum ARGS...
    LD_DEBUG=files "$bin/ecu-csum" "$@" 2>&1 >/dev/null | grep -c 'file=lib\(nettle\|hogweed\|gmp\)[.]so'
}
plain=$fx/me7-vag-512k.bin.gz
signed=$fx/me7-vag-rsa-512k.bin.gz
[ -f "$plain" ] && [ -f "$signed" ] || { echo "lazy.sh: fixtures missing" >&2; exit 2; }

[ "$(loaded -q "$plain")" = 0 ] || bad "ecu-csum -q (no signature) loads nettle, hogweed or GMP"
[ "$(LD_DEBUG=files "$bin/ecu-id" -q "$signed" 2>&1 >/dev/null |
     grep -c 'file=lib\(nettle\|hogweed\|gmp\)[.]so')" = 0 ] || bad "ecu-id loads nettle, hogweed or GMP"
[ "$(loaded -q "$signed")" -gt 0 ] || bad "ecu-csum -q (ME7.1.1 signature) loads none of them"

# with the libraries refused
for f in "$plain" "$fx/me7-vag-512k-bad.bin.gz"; do
    "$bin/ecu-csum" -v "$f" > "$tmp/want" 2>&1
    want=$?
    shimmed "$bin/ecu-csum" -v "$f" > "$tmp/got" 2>&1
    got=$?
    [ "$got" = "$want" ] && cmp -s "$tmp/want" "$tmp/got" ||
        bad "ecu-csum -v ${f##*/} without the libraries: status $got, not $want, or other output"
done
"$bin/ecu-csum" -q "$signed" > /dev/null 2>&1
[ $? != 127 ] || bad "ecu-csum -q on the signed fixture: 127 with the libraries there"
# TOOL ARGS... run without the libraries ends as the loader would: status 127, its message
# naming a library that matches the pattern LIBS, nothing on standard output
refused() {
    libs=$1
    shift
    shimmed "$bin/$@" > "$tmp/out" 2> "$tmp/err"
    st=$?
    [ "$st" = 127 ] || bad "$* without the libraries: status $st, not 127"
    grep -q "^error while loading shared libraries: lib\\($libs\\)[.]so" "$tmp/err" ||
        bad "$* without the libraries: no loader message ($(head -c 200 "$tmp/err"))"
    [ ! -s "$tmp/out" ] || bad "$* without the libraries wrote a result"
}
for args in "-q $signed" "-v --json $signed" "--fix --resign -o $tmp/out.bin $fx/me7-vag-rsa-512k-edited.bin.gz"; do
    # shellcheck disable=SC2086 # the words of args
    refused 'nettle\|hogweed\|gmp' ecu-csum $args
done
[ ! -e "$tmp/out.bin" ] || bad "--resign without the libraries wrote its output"

# libxxhash: only the fingerprints load it (ecu-cmp, ecu-verify); ecu-csum and ecu-id runs do not
xxh() { # how often the loader opens libxxhash for: TOOL ARGS...
    tool=$1
    shift
    LD_DEBUG=files "$bin/$tool" "$@" 2>&1 >/dev/null | grep -c 'file=libxxhash[.]so'
}
[ "$(xxh ecu-csum -q "$plain")" = 0 ] || bad "ecu-csum -q loads libxxhash"
[ "$(xxh ecu-id -q "$plain")" = 0 ] || bad "ecu-id -q loads libxxhash"
[ "$(xxh ecu-cmp "$plain" "$plain")" -gt 0 ] || bad "ecu-cmp (fingerprints) does not load libxxhash"
# (ecu-csum without it: the loop "with the libraries refused" above, which refuses it too)
refused xxhash ecu-cmp "$plain" "$plain"
# the fingerprint is XXH3-128 through the stubs: that of xxhsum -H2 (XXH128) when it is there
if command -v xxhsum > /dev/null 2>&1; then
    gzip -dc "$plain" > "$tmp/plain.bin"
    fp=$("$bin/ecu-cmp" -v "$tmp/plain.bin" "$tmp/plain.bin" 2>&1 | grep -o '[0-9a-f]\{32\}' | head -n 1)
    ref=$(xxhsum -H2 "$tmp/plain.bin" | cut -d' ' -f1)
    [ -n "$fp" ] && [ "$fp" = "$ref" ] || bad "ecu-cmp fingerprint '$fp', xxhsum -H2 '$ref'"
fi
[ "$fail" = 0 ] && echo "lazy.sh: all checks passed"
exit "$fail"
