#!/bin/sh
# The checksum families of the fixtures are the library's, not a second copy of them.
# fixtures/csum/families.json is what `ecu-csum --list-families --json` printed when it was last
# written; fixtures/csum/generate.py writes the golden cases csum-list-families(-json) from it.
#   csum-families.sh check BINDIR SOURCE_DIR
#       the built ecu-csum still prints the snapshot (a family added, removed or changed in the
#       library without the snapshot and the golden cases rewritten fails here), and
#       man/ecu-csum.1 (a tagged paragraph under "Families", and the count in words) and
#       README.md (the name in backquotes, and the count) document every family of it and no
#       other
#   csum-families.sh update BINDIR SOURCE_DIR
#       rewrites the snapshot from the built ecu-csum (cmake --build --preset default
#       --target csum-families); then run python3 fixtures/csum/generate.py
set -u
if [ $# -ne 3 ] || { [ "$1" != check ] && [ "$1" != update ]; }; then
    echo "usage: $0 check|update BINDIR SOURCE_DIR" >&2
    exit 2
fi
mode=$1
csum=$(cd "$2" && pwd)/ecu-csum
src=$(cd "$3" && pwd)
snap=$src/fixtures/csum/families.json
page=$src/man/ecu-csum.1
readme=$src/README.md
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
trap 'exit 2' HUP INT TERM

"$csum" --list-families --json >"$tmp/now" 2>"$tmp/err"
st=$?
if [ $st -ne 0 ] || [ ! -s "$tmp/now" ] || [ -s "$tmp/err" ]; then
    echo "ecu-csum --list-families --json failed (status $st):"
    cat "$tmp/err"
    exit 1
fi

if [ "$mode" = update ]; then
    if cmp -s "$tmp/now" "$snap"; then
        echo "$snap is up to date"
    else
        cp "$tmp/now" "$snap.tmp" && mv "$snap.tmp" "$snap" || exit 2
        echo "wrote $snap; now run python3 fixtures/csum/generate.py and commit both"
    fi
    exit 0
fi

fail=0
bad() { echo "FAIL: $1"; fail=1; }

# ---- the snapshot is the library's list ---------------------------------------------------------
if ! cmp -s "$snap" "$tmp/now"; then
    diff -u "$snap" "$tmp/now"
    bad "the library's families differ from fixtures/csum/families.json: run
      cmake --build --preset default --target csum-families
      python3 fixtures/csum/generate.py
    and commit the snapshot with the golden cases it rewrites"
fi

# ---- the names, one a line --------------------------------------------------------------------
sed -n 's/^{"family":"\([a-z0-9-]*\)",.*}$/\1/p' "$snap" >"$tmp/names"
if [ "$(wc -l <"$tmp/names")" -ne "$(wc -l <"$snap")" ]; then
    bad "a line of $snap does not start with a family name"
fi
sort "$tmp/names" >"$tmp/names.sorted"
if [ -n "$(uniq -d "$tmp/names.sorted")" ]; then
    bad "a family is listed twice: $(uniq -d "$tmp/names.sorted" | tr '\n' ' ')"
fi
count=$(wc -l <"$tmp/names" | tr -d ' ')

# ---- man/ecu-csum.1: a tagged paragraph for each family under "Families" -----------------------
# the tags are the lines after .TP, ".B name" or ".BR name1 \", \" name2 ...", hyphens as \-
awk '/^\.SS Families/ { f = 1; next } /^\.S[SH]/ { f = 0 }
     f && tp && /^\.BR? / {
         line = $0; sub(/^\.BR? /, "", line); gsub(/\\-/, "-", line); gsub(/"[^"]*"/, " ", line)
         n = split(line, w, " ")
         for (i = 1; i <= n; i++) print w[i]
     }
     { tp = f && $0 == ".TP" }' "$page" | sort >"$tmp/man"
comm -23 "$tmp/names.sorted" "$tmp/man" >"$tmp/undocumented"
comm -13 "$tmp/names.sorted" "$tmp/man" >"$tmp/unknown"
[ -s "$tmp/undocumented" ] &&
    bad "man/ecu-csum.1 has no .TP paragraph under Families for: $(tr '\n' ' ' <"$tmp/undocumented")"
[ -s "$tmp/unknown" ] &&
    bad "man/ecu-csum.1 documents families the library does not have: $(tr '\n' ' ' <"$tmp/unknown")"
# "It has thirty-two families", the count in words
words=$(awk -v n="$count" 'BEGIN {
    split("one two three four five six seven eight nine ten eleven twelve thirteen fourteen " \
          "fifteen sixteen seventeen eighteen nineteen", u, " ")
    split("- twenty thirty forty fifty sixty seventy eighty ninety", t, " ")
    if (n < 20) print u[n]; else print t[int(n / 10)] (n % 10 ? "-" u[n % 10] : "") }')
grep -q "It has $words families" "$page" ||
    bad "man/ecu-csum.1 does not say 'It has $words families' ($count in $snap)"

# ---- README.md: each family named in backquotes, and the count ---------------------------------
while read -r name; do
    grep -qF "\`$name\`" "$readme" || bad "README.md does not name \`$name\`"
done <"$tmp/names"
grep -q "($count families" "$readme" || bad "README.md does not say '($count families'"

[ $fail -eq 0 ] && echo "$count families: the snapshot is the library's list, and documented"
exit $fail
