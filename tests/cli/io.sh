#!/bin/sh
# How ecu-csum and ecu-cmp read and write files (issue 13 item 4): inputs that are no regular
# file (FIFO, character device, a stream that never ends), -o and -f, --in-place through
# symbolic links and hard links, modes and owners, FILE.orig, names as long as a name can be,
# and failures in the middle of a write (a full disk, a rename refused, kill -9), simulated
# with the LD_PRELOAD shim cli/ioshim.c.
#   io.sh BINDIR FIXTURES SHIM
# Fixture facts used here (fixtures/csum/expected.tsv): edc16-512k-bad.bin.gz has 1 bad block
# of 2 and --fix corrects it; reads/base.bin, vote_a.bin and vote_b.bin have a strict
# majority everywhere, base.bin's bytes (see behaviour.sh).
set -u
if [ $# -ne 3 ]; then
    echo "usage: $0 BINDIR FIXTURES SHIM" >&2
    exit 2
fi
bindir=$(cd "$1" && pwd)
tool=$bindir/ecu-csum
cmp_tool=$bindir/ecu-cmp
fixtures=$(cd "$2" && pwd)
shim=$(cd "$(dirname "$3")" && pwd)/$(basename "$3")
. "$(dirname "$0")/harness.sh"
# shellcheck disable=SC2012 # names we made ourselves; ls -A is the portable listing
names_in() { (cd "$1" && ls -A | tr '\n' ' '); }
verifies() { "$tool" -q "$1"; }
# mode_of FILE: its permission bits in octal; owner_of FILE: uid:gid
mode_of() { stat -c %a "$1"; }
owner_of() { stat -c %u:%g "$1"; }
# with_shim [VAR=VALUE...] TOOL ARGS...: runs under the shim (ASan must then let it come first)
with_shim() {
    env ASAN_OPTIONS="${ASAN_OPTIONS:-}:verify_asan_link_order=0" LD_PRELOAD="$shim" "$@"
}
# name_of LENGTH: a file name of LENGTH characters ending in .bin
name_of() { printf "%0$(($1 - 4))d.bin" 0 | tr 0 n; }

for need in gzip stat timeout mkfifo; do
    if ! command -v "$need" >/dev/null 2>&1; then
        echo "FAIL: $need not found"
        echo "0 passed, 1 failed"
        exit 1
    fi
done
fixture_sums >"$tmp/sums.before"
EDC=csum/edc16-512k-bad.bin.gz
gzip -dc "$fixtures/$EDC" >"$tmp/bad.bin"
"$tool" -q --fix -o "$tmp/fixed.bin" "$tmp/bad.bin" || bad "the reference correction failed"
umask 022

# ---- 1. inputs that are no regular file ------------------------------------------------------
mkdir "$tmp/sp"
mkfifo "$tmp/sp/fifo"
timeout 20 "$tool" "$tmp/sp/fifo" >"$tmp/out" 2>"$tmp/err"
st=$?
check "a FIFO named as a file: refused at once, exit 2 (got $st; 124 is a hang)" is "$st" 2
check "a FIFO named as a file: the message says what it is" \
    has "$tmp/err" "ecu-csum: $tmp/sp/fifo: not a regular file (FIFO)"
timeout 20 "$cmp_tool" "$tmp/sp/fifo" "$fixtures/reads/base.bin" >"$tmp/out" 2>"$tmp/err"
st=$?
check "ecu-cmp, a FIFO: refused at once, exit 2 (got $st)" is "$st" 2
# /dev/zero named: refused before a byte is read (it was read to 257 MiB before)
if [ -c /dev/zero ]; then
    timeout 20 "$tool" /dev/zero >"$tmp/out" 2>"$tmp/err"
    st=$?
    check "/dev/zero named as a file: exit 2 (got $st)" is "$st" 2
    check "/dev/zero named as a file: refused as a character device" \
        has "$tmp/err" "/dev/zero: not a regular file (character device)"
    # as standard input it is read, but only up to the span limit
    timeout 20 "$tool" --max-span 1M - </dev/zero >"$tmp/out" 2>"$tmp/err"
    st=$?
    check "standard input /dev/zero: exit 2 (got $st)" is "$st" 2
    check "standard input /dev/zero: stops at the span limit" \
        has "$tmp/err" "more than 1048576 bytes of raw data"
fi
# a pipe that gives more than the limit: the writer is left unfinished (4 MiB were read
# whole before, within the bound of text: 4 x 1 MiB + 1 MiB)
rm -f "$tmp/sp/complete"
{ head -c 4194304 /dev/zero && : >"$tmp/sp/complete"; } 2>/dev/null |
    "$tool" --max-span 1M - >"$tmp/out" 2>"$tmp/err"
check "a pipe of raw data over the limit: refused" has "$tmp/err" "more than 1048576 bytes of raw data"
check "a pipe of raw data over the limit: reading stopped early" test ! -e "$tmp/sp/complete"
# within the limit a pipe still works
gzip -dc "$fixtures/$EDC" | "$tool" -q -
st=$?
check "a pipe of an image within the limit: read (exit 1, bad, got $st)" is "$st" 1

# ---- 4. -o and -f ----------------------------------------------------------------------------
mkdir "$tmp/o"
printf 'old' >"$tmp/o/out.bin"
run --fix -o "$tmp/o/out.bin" "$EDC"
check "-o over a file: exit 2 (got $st)" is "$st" 2
check "-o over a file: left untouched" is "$(cat "$tmp/o/out.bin")" old
check "-o over a file: nothing else in the folder" is "$(names_in "$tmp/o")" "out.bin "
check "-o over a file: the message names -f" has "$tmp/err" "ecu-csum: $tmp/o/out.bin: exists; not replaced (-f replaces it)"
check "-o over a file: nothing on stdout" empty "$tmp/out"
chmod 640 "$tmp/o/out.bin"
run --fix -f -o "$tmp/o/out.bin" "$EDC"
check "-f -o over a file: exit 0 (got $st)" is "$st" 0
check "-f -o over a file: replaced" same_file "$tmp/o/out.bin" "$tmp/fixed.bin"
check "-f -o over a file: mode 640 kept" is "$(mode_of "$tmp/o/out.bin")" 640
check "-f -o over a file: nothing else in the folder" is "$(names_in "$tmp/o")" "out.bin "
run --fix --force -o "$tmp/o/new.bin" "$EDC"
check "--force -o a new file: exit 0 (got $st)" is "$st" 0
check "--force -o a new file: mode from the umask (644)" is "$(mode_of "$tmp/o/new.bin")" 644
# a symbolic link: refused without -f; with -f the file it names is replaced, the link kept
mkdir "$tmp/o/real"
printf 'old' >"$tmp/o/real/target.bin"
ln -s real/target.bin "$tmp/o/link.bin"
run --fix -o "$tmp/o/link.bin" "$EDC"
check "-o a symbolic link: exit 2 (got $st)" is "$st" 2
check "-o a symbolic link: its file untouched" is "$(cat "$tmp/o/real/target.bin")" old
run --fix -f -o "$tmp/o/link.bin" "$EDC"
check "-f -o a symbolic link: exit 0 (got $st)" is "$st" 0
check "-f -o a symbolic link: still a link" test -L "$tmp/o/link.bin"
check "-f -o a symbolic link: the file it names replaced" same_file "$tmp/o/real/target.bin" "$tmp/fixed.bin"
check "-f -o a symbolic link: nothing left beside the file" is "$(names_in "$tmp/o/real")" "target.bin "
# a dangling link: refused without -f, with it the file is made where the link points
ln -s real/made.bin "$tmp/o/dangling.bin"
run --fix -o "$tmp/o/dangling.bin" "$EDC"
check "-o a dangling link: exit 2 (got $st)" is "$st" 2
check "-o a dangling link: nothing made" test ! -e "$tmp/o/real/made.bin"
run --fix -f -o "$tmp/o/dangling.bin" "$EDC"
check "-f -o a dangling link: exit 0 (got $st)" is "$st" 0
check "-f -o a dangling link: the file made where it points" same_file "$tmp/o/real/made.bin" "$tmp/fixed.bin"
# a file with two names is not replaced, not even with -f
printf 'old' >"$tmp/o/two.bin"
ln "$tmp/o/two.bin" "$tmp/o/two-alias.bin"
run --fix -f -o "$tmp/o/two.bin" "$EDC"
check "-f -o a file with 2 hard links: exit 2 (got $st)" is "$st" 2
check "-f -o a file with 2 hard links: untouched" is "$(cat "$tmp/o/two-alias.bin")" old
check "-f -o a file with 2 hard links: the reason" has "$tmp/err" "has 2 hard links"
# -f needs something to replace
run --fix -f --in-place --no-backup "$tmp/o/out.bin"
check "-f --in-place --no-backup: usage error, exit 2 (got $st)" is "$st" 2
run -f "$EDC"
check "-f without -o: usage error, exit 2 (got $st)" is "$st" 2
# the output is the input, given as standard input: refused (ecu-cmp refused it already)
cp "$tmp/bad.bin" "$tmp/o/in.bin"
run_in "$tmp/o/in.bin" --fix -f -o "$tmp/o/in.bin" -
check "-f -o FILE - < FILE: exit 2 (got $st)" is "$st" 2
check "-f -o FILE - < FILE: untouched" same_file "$tmp/o/in.bin" "$tmp/bad.bin"
check "-f -o FILE - < FILE: the reason" has "$tmp/err" "is the input"
ln -s in.bin "$tmp/o/in-link.bin"
run --fix -f -o "$tmp/o/in-link.bin" "$tmp/o/in.bin"
check "-f -o LINK-TO-FILE FILE: exit 2 (got $st)" is "$st" 2
check "-f -o LINK-TO-FILE FILE: untouched" same_file "$tmp/o/in.bin" "$tmp/bad.bin"
# ecu-cmp -o: the same rules
mkdir "$tmp/c"
printf 'old' >"$tmp/c/cons.bin"
(cd "$fixtures" && "$cmp_tool" -q -o "$tmp/c/cons.bin" reads/base.bin reads/vote_a.bin reads/vote_b.bin) 2>"$tmp/err"
st=$?
check "ecu-cmp -o over a file: exit 2 (got $st)" is "$st" 2
check "ecu-cmp -o over a file: untouched" is "$(cat "$tmp/c/cons.bin")" old
check "ecu-cmp -o over a file: the message names -f" has "$tmp/err" "exists; not replaced (-f replaces it)"
(cd "$fixtures" && "$cmp_tool" -q -f -o "$tmp/c/cons.bin" reads/base.bin reads/vote_a.bin reads/vote_b.bin)
st=$?
check "ecu-cmp -f -o over a file: exit 0 (got $st)" is "$st" 0
check "ecu-cmp -f -o over a file: replaced" same_file "$tmp/c/cons.bin" "$fixtures/reads/base.bin"
(cd "$fixtures" && "$cmp_tool" -q -f reads/base.bin reads/vote_a.bin) 2>"$tmp/err"
st=$?
check "ecu-cmp -f without -o: usage error, exit 2 (got $st)" is "$st" 2
# --save-key: a key file is never replaced, not even with -f (checked before anything is read)
printf 'a key' >"$tmp/o/key.pem"
run --fix --resign -f --save-key "$tmp/o/key.pem" -o "$tmp/o/signed.bin" "$EDC"
check "--save-key over a file with -f: exit 2 (got $st)" is "$st" 2
check "--save-key over a file with -f: the key file untouched" is "$(cat "$tmp/o/key.pem")" "a key"
check "--save-key over a file with -f: no image written" test ! -e "$tmp/o/signed.bin"

# ---- 3. names as long as a name can be (NAME_MAX, 255) ---------------------------------------
mkdir "$tmp/long"
n255=$(name_of 255)
n250=$(name_of 250)
n251=$(name_of 251)
run --fix -o "$tmp/long/$n255" "$EDC"
check "-o a 255-character name: exit 0 (got $st)" is "$st" 0
check "-o a 255-character name: written" same_file "$tmp/long/$n255" "$tmp/fixed.bin"
run --fix -f -o "$tmp/long/$n255" "$EDC"
check "-f -o over a 255-character name: exit 0 (got $st)" is "$st" 0
cp "$tmp/bad.bin" "$tmp/long/$n250"
run --fix --in-place "$tmp/long/$n250"
check "--in-place, a 250-character name: exit 0 (got $st)" is "$st" 0
check "--in-place, a 250-character name: corrected" same_file "$tmp/long/$n250" "$tmp/fixed.bin"
check "--in-place, a 250-character name: its 255-character backup" same_file "$tmp/long/$n250.orig" "$tmp/bad.bin"
cp "$tmp/bad.bin" "$tmp/long/$n251"
run --fix --in-place "$tmp/long/$n251"
check "--in-place, a 251-character name with a backup: exit 2 (got $st)" is "$st" 2
check "--in-place, a 251-character name with a backup: untouched" same_file "$tmp/long/$n251" "$tmp/bad.bin"
check "--in-place, a 251-character name with a backup: says why" has "$tmp/err" "use --no-backup, or -o"
rm "$tmp/long/$n255"
cp "$tmp/bad.bin" "$tmp/long/$n255"
run --fix --in-place --no-backup "$tmp/long/$n255"
check "--in-place --no-backup, a 255-character name: exit 0 (got $st)" is "$st" 0
check "--in-place --no-backup, a 255-character name: corrected" same_file "$tmp/long/$n255" "$tmp/fixed.bin"
check "long names: nothing else left in the folder" \
    is "$(names_in "$tmp/long" | tr ' ' '\n' | grep -c .)" 4

# ---- 2. --in-place ---------------------------------------------------------------------------
# through a symbolic link: the link stays, the file it names is corrected, its backup beside it
mkdir "$tmp/ip" "$tmp/ip/data"
cp "$tmp/bad.bin" "$tmp/ip/data/img.bin"
chmod 600 "$tmp/ip/data/img.bin"
ln -s data/img.bin "$tmp/ip/link.bin"
run --fix --in-place "$tmp/ip/link.bin"
check "--in-place through a link: exit 0 (got $st)" is "$st" 0
check "--in-place through a link: still a link" test -L "$tmp/ip/link.bin"
check "--in-place through a link: the file corrected" same_file "$tmp/ip/data/img.bin" "$tmp/fixed.bin"
check "--in-place through a link: the backup beside the file" same_file "$tmp/ip/data/img.bin.orig" "$tmp/bad.bin"
check "--in-place through a link: nothing beside the link" is "$(names_in "$tmp/ip")" "data link.bin "
check "--in-place: the mode kept (600, not the umask's)" is "$(mode_of "$tmp/ip/data/img.bin")" 600
check "--in-place: the backup has the original's mode (600)" is "$(mode_of "$tmp/ip/data/img.bin.orig")" 600
check "--in-place: nothing else beside the file" is "$(names_in "$tmp/ip/data")" "img.bin img.bin.orig "
# FILE.orig exists: refused, then replaced with -f
cp "$tmp/bad.bin" "$tmp/ip/data/img.bin"
printf 'older' >"$tmp/ip/data/img.bin.orig"
run --fix --in-place "$tmp/ip/data/img.bin"
check "--in-place, FILE.orig exists: exit 2 (got $st)" is "$st" 2
check "--in-place, FILE.orig exists: FILE untouched" same_file "$tmp/ip/data/img.bin" "$tmp/bad.bin"
check "--in-place, FILE.orig exists: FILE.orig untouched" is "$(cat "$tmp/ip/data/img.bin.orig")" older
check "--in-place, FILE.orig exists: names -f" has "$tmp/err" "use -f to replace it"
run --fix -f --in-place "$tmp/ip/data/img.bin"
check "-f --in-place, FILE.orig exists: exit 0 (got $st)" is "$st" 0
check "-f --in-place, FILE.orig exists: FILE corrected" same_file "$tmp/ip/data/img.bin" "$tmp/fixed.bin"
check "-f --in-place, FILE.orig exists: FILE.orig replaced" same_file "$tmp/ip/data/img.bin.orig" "$tmp/bad.bin"
# a file with two names: refused, naming -o
mkdir "$tmp/hl"
cp "$tmp/bad.bin" "$tmp/hl/img.bin"
ln "$tmp/hl/img.bin" "$tmp/hl/alias.bin"
run --fix --in-place "$tmp/hl/img.bin"
check "--in-place, 2 hard links: exit 2 (got $st)" is "$st" 2
check "--in-place, 2 hard links: untouched" same_file "$tmp/hl/alias.bin" "$tmp/bad.bin"
check "--in-place, 2 hard links: no backup, nothing else" is "$(names_in "$tmp/hl")" "alias.bin img.bin "
check "--in-place, 2 hard links: the reason, naming -o" has "$tmp/err" "it has 2 hard links"
check "--in-place, 2 hard links: names -o" has "$tmp/err" "use -o"
# owner and group kept (root may give them; others cannot test this)
if [ "$(id -u)" -eq 0 ]; then
    mkdir "$tmp/own"
    cp "$tmp/bad.bin" "$tmp/own/img.bin"
    chown 12345:23456 "$tmp/own/img.bin"
    chmod 640 "$tmp/own/img.bin"
    run --fix --in-place "$tmp/own/img.bin"
    check "--in-place as root: exit 0 (got $st)" is "$st" 0
    check "--in-place as root: owner and group kept" is "$(owner_of "$tmp/own/img.bin")" 12345:23456
    check "--in-place as root: the backup's owner and group" is "$(owner_of "$tmp/own/img.bin.orig")" 12345:23456
    check "--in-place as root: the backup's mode 640" is "$(mode_of "$tmp/own/img.bin.orig")" 640
    printf 'old' >"$tmp/own/out.bin"
    chown 12345:23456 "$tmp/own/out.bin"
    run --fix -f -o "$tmp/own/out.bin" "$EDC"
    check "-f -o as root: owner and group kept" is "$(owner_of "$tmp/own/out.bin")" 12345:23456
else
    echo "skip: not root, owner and group cannot be given to another user's file"
fi

# ---- a folder without write permission (root is not refused: skipped) ---------------------------
if [ "$(id -u)" -ne 0 ]; then
    mkdir "$tmp/ro"
    cp "$tmp/bad.bin" "$tmp/ro/img.bin"
    chmod 555 "$tmp/ro"
    run --fix -o "$tmp/ro/out.bin" "$EDC"
    check "-o in a read-only folder: exit 2 (got $st)" is "$st" 2
    check "-o in a read-only folder: says why" has "$tmp/err" "Permission denied"
    run --fix --in-place "$tmp/ro/img.bin"
    check "--in-place in a read-only folder: exit 2 (got $st)" is "$st" 2
    check "--in-place in a read-only folder: untouched" same_file "$tmp/ro/img.bin" "$tmp/bad.bin"
    chmod 755 "$tmp/ro"
    check "read-only folder: nothing left in it" is "$(names_in "$tmp/ro")" "img.bin "
else
    echo "skip: root writes into a read-only folder, not checked"
fi

# ---- failures in the middle (the shim) ----------------------------------------------------------
if [ -f "$shim" ] && with_shim true 2>/dev/null; then
    size=$(wc -c <"$tmp/bad.bin")
    mkdir "$tmp/full"
    cp "$tmp/bad.bin" "$tmp/full/img.bin"
    # the disk fills up after the backup: the backup is removed again, FILE untouched
    (cd "$fixtures" && with_shim ECU_SHIM_ENOSPC=$((size + 1000)) "$tool" --fix --in-place "$tmp/full/img.bin") \
        >"$tmp/out" 2>"$tmp/err"
    st=$?
    check "disk full after the backup: exit 2 (got $st)" is "$st" 2
    check "disk full after the backup: FILE untouched" same_file "$tmp/full/img.bin" "$tmp/bad.bin"
    check "disk full after the backup: the backup removed, nothing left" is "$(names_in "$tmp/full")" "img.bin "
    check "disk full after the backup: says so" has "$tmp/err" "No space left on device"
    check "disk full after the backup: says the backup was removed" has "$tmp/err" "img.bin.orig made for it was removed"
    # and a later run is not refused for a FILE.orig left behind
    run --fix --in-place "$tmp/full/img.bin"
    check "the run after: exit 0 (got $st)" is "$st" 0
    check "the run after: corrected" same_file "$tmp/full/img.bin" "$tmp/fixed.bin"
    # the replacement refused (as without permission) after the backup: the same
    cp "$tmp/bad.bin" "$tmp/full/img.bin"
    rm "$tmp/full/img.bin.orig"
    (cd "$fixtures" && with_shim ECU_SHIM_RENAME=1 "$tool" --fix --in-place "$tmp/full/img.bin") \
        >"$tmp/out" 2>"$tmp/err"
    st=$?
    check "replacement refused after the backup: exit 2 (got $st)" is "$st" 2
    check "replacement refused after the backup: FILE untouched" same_file "$tmp/full/img.bin" "$tmp/bad.bin"
    check "replacement refused after the backup: nothing left" is "$(names_in "$tmp/full")" "img.bin "
    check "replacement refused after the backup: says why" has "$tmp/err" "Permission denied"
    # -o on a full disk: no partial output, no temporary file
    (cd "$fixtures" && with_shim ECU_SHIM_ENOSPC=1000 "$tool" --fix -o "$tmp/full/out.bin" "$EDC") \
        >"$tmp/out" 2>"$tmp/err"
    st=$?
    check "-o on a full disk: exit 2 (got $st)" is "$st" 2
    check "-o on a full disk: no output, nothing left" is "$(names_in "$tmp/full")" "img.bin "
    # kill -9 in the middle of the write: FILE is whole (old), at most the temporary file stays
    mkdir "$tmp/kill"
    cp "$tmp/bad.bin" "$tmp/kill/img.bin"
    # started by env itself, so that $! is the tool (env execs it), not a subshell
    env ASAN_OPTIONS="${ASAN_OPTIONS:-}:verify_asan_link_order=0" LD_PRELOAD="$shim" \
        ECU_SHIM_STALL="$tmp/stalled" "$tool" --fix --in-place --no-backup "$tmp/kill/img.bin" \
        >/dev/null 2>&1 &
    pid=$!
    i=0
    while [ ! -e "$tmp/stalled" ] && [ $i -lt 200 ]; do
        sleep 0.1
        i=$((i + 1))
    done
    kill -9 "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    check "kill -9 during --in-place: it was stopped in the write" test -e "$tmp/stalled"
    check "kill -9 during --in-place: FILE is the whole original" same_file "$tmp/kill/img.bin" "$tmp/bad.bin"
    left=$(cd "$tmp/kill" && ls -A | grep -v '^img\.bin$' | grep -c '^\.ecu......$')
    check "kill -9 during --in-place: only the temporary .ecuXXXXXX left beside it" \
        is "$(names_in "$tmp/kill" | wc -w | tr -d ' '):$left" "2:1"
    # SIGTERM while FILE is written, after its backup: FILE whole, backup and temporary removed
    rm -f "$tmp/stalled" "$tmp"/kill/.ecu??????
    env ASAN_OPTIONS="${ASAN_OPTIONS:-}:verify_asan_link_order=0" LD_PRELOAD="$shim" \
        ECU_SHIM_STALL="$tmp/stalled" ECU_SHIM_STALL_SKIP="$size" "$tool" --fix --in-place \
        "$tmp/kill/img.bin" >/dev/null 2>&1 &
    pid=$!
    i=0
    while [ ! -e "$tmp/stalled" ] && [ $i -lt 200 ]; do
        sleep 0.1
        i=$((i + 1))
    done
    check "SIGTERM during --in-place: it was stopped in the write of FILE" test -e "$tmp/stalled"
    check "SIGTERM during --in-place: the backup was made" test -e "$tmp/kill/img.bin.orig"
    kill -TERM "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    check "SIGTERM during --in-place: FILE is the whole original" same_file "$tmp/kill/img.bin" "$tmp/bad.bin"
    check "SIGTERM during --in-place: the backup and the temporary file removed" \
        is "$(names_in "$tmp/kill")" "img.bin "
else
    echo "skip: the LD_PRELOAD shim cannot be used here"
fi

# ---- a name with a newline ------------------------------------------------------------------------
mkdir "$tmp/nl"
nl_name="$tmp/nl/two
lines.bin"
cp "$tmp/bad.bin" "$nl_name"
run --fix --in-place "$nl_name"
check "--in-place, a name with a newline: exit 0 (got $st)" is "$st" 0
check "--in-place, a name with a newline: corrected" same_file "$nl_name" "$tmp/fixed.bin"
check "--in-place, a name with a newline: its backup" same_file "$nl_name.orig" "$tmp/bad.bin"
run --fix -o "$nl_name.out" "$EDC"
check "-o a name with a newline: exit 0 (got $st)" is "$st" 0
check "-o a name with a newline: written" same_file "$nl_name.out" "$tmp/fixed.bin"

finish
