#!/bin/sh
# What the CLI behaviour scripts share; sourced after $tool and $fixtures are set.
# Counters, a temporary folder removed at exit, and small predicates for `check`.
pass=0
fail=0
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
trap 'exit 2' HUP INT TERM

ok() { pass=$((pass + 1)); echo "ok: $1"; }
bad() { fail=$((fail + 1)); echo "FAIL: $1"; }
# check DESCRIPTION COMMAND...: passes when the command succeeds
check() {
    desc=$1
    shift
    if "$@"; then ok "$desc"; else bad "$desc"; fi
}
# run ARGS...: runs the tool from the fixtures folder; stdout in $tmp/out, stderr in $tmp/err,
# the exit status in $st
run() {
    (cd "$fixtures" && "$tool" "$@") >"$tmp/out" 2>"$tmp/err"
    st=$?
}
# run_in INPUT ARGS...: the same with standard input from INPUT
run_in() {
    input=$1
    shift
    (cd "$fixtures" && "$tool" "$@") <"$input" >"$tmp/out" 2>"$tmp/err"
    st=$?
}
is() { [ "$1" = "$2" ]; }
empty() { [ ! -s "$1" ]; }
lines() { wc -l <"$1" | tr -d ' '; }
first_line() { head -n 1 "$1"; }
has() { grep -F -e "$2" "$1" >/dev/null; }
same_file() { cmp -s "$1" "$2"; }
differ() { ! cmp -s "$1" "$2"; }
# a listing of every fixture with its checksum
fixture_sums() { (cd "$fixtures" && find . -type f -exec cksum {} + | sort -k 3); }
# finish: checks the fixtures against $tmp/sums.before (taken at the start), prints the counts
# and ends the script: status 0 only when nothing failed
finish() {
    fixture_sums >"$tmp/sums.after"
    if cmp -s "$tmp/sums.before" "$tmp/sums.after"; then
        ok "fixtures unchanged (no file modified, added or removed)"
    else
        bad "fixtures unchanged (no file modified, added or removed)"
        diff "$tmp/sums.before" "$tmp/sums.after"
    fi
    echo "$pass passed, $fail failed"
    [ "$fail" -eq 0 ]
    exit
}
