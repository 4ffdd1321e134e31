#!/bin/sh
# Behaviour of ecu-cmp that golden files cannot check: stderr messages, writing the consensus
# with -o, standard input, --help/--version, and that the inputs are never modified.
#   behaviour.sh BINDIR FIXTURES
# Fixture facts used here (see fixtures/generate.py): base.bin + vote_a.bin + vote_b.bin have a
# strict majority everywhere and it is base.bin; base.bin + vote_b.bin + vote_c.bin have no
# majority at one byte; bad-checksum.hex fails on line 3, truncated.s19 on line 5; concat.hex
# (two HEX files one after the other) fails on line 836, the second file's first record;
# base-hi.hex holds base.bin's bytes at 0x810000, base.hex at 0x800000.
set -u
if [ $# -ne 2 ]; then
    echo "usage: $0 BINDIR FIXTURES" >&2
    exit 2
fi
tool=$(cd "$1" && pwd)/ecu-cmp
csum=$(cd "$1" && pwd)/ecu-csum
fixtures=$(cd "$2" && pwd)
. "$(dirname "$0")/harness.sh"
# the names in a folder, one a line, hidden ones included
names_in() { (cd "$1" && ls -A); }

fixture_sums >"$tmp/sums.before"

# ---- file errors: exit 2, nothing on stdout, one line "ecu-cmp: FILE: message" on stderr ------
# file_error LABEL FILE EXPECTED_TEXT ARGS...
file_error() {
    label=$1 file=$2 text=$3
    shift 3
    run "$@"
    check "$label: exit status 2 (got $st)" is "$st" 2
    check "$label: nothing on stdout" empty "$tmp/out"
    check "$label: one line on stderr (got $(lines "$tmp/err"))" is "$(lines "$tmp/err")" 1
    case $(first_line "$tmp/err") in
        "ecu-cmp: $file: "?*) ok "$label: stderr is 'ecu-cmp: $file: message'" ;;
        *) bad "$label: stderr is 'ecu-cmp: $file: message', got: $(first_line "$tmp/err")" ;;
    esac
    check "$label: the message says '$text'" has "$tmp/err" "$text"
}
file_error "bad HEX checksum" reads/bad-checksum.hex "line 3" reads/bad-checksum.hex reads/base.bin
file_error "bad HEX checksum" reads/bad-checksum.hex "checksum" reads/base.bin reads/bad-checksum.hex
file_error "truncated S-record" reads/truncated.s19 "line 5" reads/base.bin reads/truncated.s19
file_error "empty file" reads/empty.bin "empty" reads/base.bin reads/empty.bin
file_error "missing file" reads/no-such-read.bin "cannot open" reads/base.bin reads/no-such-read.bin
file_error "directory" reads "directory" reads reads/base.bin
file_error "over --max-span" reads/base.bin "limit" --max-span 1K reads/base.bin reads/same.bin
file_error "HEX files concatenated" reads/concat.hex "line 836: data records after the end-of-file record" \
    reads/concat.hex reads/base.bin

# ---- usage errors: exit 2, nothing on stdout, "ecu-cmp: message" and at most a hint line --------
# usage_error LABEL ARGS...
usage_error() {
    label=$1
    shift
    run "$@"
    check "$label: exit status 2 (got $st)" is "$st" 2
    check "$label: nothing on stdout" empty "$tmp/out"
    case $(first_line "$tmp/err") in
        "ecu-cmp: "?*) ok "$label: stderr starts with 'ecu-cmp: '" ;;
        *) bad "$label: stderr starts with 'ecu-cmp: ', got: $(first_line "$tmp/err")" ;;
    esac
    n=$(lines "$tmp/err")
    if [ "$n" = 1 ]; then
        ok "$label: one message line"
    elif [ "$n" = 2 ] && is "$(sed -n 2p "$tmp/err")" "Try 'ecu-cmp --help' for more information."; then
        ok "$label: one message line and the --help hint"
    else
        bad "$label: one message line (and at most the --help hint), got $n lines"
    fi
}
usage_error "one read" reads/base.bin
usage_error "no read"
usage_error "unknown option" --frobnicate reads/base.bin reads/same.bin
usage_error "--ignore 5:3" --ignore 5:3 reads/base.bin reads/same.bin
usage_error "--gap not a number" --gap x reads/base.bin reads/same.bin
# numbers start with a digit: no sign, no white space (strtoull would take " 5", "+5", "-1")
for n in ' 5' "$(printf '\t5')" '+5' '-1' '-0' ' 0x10'; do
    usage_error "--gap '$n'" --gap "$n" reads/base.bin reads/same.bin
