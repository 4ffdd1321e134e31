#!/bin/sh
# Behaviour of ecu-csum that golden files cannot check: writing corrected images with --fix -o
# and --fix --in-place (FILE.orig, --no-backup), the corrected image on stdout, the refusals, and
# that the inputs are never modified.
#   csum-behaviour.sh BINDIR FIXTURES
# Fixture facts used here (fixtures/csum/expected.tsv, written by fixtures/csum/generate.py):
# edc16-512k-bad.bin.gz has 1 bad block of 2 (region 0x40000-0x7DFFF, its slot the dword at
# 0x7DFFC); volvo-me7-512k-bad.bin.gz has 2 bad records of 31; reads/base.bin is recognised by
# no family. Needs gzip (raw copies of the gzip'ed fixtures for --in-place).
set -u
if [ $# -ne 2 ]; then
    echo "usage: $0 BINDIR FIXTURES" >&2
    exit 2
fi
tool=$(cd "$1" && pwd)/ecu-csum
fixtures=$(cd "$2" && pwd)
. "$(dirname "$0")/harness.sh"
# shellcheck disable=SC2012 # names we made ourselves; ls -A is the portable listing
names_in() { (cd "$1" && ls -A | tr '\n' ' '); }
# verifies FILE: the tool says ok about it (exit status 0)
verifies() { "$tool" -q "$1"; }
# only_bytes_differ A B FIRST LAST [FIRST LAST...]: A and B have the same size and differ
# only at byte offsets inside the ranges FIRST..LAST (decimal, 0-based), and somewhere
only_bytes_differ() {
    a=$1 b=$2
    shift 2
    [ "$(wc -c <"$a")" = "$(wc -c <"$b")" ] || return 1
    cmp -l "$a" "$b" >"$tmp/cmpl"
    [ -s "$tmp/cmpl" ] || return 1
    awk -v r="$*" 'BEGIN { n = split(r, lim, " ") }
        { o = $1 - 1; ok = 0; for (i = 1; i < n; i += 2) if (o >= lim[i] && o <= lim[i + 1]) ok = 1
          if (!ok) bad = 1 } END { exit bad }' "$tmp/cmpl"
}

if ! command -v gzip >/dev/null 2>&1; then
    echo "FAIL: gzip not found (needed for raw copies of the fixtures)"
    echo "0 passed, 1 failed"
    exit 1
fi

fixture_sums >"$tmp/sums.before"
EDC=csum/edc16-512k-bad.bin.gz
EDC_GOOD=csum/edc16-512k.bin.gz
ME7=csum/volvo-me7-512k-bad.bin.gz
SLOT_FIRST=$((0x7DFFC))
SLOT_LAST=$((0x7DFFF))
gzip -dc "$fixtures/$EDC" >"$tmp/edc-bad.bin"
gzip -dc "$fixtures/$EDC_GOOD" >"$tmp/edc-good.bin"

# ---- --fix -o OUT ----------------------------------------------------------------------------
mkdir "$tmp/o"
cp "$fixtures/$EDC" "$tmp/edc-bad.gz.ref"
run --fix -o "$tmp/o/fixed.bin" "$EDC"
check "--fix -o: exit status 0 (got $st)" is "$st" 0
check "--fix -o: the report on stdout" \
    is "$(cat "$tmp/out")" "$EDC: fixed (bosch-edc16, 1 of 2 checksum blocks corrected) -> $tmp/o/fixed.bin"
check "--fix -o: nothing on stderr" empty "$tmp/err"
check "--fix -o: only the output in its folder" is "$(names_in "$tmp/o")" "fixed.bin "
check "--fix -o: the output verifies" verifies "$tmp/o/fixed.bin"
check "--fix -o: the output differs from the input only in the bad block's slot" \
    only_bytes_differ "$tmp/edc-bad.bin" "$tmp/o/fixed.bin" $SLOT_FIRST $SLOT_LAST
check "--fix -o: the gzip'ed input untouched" same_file "$fixtures/$EDC" "$tmp/edc-bad.gz.ref"
check "--fix -o: the input is still bad" is "$(cd "$fixtures" && "$tool" -q "$EDC"; echo $?)" 1
# over an existing file (-f), with --json
printf 'old' >"$tmp/o/fixed2.bin"
run --json --fix -f -o "$tmp/o/fixed2.bin" "$EDC"
check "--json --fix -o over a file: exit status 0 (got $st)" is "$st" 0
check "--json --fix -o over a file: replaced with the corrected image" \
    same_file "$tmp/o/fixed2.bin" "$tmp/o/fixed.bin"
check "--json --fix -o: status fixed" has "$tmp/out" '"status":"fixed","exit":0'
check "--json --fix -o: the block reported fixed" has "$tmp/out" '"status":"fixed"'
check "--json --fix -o: written named" has "$tmp/out" "\"written\":\"$tmp/o/fixed2.bin\"}"
# the other family
run --fix -o "$tmp/o/me7.bin" "$ME7"
check "--fix -o ME7: exit status 0 (got $st)" is "$st" 0
check "--fix -o ME7: the report on stdout" \
    is "$(cat "$tmp/out")" "$ME7: fixed (bosch-me7-volvo, 2 of 31 checksum blocks corrected) -> $tmp/o/me7.bin"
check "--fix -o ME7: the output verifies" verifies "$tmp/o/me7.bin"
# a valid image is written unchanged
run --fix -o "$tmp/o/good.bin" "$EDC_GOOD"
check "--fix -o valid image: exit status 0 (got $st)" is "$st" 0
check "--fix -o valid image: written unchanged" same_file "$tmp/o/good.bin" "$tmp/edc-good.bin"
check "--fix -o valid image: reported ok" \
    is "$(cat "$tmp/out")" "$EDC_GOOD: ok (bosch-edc16, 2 checksum blocks) -> $tmp/o/good.bin"
# an unknown image is not written
run --fix -o "$tmp/o/unknown.bin" reads/base.bin
check "--fix -o unknown image: exit status 3 (got $st)" is "$st" 3
check "--fix -o unknown image: no output file" test ! -e "$tmp/o/unknown.bin"
check "--fix -o unknown image: a message on stderr" has "$tmp/err" "not written"
check "--fix -o unknown image: the report on stdout" \
    is "$(cat "$tmp/out")" "reads/base.bin: unknown (no family recognises this image)"

# ---- --fix --in-place ------------------------------------------------------------------------
mkdir "$tmp/ip"
cp "$tmp/edc-bad.bin" "$tmp/ip/img.bin"
run --fix --in-place "$tmp/ip/img.bin"
check "--in-place: exit status 0 (got $st)" is "$st" 0
check "--in-place: the report on stdout" \
    is "$(cat "$tmp/out")" "$tmp/ip/img.bin: fixed (bosch-edc16, 1 of 2 checksum blocks corrected) -> $tmp/ip/img.bin"
check "--in-place: nothing on stderr" empty "$tmp/err"
check "--in-place: FILE and FILE.orig, nothing else" is "$(names_in "$tmp/ip")" "img.bin img.bin.orig "
check "--in-place: FILE.orig is the original" same_file "$tmp/ip/img.bin.orig" "$tmp/edc-bad.bin"
check "--in-place: FILE verifies" verifies "$tmp/ip/img.bin"
check "--in-place: FILE is what -o wrote" same_file "$tmp/ip/img.bin" "$tmp/o/fixed.bin"
# again on the now valid file: nothing to do, nothing written
run --fix --in-place "$tmp/ip/img.bin"
check "--in-place on a valid FILE: exit status 0 (got $st)" is "$st" 0
check "--in-place on a valid FILE: unchanged" same_file "$tmp/ip/img.bin" "$tmp/o/fixed.bin"
check "--in-place on a valid FILE: FILE.orig unchanged" same_file "$tmp/ip/img.bin.orig" "$tmp/edc-bad.bin"
# bad again while FILE.orig exists: refused
cp "$tmp/edc-bad.bin" "$tmp/ip/img.bin"
printf 'an older backup' >"$tmp/ip/img.bin.orig"
cp "$tmp/ip/img.bin.orig" "$tmp/orig.ref"
run --fix --in-place "$tmp/ip/img.bin"
check "--in-place with FILE.orig present: exit status 2 (got $st)" is "$st" 2
check "--in-place with FILE.orig present: FILE unchanged" same_file "$tmp/ip/img.bin" "$tmp/edc-bad.bin"
check "--in-place with FILE.orig present: FILE.orig unchanged" same_file "$tmp/ip/img.bin.orig" "$tmp/orig.ref"
check "--in-place with FILE.orig present: nothing else in the folder" \
    is "$(names_in "$tmp/ip")" "img.bin img.bin.orig "
check "--in-place with FILE.orig present: stderr names FILE.orig" has "$tmp/err" "$tmp/ip/img.bin.orig exists"
case $(first_line "$tmp/err") in
    "ecu-csum: $tmp/ip/img.bin: "?*) ok "--in-place with FILE.orig present: stderr is 'ecu-csum: FILE: message'" ;;
    *) bad "--in-place with FILE.orig present: stderr is 'ecu-csum: FILE: message', got: $(first_line "$tmp/err")" ;;
