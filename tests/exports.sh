#!/bin/sh
# The shared library exports exactly the functions declared with ECU_API in the headers.
lib=$1
incdir=$2
want=$(mktemp) have=$(mktemp)
trap 'rm -f "$want" "$have"' EXIT
{
    grep -ho 'ECU_API [^(]*(' "$incdir"/*.h | sed -E 's/.*[ *]([a-z_0-9]+)\($/\1/' | grep '^ecu_'
    # exported data: ECU_API extern const TYPE NAME;
    sed -n 's/^ECU_API extern const [a-z_]* \([A-Za-z0-9_]*\);.*/\1/p' "$incdir"/*.h
} | sort -u >"$want"
nm -D --defined-only "$lib" | awk '$2 ~ /^[TDR]$/ { sub(/@.*/, "", $3); print $3 }' | grep -v '^LIBECU_' | sort -u >"$have"
if ! diff -u "$want" "$have"; then
    echo "exported symbols (+) differ from the ECU_API declarations (-)"
    exit 1
fi
# every export carries the version node of the version script
if nm -D --defined-only "$lib" | awk '$2 ~ /^[TDR]$/ && $3 !~ /^LIBECU_/' | grep -qv '@@LIBECU_'; then
    echo "an exported symbol has no LIBECU_ version"
    exit 1
fi
soname=$(objdump -p "$lib" | awk '/SONAME/ { print $2 }')
case $soname in
    libecu.so.[0-9]*) ;;
    *) echo "unexpected SONAME '$soname'"; exit 1 ;;
esac
echo "$(wc -l <"$have") symbols exported, SONAME $soname"