done
usage_error "--max-span ' 1M'" --max-span ' 1M' reads/base.bin reads/same.bin
usage_error "--ignore ' 1:5'" --ignore ' 1:5' reads/base.bin reads/same.bin
usage_error "--ignore '1:+5'" --ignore '1:+5' reads/base.bin reads/same.bin
run -l --gap 0x10 --max 2K --max-span 1M reads/base.bin reads/same.bin  # --max goes with -l
check "numbers with a digit first are still taken (got $st)" is "$st" 0
usage_error "'-' twice" - -
usage_error "-o with two reads" -o "$tmp/two.bin" reads/base.bin reads/same.bin
check "-o with two reads: no output file" test ! -e "$tmp/two.bin"

# ---- -o with a strict majority everywhere ------------------------------------------------------
# Exit status rule with -o (ecu-cmp(1)): 0 the consensus was written, 1 it was not (no strict
# majority somewhere), 2 trouble: a script can trust the file exactly when the status is 0.
mkdir "$tmp/w"
run -o "$tmp/w/cons.bin" reads/base.bin reads/vote_a.bin reads/vote_b.bin
check "-o majority: exit status 0, consensus written (got $st)" is "$st" 0
check "-o majority: output identical to base.bin" same_file "$tmp/w/cons.bin" "$fixtures/reads/base.bin"
check "-o majority: no other file left in the folder" is "$(names_in "$tmp/w")" cons.bin
check "-o majority: nothing on stderr" empty "$tmp/err"
check "-o majority: the report on stdout" has "$tmp/out" "differ: 6 of 65536 bytes"
# replacing an existing file (-f) keeps its permissions
printf 'old' >"$tmp/w/cons.bin"
chmod 600 "$tmp/w/cons.bin"
run -f -o "$tmp/w/cons.bin" reads/base.bin reads/vote_a.bin reads/vote_b.bin
check "-o majority over an existing file: exit status 0 (got $st)" is "$st" 0
check "-o majority over an existing file: replaced" same_file "$tmp/w/cons.bin" "$fixtures/reads/base.bin"
# shellcheck disable=SC2012 # one known file name; ls -l is the portable way to see its mode
check "-o majority over an existing file: mode 600 kept" \
    is "$(ls -l "$tmp/w/cons.bin" | cut -c 1-10)" "-rw-------"
check "-o majority over an existing file: no other file left" is "$(names_in "$tmp/w")" cons.bin
# --json says it was written
run --json -f -o "$tmp/w/cons.bin" reads/base.bin reads/vote_a.bin reads/vote_b.bin
check "-o --json: consensus reported written" \
    has "$tmp/out" "\"consensus\":{\"file\":\"$tmp/w/cons.bin\",\"written\":true,\"size\":65536}}"

# ---- -o without a majority ---------------------------------------------------------------------
mkdir "$tmp/n"
run -o "$tmp/n/cons.bin" reads/base.bin reads/vote_b.bin reads/vote_c.bin
check "-o no majority: exit status 1 (got $st)" is "$st" 1
check "-o no majority: no output file, nothing left in the folder" is "$(names_in "$tmp/n")" ""
check "-o no majority: one line on stderr" is "$(lines "$tmp/err")" 1
case $(first_line "$tmp/err") in
    "ecu-cmp: $tmp/n/cons.bin: "?*) ok "-o no majority: stderr names the output file" ;;
    *) bad "-o no majority: stderr names the output file, got: $(first_line "$tmp/err")" ;;
