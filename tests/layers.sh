#!/bin/sh
# The library's arrows point down only (README.md, "Architecture"):
#   engines (csum, layout, id, cmp, diff) -> registry -> families -> kits -> core
# Checked on the compiled objects: every symbol an object uses must be defined in its own
# layer or below, and no family uses a symbol defined by another family (kits are shared).
# usage: layers.sh CORE_OBJS IO_OBJS FAMILY_OBJS ENGINE_OBJS   (each a ':'-separated list)
set -eu
[ $# -eq 4 ] || { echo "usage: layers.sh CORE IO FAMILIES ENGINES" >&2; exit 2; }
command -v nm >/dev/null || { echo "layers.sh: nm not found" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
# one line per object: LAYER OBJECT
i=0
for layer in core io families engines; do
    i=$((i + 1))
    eval "list=\${$i}"
    # shellcheck disable=SC2154 # set by the eval
    printf '%s\n' "$list" | tr ':' '\n' | while IFS= read -r o; do
        [ -n "$o" ] || continue
        [ -f "$o" ] || { echo "layers.sh: $o: no such object" >&2; exit 2; }
        case "$layer:$o" in
        families:*/kits/*) printf 'kits %s\n' "$o" ;;
        *) printf '%s %s\n' "$layer" "$o" ;;
        esac
    done
done > "$tmp/objects"
# symbols defined (DEF LAYER OBJECT SYMBOL) and used (USE LAYER OBJECT SYMBOL)
while read -r layer o; do
    nm --defined-only -g "$o" | awk -v l="$layer" -v o="$o" 'NF == 3 { print "DEF", l, o, $3 }'
    nm -u "$o" | awk -v l="$layer" -v o="$o" '{ print "USE", l, o, $NF }'
done < "$tmp/objects" > "$tmp/symbols"
# the definitions first, then the uses
{ grep '^DEF ' "$tmp/symbols" || true; grep '^USE ' "$tmp/symbols" || true; } > "$tmp/ordered"
# rank: what a layer may use (its own rank or lower); families may not use each other
awk '
function rank(l) { return l == "core" ? 0 : l == "kits" ? 1 : l == "io" ? 1 : l == "families" ? 2 : 3 }
$1 == "DEF" { dl[$4] = $2; dobj[$4] = $3; next }
$1 == "USE" && ($4 in dl) {
    u = $2; d = dl[$4]
    if (rank(d) > rank(u) || (u == "io" && d == "kits") || (u == "kits" && d == "io")) {
        printf "%s (%s) uses %s of %s (%s): an arrow up\n", $3, u, $4, dobj[$4], d; bad++
    } else if (u == "families" && d == "families" && dobj[$4] != $3) {
        printf "%s uses %s of another family, %s: share it through a kit\n", $3, $4, dobj[$4]; bad++
    }
    n++
}
END {
    printf "layers: %d uses of library symbols checked, %d against the arrows\n", n, bad
    exit bad ? 1 : 0
}' "$tmp/ordered"
