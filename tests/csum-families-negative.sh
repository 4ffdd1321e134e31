#!/bin/sh
# csum-families.sh can fail: run on a copy of the snapshot, man/ecu-csum.1 and README.md, it
# passes as they are and fails on each damaged copy.
#   csum-families-negative.sh BINDIR SOURCE_DIR
set -u
if [ $# -ne 2 ]; then
    echo "usage: $0 BINDIR SOURCE_DIR" >&2
    exit 2
fi
bindir=$1
src=$(cd "$2" && pwd)
check=$(cd "$(dirname "$0")" && pwd)/csum-families.sh
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
trap 'exit 2' HUP INT TERM
mkdir -p "$tmp/src/fixtures/csum" "$tmp/src/man" "$tmp/orig"
cp "$src/fixtures/csum/families.json" "$src/man/ecu-csum.1" "$src/README.md" "$tmp/orig/"
restore() {
    cp "$tmp/orig/families.json" "$tmp/src/fixtures/csum/"
    cp "$tmp/orig/ecu-csum.1" "$tmp/src/man/"
    cp "$tmp/orig/README.md" "$tmp/src/"
}
pass=0
fail=0
# expect STATUS LABEL [TEXT]: csum-families.sh check on the copy must exit with STATUS and say
# TEXT (the reason)
expect() {
    sh "$check" check "$bindir" "$tmp/src" >"$tmp/log" 2>&1
    st=$?
    if [ "$st" -eq "$1" ] && { [ $# -lt 3 ] || grep -qF -e "$3" "$tmp/log"; }; then
        pass=$((pass + 1))
        echo "ok: $2 (status $st)"
    else
        fail=$((fail + 1))
        echo "FAIL: $2: status $st, expected $1${3:+ and: $3}"
        cat "$tmp/log"
    fi
    restore
}
snap=$tmp/src/fixtures/csum/families.json
page=$tmp/src/man/ecu-csum.1
restore
expect 0 "the files as they are"
# the snapshot: a family gone, one more, a field changed, a line repeated
sed -i '$d' "$snap"
expect 1 "snapshot without its last family" "differ from fixtures/csum/families.json"
sed -n '1s/"family":"[a-z0-9-]*"/"family":"bosch-nonesuch"/p' "$tmp/orig/families.json" >>"$snap"
expect 1 "snapshot with one family more" "no .TP paragraph under Families for: bosch-nonesuch"
sed -i '2s/"verifies":"./"verifies":"X/' "$snap"
expect 1 "snapshot with a field changed" "differ from fixtures/csum/families.json"
sed -n '1p' "$tmp/orig/families.json" >>"$snap"
expect 1 "snapshot with a line repeated" "a family is listed twice"
# the man page: a tag renamed, a .TP gone, the count wrong
sed -i 's/^\.B bosch-edc16$/.B bosch-edc16x/' "$page"
expect 1 "man page with a family tag renamed" "families the library does not have: bosch-edc16x"
awk '{ l[NR] = $0 } END { for (i = 1; i <= NR; i++)
                              if (!(l[i] == ".TP" && l[i + 1] == ".B sim2k")) print l[i] }' \
    "$tmp/orig/ecu-csum.1" >"$page"
expect 1 "man page without the .TP before a family" "under Families for: sim2k"
sed -i 's/It has [a-z-]* families/It has seven families/' "$page"
expect 1 "man page with a wrong count" "man/ecu-csum.1 does not say 'It has"
# README: a name gone, the count wrong (the backquotes are Markdown's)
# shellcheck disable=SC2016
sed -i 's/`sim2k`/sim2k/g' "$tmp/src/README.md"
# shellcheck disable=SC2016
expect 1 "README without a family name" 'README.md does not name `sim2k`'
sed -i 's/(\([0-9]*\) families/(1\1 families/' "$tmp/src/README.md"
expect 1 "README with a wrong count" "README.md does not say"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
