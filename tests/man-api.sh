#!/bin/sh
# The man pages stay true to the code:
# - every function declared with ECU_API appears in libecu(3);
# - every long option in the code of each tool appears in its man page;
# - the example program of libecu(3) compiles against the headers and runs.
# usage: man-api.sh SOURCE_DIR BUILD_DIR CC [EXTRA_CFLAGS]
set -u
src=$1
build=$2
cc=$3
extra=${4:-}
fail=0
for fn in $(grep -ho 'ECU_API [^(]*(' "$src"/include/ecu/*.h | sed -E 's/.*[ *]([a-z_0-9]+)\($/\1/' | grep '^ecu_'); do
    grep -q "$fn" "$src/man/libecu.3" || { echo "libecu.3 does not mention $fn"; fail=1; }
done
for tool in "$src"/cmd/ecu-*.c; do
    name=$(basename "$tool" .c)
    page="$src/man/$name.1"
    [ -f "$page" ] || { echo "no man page for $name"; fail=1; continue; }
    for opt in $(sed -n 's/^ *{"\([a-z-]*\)", [a-z_]*argument.*/\1/p' "$tool"); do
        # man pages escape hyphens: --no-diagnose is written \-\-no\-diagnose
        pat=$(printf '%s' "$opt" | sed 's/-/\\\\-/g')
        grep -q -e "\\\\-\\\\-$pat" "$page" || { echo "$page does not document --$opt"; fail=1; }
    done
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
awk '/^\.SH EXAMPLES/{f=1;next} /^\.SH/{f=0} f' "$src/man/libecu.3" | grep -v '^\.nf$\|^\.fi$' |
    sed 's/\\e/\\/g' >"$tmp/example.c"
# shellcheck disable=SC2086 # $extra holds several flags
if ! "$cc" -std=c11 -Wall -Wextra -Werror $extra -I"$src/include" "$tmp/example.c" \
        "$build/lib/libecu.a" -lz -lxxhash -o "$tmp/example"; then
    echo "the libecu.3 example does not compile"
    fail=1
else
    "$tmp/example" "$src/fixtures/reads/base.bin" "$src/fixtures/reads/stuck.bin" >"$tmp/out"
    st=$?
    if [ $st -ne 1 ] || ! grep -q "stuck at 0" "$tmp/out"; then
        echo "the libecu.3 example did not diagnose the stuck bit (status $st)"
        fail=1
    fi
fi
[ $fail -eq 0 ] && echo "man pages agree with the code"
exit $fail
