#!/bin/sh
# The include path of each layer of lib/ is the build's enforcement of the arrows (a family
# sees only include/ and lib/core): no source may reach around it with a relative path that
# climbs out of its folder ("../"). Kits are reached from the families as "kits/NAME.h".
# usage: includes.sh LIB_DIR
set -eu
[ $# -eq 1 ] || { echo "usage: includes.sh LIB_DIR" >&2; exit 2; }
bad=$(grep -rn --include='*.[ch]' '^[[:space:]]*#[[:space:]]*include[[:space:]]*"[^"]*\.\./' "$1" || true)
n=$(find "$1" -name '*.[ch]' | wc -l)
if [ -n "$bad" ]; then
    printf '%s\n' "$bad" | sed 's/$/: an include that climbs out of its layer/'
    echo "includes: $n files, $(printf '%s\n' "$bad" | wc -l) relative includes out of their folder"
    exit 1
fi
echo "includes: $n files, none reaches out of its layer's include path"