esac

# ---- --no-backup -----------------------------------------------------------------------------
# with FILE.orig present: FILE is corrected, FILE.orig left alone
run --fix --in-place --no-backup "$tmp/ip/img.bin"
check "--no-backup with FILE.orig present: exit status 0 (got $st)" is "$st" 0
check "--no-backup with FILE.orig present: FILE verifies" verifies "$tmp/ip/img.bin"
check "--no-backup with FILE.orig present: FILE.orig untouched" same_file "$tmp/ip/img.bin.orig" "$tmp/orig.ref"
# without: no FILE.orig made
mkdir "$tmp/nb"
cp "$tmp/edc-bad.bin" "$tmp/nb/img.bin"
run --fix --in-place --no-backup "$tmp/nb/img.bin"
check "--no-backup: exit status 0 (got $st)" is "$st" 0
check "--no-backup: no FILE.orig, nothing else" is "$(names_in "$tmp/nb")" "img.bin "
check "--no-backup: FILE verifies" verifies "$tmp/nb/img.bin"
check "--no-backup: FILE is what -o wrote" same_file "$tmp/nb/img.bin" "$tmp/o/fixed.bin"

# ---- -o - : the corrected image on stdout, the report on stderr -------------------------------
run --fix -o - "$EDC"
check "-o -: exit status 0 (got $st)" is "$st" 0
check "-o -: stdout is exactly the corrected image" same_file "$tmp/out" "$tmp/o/fixed.bin"
check "-o -: the report on stderr" \
    is "$(cat "$tmp/err")" "$EDC: fixed (bosch-edc16, 1 of 2 checksum blocks corrected) -> -"