esac
printf 'keep me\n' >"$tmp/n/cons.bin"
cp "$tmp/n/cons.bin" "$tmp/keep.ref"
run -f -o "$tmp/n/cons.bin" reads/base.bin reads/vote_b.bin reads/vote_c.bin
check "-o no majority, existing output: exit status 1 (got $st)" is "$st" 1
check "-o no majority, existing output: left untouched" same_file "$tmp/n/cons.bin" "$tmp/keep.ref"
check "-o no majority, existing output: no other file left" is "$(names_in "$tmp/n")" cons.bin

# ---- -o naming one of the inputs (on copies: a failure must not hurt the fixtures) ----------------
mkdir "$tmp/in"
cp "$fixtures/reads/base.bin" "$fixtures/reads/vote_a.bin" "$fixtures/reads/vote_b.bin" "$tmp/in/"
ln "$tmp/in/vote_a.bin" "$tmp/in/alias.bin"
for target in "$tmp/in/vote_a.bin" "$tmp/in/../in/vote_a.bin" "$tmp/in/alias.bin"; do
    run -o "$target" "$tmp/in/base.bin" "$tmp/in/vote_a.bin" "$tmp/in/vote_b.bin"
    check "-o $target (an input): exit status 2 (got $st)" is "$st" 2
    check "-o $target (an input): nothing on stdout" empty "$tmp/out"
    check "-o $target (an input): input unchanged" \
        same_file "$tmp/in/vote_a.bin" "$fixtures/reads/vote_a.bin"
    check "-o $target (an input): one line on stderr" is "$(lines "$tmp/err")" 1
done
check "-o an input: no file left beside the inputs" \
    is "$(names_in "$tmp/in" | tr '\n' ' ')" "alias.bin base.bin vote_a.bin vote_b.bin "

# ---- -o naming a folder -------------------------------------------------------------------------
mkdir "$tmp/d"
run -o "$tmp/d" reads/base.bin reads/vote_a.bin reads/vote_b.bin
check "-o a folder: exit status 2 (got $st)" is "$st" 2
check "-o a folder: the folder is left empty" is "$(names_in "$tmp/d")" ""

# ---- -o - : the consensus on stdout (a file here) ------------------------------------------------
run -o - reads/base.bin reads/vote_a.bin reads/vote_b.bin
check "-o -: exit status 0, consensus written (got $st)" is "$st" 0
check "-o -: stdout is exactly the consensus (base.bin)" same_file "$tmp/out" "$fixtures/reads/base.bin"
check "-o -: the report went to stderr" has "$tmp/err" "differ: 6 of 65536 bytes"
run -q -o - reads/base.bin reads/vote_a.bin reads/vote_b.bin
check "-q -o -: exit status 0 (got $st)" is "$st" 0
check "-q -o -: stdout is exactly the consensus (base.bin)" same_file "$tmp/out" "$fixtures/reads/base.bin"

# ---- standard input ------------------------------------------------------------------------------
run_in "$fixtures/reads/base.bin" - reads/same.bin
check "stdin: exit status 0 (got $st)" is "$st" 0
check "stdin: identical" is "$(first_line "$tmp/out")" "identical: 2 reads of 65536 bytes"
check "stdin: named '-' in the report" is "$(sed -n 2p "$tmp/out" | sed 's/^[0-9a-f]\{32\}  //')" "-"
check "stdin: nothing on stderr" empty "$tmp/err"
# shellcheck disable=SC2002 # a pipe on purpose: standard input that is not a regular file
(cd "$fixtures" && cat reads/base.hex.gz | "$tool" - reads/base.bin) >"$tmp/out" 2>"$tmp/err"
st=$?
check "stdin from a pipe, gzip'ed HEX: exit status 0 (got $st)" is "$st" 0
run_in "$fixtures/reads/few.bin" -q reads/base.bin -
check "stdin as the second read, different: exit status 1 (got $st)" is "$st" 1

