#!/bin/sh
# Golden CLI test: runs one case and compares stdout and the exit status with the expected ones.
#   golden.sh BINDIR CASE.cmd
# CASE.cmd holds one line: the tool and its arguments, run from the fixtures folder.
# CASE.out is the expected stdout, CASE.status the expected exit status (0 if absent).
set -u
bindir=$1
case_file=$2
base=${case_file%.cmd}
fixtures=$(cd "$(dirname "$0")/../../fixtures" && pwd)
expected_status=0
[ -f "$base.status" ] && expected_status=$(cat "$base.status")
out=$(mktemp) || exit 2
trap 'rm -f "$out"' EXIT
cmdline=$(cat "$case_file")
tool=${cmdline%% *}
args=${cmdline#"$tool"}
# shellcheck disable=SC2086 # word splitting of the case's arguments is intended
(cd "$fixtures" && eval "\"$bindir/$tool\" $args") >"$out"
status=$?
fail=0
if [ "$status" != "$expected_status" ]; then
    echo "exit status $status, expected $expected_status: $cmdline"
    fail=1
fi
if ! diff -u "$base.out" "$out"; then
    echo "stdout differs from $base.out: $cmdline"
    fail=1
fi
exit $fail
