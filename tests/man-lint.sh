#!/bin/sh
# A man page passes when groff, asked for every warning, prints nothing at all.
# (groff exits 0 even when it warns, so the test looks at what it says.)
page=$1
if ! command -v groff >/dev/null 2>&1; then
    echo "groff not installed: man page lint skipped"
    exit 0
fi
msgs=$(LC_ALL=C.UTF-8 groff -t -mandoc -ww -z "$page" 2>&1)
if [ -n "$msgs" ]; then
    printf '%s\n' "$msgs"
    exit 1
fi
# Every page names a tool or the library and has the sections a reader looks for.
for section in NAME SYNOPSIS DESCRIPTION; do
    grep -q "^\.SH $section" "$page" || { echo "$page: no $section section"; exit 1; }
done
case $page in
    *.1) grep -q '^\.SH "\{0,1\}EXIT STATUS' "$page" || { echo "$page: no EXIT STATUS section"; exit 1; } ;;
esac
exit 0