run -q --fix -o - "$EDC"
check "-q -o -: exit status 0 (got $st)" is "$st" 0
check "-q -o -: stdout is exactly the corrected image" same_file "$tmp/out" "$tmp/o/fixed.bin"
check "-q -o -: nothing on stderr" empty "$tmp/err"
run_in "$tmp/edc-bad.bin" --fix -o - -
check "stdin -o -: exit status 0 (got $st)" is "$st" 0
check "stdin -o -: stdout is exactly the corrected image" same_file "$tmp/out" "$tmp/o/fixed.bin"

# ---- --in-place refusals -----------------------------------------------------------------------
mkdir "$tmp/gz"
cp "$fixtures/$EDC" "$tmp/gz/img.bin.gz"
run --fix --in-place "$tmp/gz/img.bin.gz"
check "--in-place on .gz: exit status 2 (got $st)" is "$st" 2
check "--in-place on .gz: file unchanged" same_file "$tmp/gz/img.bin.gz" "$fixtures/$EDC"
check "--in-place on .gz: nothing else in the folder" is "$(names_in "$tmp/gz")" "img.bin.gz "
check "--in-place on .gz: the message says why" has "$tmp/err" "only raw binary"
run_in "$tmp/edc-bad.bin" --fix --in-place -
check "--in-place on stdin: exit status 2 (got $st)" is "$st" 2
check "--in-place on stdin: the message says why" has "$tmp/err" "standard input cannot be corrected in place"