# ---- --help, --version, unknown option -----------------------------------------------------------
run --help
check "--help: exit status 0 (got $st)" is "$st" 0
check "--help: usage on stdout" has "$tmp/out" "Usage: ecu-cmp [options] READ1 READ2"
check "--help: nothing on stderr" empty "$tmp/err"
run -h
check "-h: exit status 0 (got $st)" is "$st" 0
check "-h: usage on stdout" has "$tmp/out" "Usage: ecu-cmp"
run --version
check "--version: exit status 0 (got $st)" is "$st" 0
case $(first_line "$tmp/out") in
    "ecu-cmp (libecu) "[0-9]*) ok "--version: 'ecu-cmp (libecu) VERSION' on stdout" ;;
    *) bad "--version: 'ecu-cmp (libecu) VERSION' on stdout, got: $(first_line "$tmp/out")" ;;
esac
check "--version: nothing on stderr" empty "$tmp/err"
run --no-such-option reads/base.bin reads/same.bin
check "unknown option: exit status 2 (got $st)" is "$st" 2
check "unknown option: nothing on stdout" empty "$tmp/out"
check "unknown option: a message on stderr" test -s "$tmp/err"

# ---- option messages name what was given ---------------------------------------------------------
# usage_says LABEL TEXT ARGS...: a usage error whose message has TEXT
usage_says() {
    label=$1 text=$2
    shift 2
    usage_error "$label" "$@"
    check "$label: the message says \"$text\" (got: $(first_line "$tmp/err"))" has "$tmp/err" "$text"
    check "$label: no control character in the message" \
        is "$(first_line "$tmp/err" | tr -d '[:print:]')" ""
}
usage_says "--json=1" "'--json=1'" --json=1 reads/base.bin reads/same.bin
usage_says "--no-diagnose=x" "'--no-diagnose=x'" --no-diagnose=x reads/base.bin reads/same.bin
usage_says "--quiet=1" "'--quiet=1'" --quiet=1 reads/base.bin reads/same.bin
check "--quiet=1: not blamed on -q" sh -c "! grep -F \"'-q'\" \"$tmp/err\""
usage_says "--silent=1" "'--silent=1'" --silent=1 reads/base.bin reads/same.bin
usage_says "--frobnicate" "unknown option '--frobnicate'" --frobnicate reads/base.bin reads/same.bin
usage_says "-x" "unknown option '-x'" -x reads/base.bin reads/same.bin
usage_says "-lx" "unknown option '-x'" -lx reads/base.bin reads/same.bin
usage_says "--ma (ambiguous)" "'--ma'" --ma 3 reads/base.bin reads/same.bin
# ecu-csum shares the messages
for args in "--json=1|'--json=1'" "--verbose=2|'--verbose=2'" "--nope|unknown option '--nope'" \
            "-Z|unknown option '-Z'"; do
    opt=${args%%|*} text=${args#*|}
    (cd "$fixtures" && "$csum" "$opt" reads/base.bin) >"$tmp/out" 2>"$tmp/err"
    st=$?
    check "ecu-csum $opt: exit status 2 (got $st)" is "$st" 2
    check "ecu-csum $opt: the message says \"$text\" (got: $(first_line "$tmp/err"))" \
        has "$tmp/err" "$text"
    check "ecu-csum $opt: no control character in the message" \
        is "$(first_line "$tmp/err" | tr -d '[:print:]')" ""
done
run --help
check "--help lists --silent" has "$tmp/out" "--silent"

# ---- --ignore beyond every read: a warning, and the comparison goes on -------------------------
run --ignore 0x20000:0x30000 reads/base.bin reads/few.bin
check "--ignore past the end: exit status 1 as without it (got $st)" is "$st" 1
check "--ignore past the end: a warning naming the range" \
    has "$tmp/err" "ecu-cmp: warning: --ignore 0x20000:0x30000 lies beyond every read"
check "--ignore past the end: the report still on stdout" has "$tmp/out" "differ: 3 of 65536 bytes"
run -q --ignore 64K:65537 --ignore 0:1 reads/base.bin reads/trunc.bin
check "--ignore at the largest size: exit status 1 (got $st)" is "$st" 1
check "--ignore at the largest size: one warning line, for that range only" is "$(lines "$tmp/err")" 1
check "--ignore at the largest size: it names 64K:65537" has "$tmp/err" "--ignore 64K:65537 lies"
run --ignore 0xFFFF:0x20000 reads/base.bin reads/same.bin
check "--ignore starting inside a read: no warning" empty "$tmp/err"

# ---- base addresses ------------------------------------------------------------------------------
run reads/base.hex reads/base-hi.hex
check "HEX at different bases: exit status 1 (got $st)" is "$st" 1
check "HEX at different bases: the verdict names both" \
    is "$(first_line "$tmp/out")" "differ: the 65536 compared bytes agree; base addresses 0x800000, 0x810000"
mkdir "$tmp/b"
run -o "$tmp/b/cons.bin" reads/base.hex reads/base-hi.hex reads/base.s19
check "-o, HEX at different bases: exit status 1 (got $st)" is "$st" 1
check "-o, HEX at different bases: nothing written" is "$(names_in "$tmp/b")" ""
check "-o, HEX at different bases: the message says why" has "$tmp/err" "different base addresses"

# ---- -o naming the file standard input reads ------------------------------------------------------
# few.bin + vote_a.bin + vote_b.bin: the majority is base.bin, so an overwrite would show
mkdir "$tmp/si"
cp "$fixtures/reads/few.bin" "$tmp/si/cons.bin"
run_in "$tmp/si/cons.bin" -o "$tmp/si/cons.bin" - reads/vote_a.bin reads/vote_b.bin
check "-o FILE < FILE with '-': exit status 2 (got $st)" is "$st" 2
check "-o FILE < FILE with '-': the file is untouched" same_file "$tmp/si/cons.bin" "$fixtures/reads/few.bin"
check "-o FILE < FILE with '-': nothing else in the folder" is "$(names_in "$tmp/si")" cons.bin
check "-o FILE < FILE with '-': the message says so" has "$tmp/err" "is one of the reads"
run_in "$tmp/si/cons.bin" -o "$tmp/si/other.bin" - reads/vote_a.bin reads/vote_b.bin
check "-o OTHER < FILE with '-': exit status 0 (got $st)" is "$st" 0
check "-o OTHER < FILE with '-': written" same_file "$tmp/si/other.bin" "$fixtures/reads/base.bin"

# ---- -o: a relative name in the current folder, and the folder is synced -------------------------
mkdir "$tmp/rel"
(cd "$tmp/rel" && "$tool" -q -o cons.bin "$fixtures/reads/base.bin" "$fixtures/reads/vote_a.bin" \
    "$fixtures/reads/vote_b.bin") >"$tmp/out" 2>"$tmp/err"
st=$?
check "-o cons.bin (no folder part): exit status 0 (got $st)" is "$st" 0
check "-o cons.bin (no folder part): written" same_file "$tmp/rel/cons.bin" "$fixtures/reads/base.bin"
check "-o cons.bin (no folder part): nothing on stderr" empty "$tmp/err"
if command -v strace >/dev/null 2>&1 && strace -o /dev/null true 2>/dev/null; then
    mkdir "$tmp/sync"
    (cd "$fixtures" && strace -f -o "$tmp/trace" -e trace=openat,open,fsync,rename,renameat,renameat2 \
        "$tool" -q -o "$tmp/sync/cons.bin" reads/base.bin reads/vote_a.bin reads/vote_b.bin) \
        >/dev/null 2>&1
    # the folder is opened after the rename, and that descriptor is fsync'ed
    synced=$(awk -v d="\"$tmp/sync\"" '
        /rename/ { renamed = 1 }
        renamed && fd == "" && index($0, d ",") && /O_DIRECTORY/ { fd = $NF }
        fd != "" && $0 ~ ("fsync\\(" fd "\\) *= 0") { print "yes"; exit }' "$tmp/trace")
    if [ "$synced" = yes ]; then
        ok "-o: the output folder is fsync'ed after the rename"
    else
        bad "-o: the output folder is fsync'ed after the rename"
        cat "$tmp/trace"
    fi
else
    echo "skip: strace not usable, the folder fsync is not checked"
fi

# ---- JSON stays valid for file names that are not UTF-8 ------------------------------------------
mkdir "$tmp/names"
bad_name=$(printf 'r\377\300\257\355\240\200.bin') # 0xFF, an overlong '/', a surrogate
good_name=$(printf 'r\303\251\342\202\254\360\237\224\247.bin') # e-acute, euro sign, an emoji
cp "$fixtures/reads/base.bin" "$tmp/names/$bad_name"
cp "$fixtures/reads/base.bin" "$tmp/names/$good_name"
(cd "$tmp/names" && "$tool" --json "$bad_name" "$good_name") >"$tmp/out" 2>"$tmp/err"
st=$?
check "non-UTF-8 name --json: exit status 0 (got $st)" is "$st" 0
check "non-UTF-8 name --json: each bad byte is \\ufffd" \
    has "$tmp/out" '"file":"r\ufffd\ufffd\ufffd\ufffd\ufffd\ufffd.bin"'
check "non-UTF-8 name --json: valid UTF-8 passes through" has "$tmp/out" "\"file\":\"$good_name\""
check "non-UTF-8 name --json: no raw 0xFF byte" sh -c "! grep -q \"\$(printf '\\377')\" \"$tmp/out\""
if command -v python3 >/dev/null 2>&1; then
    check "non-UTF-8 name --json: python parses it as UTF-8 JSON" \
        python3 -c 'import json, sys; json.loads(open(sys.argv[1], "rb").read().decode("utf-8"))' "$tmp/out"
fi

# ---- the most reads: 64, each listed in every range (long -l lines, over 64 KiB of listing) -------
# Read i (1-64) holds i at every 40th offset and 0 elsewhere: 512 ranges without a majority, each
# listing all 64 reads (lines of about 200 characters; with these sizes one line ends past the
# first 64 KiB of output, where a fixed-size line buffer would overflow).
mkdir "$tmp/many"
zeros=$(i=0; while [ $i -lt 39 ]; do printf '\\0'; i=$((i + 1)); done)
i=1
while [ $i -le 65 ]; do
    f=$tmp/many/r$(printf %02d $i).bin
    # shellcheck disable=SC2059 # the format carries the bytes
    printf "\\$(printf %03o $i)$zeros" >"$f"
    k=0
    while [ $k -lt 9 ]; do
        cat "$f" "$f" >"$f.2" && mv "$f.2" "$f"
        k=$((k + 1))
    done
    i=$((i + 1))
done
all=$(i=2; s=1; while [ $i -le 64 ]; do s="$s,$i"; i=$((i + 1)); done; echo "$s")
off=0
while [ $off -lt 20480 ]; do
    printf '0x%X 1 1 %s 1\n' $off "$all"
    off=$((off + 40))
done >"$tmp/many.expected"
mv "$tmp/many/r65.bin" "$tmp/r65.bin"
(cd "$tmp/many" && "$tool" -l ./*.bin) >"$tmp/out" 2>"$tmp/err"
st=$?
check "64 reads -l: exit status 1 (got $st)" is "$st" 1
check "64 reads -l: every range lists all reads" same_file "$tmp/out" "$tmp/many.expected"
check "64 reads -l: nothing on stderr" empty "$tmp/err"
(cd "$tmp/many" && "$tool" ./*.bin ../r65.bin) >"$tmp/out" 2>"$tmp/err"
st=$?
check "65 reads: exit status 2 (got $st)" is "$st" 2
check "65 reads: nothing on stdout" empty "$tmp/out"

# long listings: 4 MiB of blank against 4 MiB of noise, used by the next two parts
head -c 4194304 /dev/zero >"$tmp/zero.bin"
head -c 4194304 /dev/urandom >"$tmp/random.bin"

# ---- a write error on stdout is trouble ----------------------------------------------------------
if [ -w /dev/full ]; then
    (cd "$fixtures" && "$tool" reads/base.bin reads/same.bin) >/dev/full 2>"$tmp/err"
    st=$?
    check "stdout write error: exit status 2 (got $st)" is "$st" 2
    check "stdout write error: a message on stderr" test -s "$tmp/err"
    # a listing far larger than the output buffer fails while the comparison still runs:
    # it stops there, and the write error, not a failed comparison, is reported
    "$tool" -l --gap 0 "$tmp/zero.bin" "$tmp/random.bin" >/dev/full 2>"$tmp/err"
    st=$?
    check "-l write error mid-listing: exit status 2 (got $st)" is "$st" 2
    check "-l write error mid-listing: says so" grep -q "write error on standard output: No space" "$tmp/err"
    check "-l write error mid-listing: one message" is "$(wc -l <"$tmp/err")" 1
    # no second try at writing once a write failed (the comparison stopped)
    if command -v strace >/dev/null 2>&1 && strace -o /dev/null true 2>/dev/null; then
        strace -o "$tmp/trace" -e trace=write "$tool" -l --gap 0 "$tmp/zero.bin" "$tmp/random.bin" \
            >/dev/full 2>/dev/null
        check "-l write error mid-listing: one write to stdout" is "$(grep -c '^write(1,' "$tmp/trace")" 1
    else
        echo "skip: strace not usable, the stop after a write error is not checked"
    fi
    # with -o the image is still made: the listing's failure, in the middle of a long one,
    # does not cost the consensus (two blank reads against one of noise: the blank one wins)
    cp "$tmp/zero.bin" "$tmp/zero2.bin"
    rm -f "$tmp/cons-full.bin"
    "$tool" -l --gap 0 -o "$tmp/cons-full.bin" "$tmp/zero.bin" "$tmp/zero2.bin" "$tmp/random.bin" \
        >/dev/full 2>"$tmp/err"
    st=$?
    check "-l -o with stdout full: exit status 2 (got $st)" is "$st" 2
    check "-l -o with stdout full: the image is written" cmp -s "$tmp/cons-full.bin" "$tmp/zero.bin"
    check "-l -o with stdout full: says so" grep -q "write error on standard output: No space" "$tmp/err"
    "$tool" -l --gap 0 -o - "$tmp/zero.bin" "$tmp/zero2.bin" "$tmp/random.bin" >"$tmp/cons-stdout.bin" 2>/dev/full
    st=$?
    check "-l -o - with stderr full: exit status 2 (got $st)" is "$st" 2
    check "-l -o - with stderr full: the image is written" cmp -s "$tmp/cons-stdout.bin" "$tmp/zero.bin"
    rm -f "$tmp/cons-full.bin" "$tmp/cons-stdout.bin" "$tmp/zero2.bin"
fi

# ---- long listings ------------------------------------------------------------------------------
"$tool" -l --gap 0 "$tmp/zero.bin" "$tmp/random.bin" >"$tmp/list-file"
total=$(wc -l <"$tmp/list-file")
check "-l of 4 MiB of noise: thousands of ranges (got $total)" test "$total" -gt 5000
# into a pipe (whose buffer the tool enlarges): the same lines as into a file
"$tool" -l --gap 0 "$tmp/zero.bin" "$tmp/random.bin" | cat >"$tmp/list-pipe"
check "-l into a pipe: the same lines as into a file" cmp -s "$tmp/list-file" "$tmp/list-pipe"
if command -v python3 >/dev/null 2>&1; then
    # the reader of the pipe sees the buffer ecu-cmp asked for (Linux: F_GETPIPE_SZ is 1032)
    size=$("$tool" -l --gap 0 "$tmp/zero.bin" "$tmp/random.bin" | python3 -c '
import fcntl, sys, time
sys.stdin.buffer.read(1)
time.sleep(0.2)
print(fcntl.fcntl(0, 1032))
sys.stdin.buffer.read()')
    check "-l into a pipe: its buffer is 1 MiB (got $size)" is "$size" 1048576
    size=$("$tool" -l --max 10 --gap 0 "$tmp/zero.bin" "$tmp/random.bin" | python3 -c '
import fcntl, sys
sys.stdin.buffer.read()
print(fcntl.fcntl(0, 1032))')
    check "-l --max 10 into a pipe: the buffer is left alone (got $size)" is "$size" 65536
else
    echo "skip: python3 not found, the pipe buffer is not checked"
fi
# --max over several of the library's batches: the first lines, then what was left out
"$tool" -l --max 1500 --gap 0 "$tmp/zero.bin" "$tmp/random.bin" >"$tmp/list-max"
head -n 1500 "$tmp/list-file" >"$tmp/list-head"
check "-l --max 1500: the first 1500 lines" is "$(head -n 1500 "$tmp/list-max" | cksum)" "$(cksum <"$tmp/list-head")"
check "-l --max 1500: then what was left out" is "$(sed -n 1501p "$tmp/list-max")" \
    "... $((total - 1500)) more ranges not listed"
check "-l --max 1500: nothing after that" is "$(wc -l <"$tmp/list-max")" 1501
rm -f "$tmp/zero.bin" "$tmp/random.bin" "$tmp/list-file" "$tmp/list-pipe" "$tmp/list-max" "$tmp/list-head"

# ---- -l with -o -: the image on stdout, the listing and then the messages on stderr -------------
(cd "$fixtures" && "$tool" -l reads/base.bin reads/vote_b.bin reads/vote_c.bin) >"$tmp/list" 2>/dev/null
(cd "$fixtures" && "$tool" -l -o - reads/base.bin reads/vote_b.bin reads/vote_c.bin) >"$tmp/img" 2>"$tmp/err"
st=$?
check "-l -o - without a majority: exit status 1 (got $st)" is "$st" 1
check "-l -o - without a majority: no image" empty "$tmp/img"
check "-l -o - without a majority: the listing first" is "$(head -n "$(wc -l <"$tmp/list")" "$tmp/err" | cksum)" \
    "$(cksum <"$tmp/list")"
check "-l -o - without a majority: then the reason" is "$(tail -n 1 "$tmp/err")" \
    "ecu-cmp: -: not written: no strict majority at 1 byte"

# ---- the inputs were never modified --------------------------------------------------------------
# ---- a signal while -o is being written leaves no temporary file --------------------------------
# strace delivers SIGINT at the first fsync (the temporary file's); skipped without strace
if command -v strace >/dev/null 2>&1 && strace -f -o /dev/null true >/dev/null 2>&1; then
    mkdir "$tmp/sig"
    (cd "$fixtures" && strace -f -o /dev/null -e trace=fsync -e inject=fsync:signal=INT:when=1 \
        "$tool" -o "$tmp/sig/cons.bin" reads/base.bin reads/vote_a.bin reads/vote_b.bin) >/dev/null 2>&1
    check "SIGINT while writing -o: nothing left in the folder" is "$(names_in "$tmp/sig")" ""
else
    echo "skip: strace not usable, signal cleanup not checked"
fi

finish