# ---- -o naming the input ------------------------------------------------------------------------
mkdir "$tmp/in"
cp "$tmp/edc-bad.bin" "$tmp/in/img.bin"
ln "$tmp/in/img.bin" "$tmp/in/alias.bin"
for target in "$tmp/in/img.bin" "$tmp/in/../in/img.bin" "$tmp/in/alias.bin"; do
    run --fix -o "$target" "$tmp/in/img.bin"
    check "-o $target (the input): exit status 2 (got $st)" is "$st" 2
    check "-o $target (the input): nothing on stdout" empty "$tmp/out"
    check "-o $target (the input): input unchanged" same_file "$tmp/in/img.bin" "$tmp/edc-bad.bin"
    check "-o $target (the input): one line on stderr" is "$(lines "$tmp/err")" 1
done
check "-o the input: no file left beside it" is "$(names_in "$tmp/in")" "alias.bin img.bin "

# ---- usage errors: exit 2, nothing on stdout, "ecu-csum: message" -------------------------------
# usage_error LABEL ARGS...
usage_error() {
    label=$1
    shift
    run "$@"
    check "$label: exit status 2 (got $st)" is "$st" 2
    check "$label: nothing on stdout" empty "$tmp/out"
    case $(first_line "$tmp/err") in
        "ecu-csum: "?*) ok "$label: stderr starts with 'ecu-csum: '" ;;
        *) bad "$label: stderr starts with 'ecu-csum: ', got: $(first_line "$tmp/err")" ;;
    esac
}
usage_error "--fix without -o" --fix "$EDC"
check "--fix without -o: the message says what is missing" has "$tmp/err" "--fix needs -o OUT or --in-place"
usage_error "-o without --fix" -o "$tmp/none.bin" "$EDC"
usage_error "-o with two files" --fix -o "$tmp/none.bin" "$EDC" "$ME7"
usage_error "-o and --in-place" --fix -o "$tmp/none.bin" --in-place "$EDC"
check "usage errors: no output file" test ! -e "$tmp/none.bin"

# ---- --layout: a hand-written layout (fixtures/layouts/), parse errors, --family ----------------
M44L=layouts/bosch-m44-volvo.layout
M44=csum/motronic-m44-volvo-128k-bad.bin.gz
M44_GOOD=csum/motronic-m44-volvo-128k.bin.gz
gzip -dc "$fixtures/$M44_GOOD" >"$tmp/m44-good.bin"
run --layout "$M44L" --fix -o "$tmp/m44-fixed.bin" "$M44"
check "--layout --fix -o: exit status 0 (got $st)" is "$st" 0
check "--layout --fix -o: the report" is "$(cat "$tmp/out")" \
    "$M44: fixed (layout:m44-volvo, 2 of 2 checksum blocks corrected) -> $tmp/m44-fixed.bin"
check "--layout --fix -o: nothing on stderr" empty "$tmp/err"
check "--layout --fix -o: the family verifies the output" verifies "$tmp/m44-fixed.bin"
gzip -dc "$fixtures/$M44" >"$tmp/m44-bad.bin"
check "--layout --fix -o: only the two slots differ from the input" \
    only_bytes_differ "$tmp/m44-bad.bin" "$tmp/m44-fixed.bin" $((0xFF00)) $((0xFF01)) $((0x1FF00)) $((0x1FF01))
run --layout "$M44L" --fix -o "$tmp/m44-none.bin" "$EDC"
check "--layout --fix -o on another file: exit status 3 (got $st)" is "$st" 3
check "--layout --fix -o on another file: nothing written" test ! -e "$tmp/m44-none.bin"
check "--layout --fix -o on another file: the reason" has "$tmp/err" \
    "ecu-csum: $EDC: not written: the layout does not apply to it"
check "--layout on another file: the report says why" has "$tmp/out" \
    "unknown (layout m44-volvo does not apply: the image has 0x80000 bytes, the layout wants 0x20000)"
usage_error "--layout with a parse error" --layout layouts/invalid/typo.layout "$M44"
check "--layout with a parse error: FILE:LINE:COL: message" is "$(cat "$tmp/err")" \
    "ecu-csum: layouts/invalid/typo.layout:5:3: unknown keyword 'sun'"
usage_error "--layout and --family" --layout "$M44L" --family bosch-m44-volvo "$M44"
check "--layout and --family: the message" has "$tmp/err" "--family and --layout exclude each other"
usage_error "--layout missing" --layout layouts/no-such.layout "$M44"
check "--layout missing: the file named" has "$tmp/err" "ecu-csum: layouts/no-such.layout: "

# ---- --reference: the layout from the stock read (Nissan std slots are found from the data) -----
NIS=csum/hitachi-std-512k.bin.gz
gzip -dc "$fixtures/$NIS" >"$tmp/nis-stock.bin"
# the tuned copy: one data byte at 0x40001 (the std range only) changed
python3 -c "
import sys
d = bytearray(open(sys.argv[1], 'rb').read())
d[0x40001] ^= 0x21
open(sys.argv[2], 'wb').write(d)
" "$tmp/nis-stock.bin" "$tmp/nis-tuned.bin"
"$tool" --fix -o "$tmp/nis-none.bin" "$tmp/nis-tuned.bin" >"$tmp/out" 2>"$tmp/err"
st=$?
check "tuned Nissan alone, --fix: exit status 1 (got $st)" is "$st" 1
check "tuned Nissan alone, --fix: nothing written" test ! -e "$tmp/nis-none.bin"
run --reference "$NIS" --fix -o "$tmp/nis-fixed.bin" "$tmp/nis-tuned.bin"
check "--reference --fix -o: exit status 0 (got $st)" is "$st" 0
check "--reference --fix -o: the report" is "$(cat "$tmp/out")" \
    "$tmp/nis-tuned.bin: fixed (hitachi-nissan, 2 of 4 checksum blocks corrected) -> $tmp/nis-fixed.bin"
check "--reference --fix -o: the output verifies on its own" verifies "$tmp/nis-fixed.bin"
check "--reference --fix -o: only the std slots 0x67E4-0x67EF differ from the input" \
    only_bytes_differ "$tmp/nis-tuned.bin" "$tmp/nis-fixed.bin" $((0x67E4)) $((0x67EF))
usage_error "--reference that does not verify" --reference "$tmp/nis-tuned.bin" "$tmp/nis-tuned.bin"
check "--reference that does not verify: the reason" has "$tmp/err" \
    "ecu-csum: $tmp/nis-tuned.bin: not a reference: 1 of 3 checksum blocks are bad (hitachi-nissan)"
usage_error "--reference missing" --reference csum/no-such.bin "$tmp/nis-tuned.bin"
check "--reference missing: the file named" has "$tmp/err" "ecu-csum: csum/no-such.bin: "
usage_error "--reference and --layout" --reference "$NIS" --layout "$M44L" "$M44"
check "--reference and --layout: the message" has "$tmp/err" "--reference and --layout exclude each other"
run --reference "$EDC_GOOD" --fix -o "$tmp/nis-none.bin" "$tmp/nis-tuned.bin"
check "--reference of another family: exit status 3 (got $st)" is "$st" 3
check "--reference of another family: nothing written" test ! -e "$tmp/nis-none.bin"
check "--reference of another family: the reason" has "$tmp/err" \
    "not written: reference not used: the reference is not recognised as hitachi-nissan"

# ---- --resign (fixtures/csum/me7_vag_rsa.py: the edited image, its re-signed version made with
# me7-vag-rsa-key2.der; the signature at 0x76200 and the modulus at 0x76304, 128 bytes each) ---
ME7E=csum/me7-vag-rsa-512k-edited.bin.gz
gzip -dc "$fixtures/csum/me7-vag-rsa-512k-resigned.bin.gz" >"$tmp/me7-want.bin"
gzip -dc "$fixtures/$ME7E" >"$tmp/me7-edited.bin"
run --fix -o "$tmp/me7-nokey.bin" "$ME7E"
check "no --resign: exit status 1 (got $st)" is "$st" 1
check "no --resign: nothing written" test ! -e "$tmp/me7-nokey.bin"
check "no --resign: the signature named, --resign named, the others correctable" has "$tmp/err" \
    "not written: the RSA signature does not verify, and only --resign makes it anew (a new key pair written into the image; see ecu-csum(1)); the 2 other bad blocks can be corrected"
run --fix --resign --key csum/me7-vag-rsa-key2.der -o "$tmp/me7-key2.bin" "$ME7E"
check "--resign --key: exit status 0 (got $st)" is "$st" 0
check "--resign --key: the generator's image" cmp -s "$tmp/me7-key2.bin" "$tmp/me7-want.bin"
run --fix --resign --save-key "$tmp/new.key" -o "$tmp/me7-new.bin" "$ME7E"
check "--resign (new key): exit status 0 (got $st)" is "$st" 0
check "--resign (new key): it verifies" verifies "$tmp/me7-new.bin"
check "--resign (new key): another modulus than key2's" is "$(cmp -s "$tmp/me7-new.bin" "$tmp/me7-want.bin"; echo $?)" 1
check "--save-key: a PEM PKCS#1 key" has "$tmp/new.key" "-----BEGIN RSA PRIVATE KEY-----"
check "--save-key: mode 0600" is "$(ls -l "$tmp/new.key" | cut -c1-10)" "-rw-------"
run --fix --resign --key "$tmp/new.key" -o "$tmp/me7-again.bin" "$ME7E"
check "--key of --save-key: the same image" cmp -s "$tmp/me7-again.bin" "$tmp/me7-new.bin"
# the slots of the manifest's block lines, the signature and the modulus (decimal FIRST LAST)
me7_allowed=$(awk -F'\t' 'function hex(x, i, v) { v = 0; x = tolower(substr(x, 3))
        for (i = 1; i <= length(x); i++) v = v * 16 + index("0123456789abcdef", substr(x, i, 1)) - 1
        return v }
    $1 == "block" && $2 == "me7-vag-rsa-512k.bin.gz" { s = hex($4); printf "%d %d ", s, s + $5 - 1 }
    $1 == "signature" && $2 == "me7-vag-rsa-512k.bin.gz" {
        s = hex($4); m = hex($6); printf "%d %d %d %d ", s, s + $5 - 1, m, m + $5 - 1 }' \
    "$fixtures/csum/me7-vag-rsa.tsv")
# shellcheck disable=SC2086 # the list is meant to split
check "--resign: only slots, the signature and the modulus changed" only_bytes_differ \
    "$tmp/me7-edited.bin" "$tmp/me7-new.bin" $me7_allowed
run --fix --resign --save-key "$tmp/new.key" -o "$tmp/me7-over.bin" "$ME7E"
check "--save-key over a file: refused (got $st)" is "$st" 2
check "--save-key over a file: nothing written" test ! -e "$tmp/me7-over.bin"
run --fix --resign --key csum/me7-vag-rsa-key-e65537.der -o "$tmp/me7-e.bin" "$ME7E"
check "--key of another exponent: exit status 1 (got $st)" is "$st" 1
check "--key of another exponent: the reason" has "$tmp/err" "could not be made with the key"
printf 'not a key\n' >"$tmp/junk.key"
usage_error "--key junk" --fix --resign --key "$tmp/junk.key" -o "$tmp/x.bin" "$ME7E"
usage_error "--resign without --fix" --resign "$ME7E"
usage_error "--key without --resign" --fix --key "$tmp/new.key" -o "$tmp/x.bin" "$ME7E"
usage_error "--key and --save-key" --fix --resign --key "$tmp/new.key" --save-key "$tmp/k2" -o "$tmp/x.bin" "$ME7E"
run --fix --resign -o "$tmp/edc-resign.bin" "$EDC"
check "--resign on a family without a key in the image: corrected as before (got $st)" is "$st" 0

# ---- standard input, read only ------------------------------------------------------------------
run_in "$tmp/edc-good.bin" -
check "stdin: exit status 0 (got $st)" is "$st" 0
check "stdin: named '-'" is "$(cat "$tmp/out")" "-: ok (bosch-edc16, 2 checksum blocks)"

# ---- the fixtures were never modified -------------------------------------------------------------
finish
