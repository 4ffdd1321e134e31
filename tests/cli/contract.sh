#!/bin/sh
# The command-line contract the four tools share (CONVENTIONS in their man pages; issue 13):
# --format export read back by the shell, -o only an output file, the exit precedence over
# many files, the JSON records (one per input, unreadable ones included), file names escaped
# in text as sha256sum escapes them, and the defects of issue 13 (each assertion failed on
# the tools before the contract).
#   contract.sh BINDIR FIXTURES [CORPUS]
# CORPUS (MANIFEST.tsv, read at run time) is used for one check only, skipped without it.
# Needs python3 (the JSON is parsed with its json module).
set -u
if [ $# -lt 2 ]; then
    echo "usage: $0 BINDIR FIXTURES [CORPUS]" >&2
    exit 2
fi
bin=$(cd "$1" && pwd)
fixtures=$(cd "$2" && pwd)
corpus=${3:-}
tool=$bin/ecu-csum
. "$(dirname "$0")/harness.sh"
fixture_sums >"$tmp/sums.before"
# with TOOL ARGS...: run with another tool
with() {
    t=$1
    shift
    (cd "$fixtures" && "$bin/$t" "$@") >"$tmp/out" 2>"$tmp/err"
    st=$?
}
# json_check PYTHON-EXPRESSION: true when the expression holds over L, the records of
# $tmp/out (one JSON object per line)
json_check() {
    python3 -c 'import json, sys
L = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
sys.exit(0 if eval(sys.argv[2]) else 1)' "$tmp/out" "$1"
}

# ---- --format export: KEY=value lines the shell reads back (eval), one group per record ---------
# a name with a space, a quote, a dollar and a newline, shell-quoted on the way out
odd="$tmp/it's \$a
b.bin"
zcat "$fixtures/id/me7-a.bin.gz" >"$odd"
(cd "$fixtures" && "$bin/ecu-id" --format export "$odd") >"$tmp/out" 2>"$tmp/err"
st=$?
check "ecu-id --format export: exit 0 (got $st)" is "$st" 0
# shellcheck disable=SC2016 # the script is sh's
check "ecu-id --format export: eval in sh gives FILE back byte for byte" \
    sh -c 'eval "$(cat "$1")"; [ "$FILE" = "$2" ] && [ "$STATUS" = identified ] && [ "$EXIT" = 0 ] && [ "$HW_NUMBER" = 0261204321 ]' \
    sh "$tmp/out" "$odd"
with ecu-csum --format export csum/edc16-512k-bad.bin.gz csum/no-such.bin
check "ecu-csum --format export: exit 2 (got $st)" is "$st" 2
check "ecu-csum --format export: two groups, an empty line after each" \
    is "$(grep -c '^$' "$tmp/out")" 2
# shellcheck disable=SC2016
check "ecu-csum --format export: the first group evals (STATUS bad, BAD 1)" \
    sh -c 'sed "/^\$/q" "$1" >"$1.1"; eval "$(cat "$1.1")"; [ "$STATUS" = bad ] && [ "$BAD" = 1 ] && [ "$EXIT" = 1 ]' sh "$tmp/out"
check "ecu-csum --format export: the unreadable file has its group" \
    has "$tmp/out" "STATUS=error"
with ecu-csum -v --format export csum/edc16-512k-bad.bin.gz
check "ecu-csum -v --format export: -v honoured (every block)" has "$tmp/out" "BLOCK_2_STATUS=bad"
with ecu-cmp --format export reads/base.bin reads/few.bin
check "ecu-cmp --format export: exit 1 (got $st)" is "$st" 1
check "ecu-cmp --format export: STATUS=different" has "$tmp/out" "STATUS=different"
with ecu-verify --format export verify/read1.bin.gz
check "ecu-verify --format export: STATUS=pass, EXIT=0" sh -c "grep -qx STATUS=pass '$tmp/out' && grep -qx EXIT=0 '$tmp/out'"
with ecu-csum --format xml csum/edc16-512k.bin.gz
check "--format xml: a usage error (got $st)" is "$st" 2

# ---- -o is an output file only: ecu-id and ecu-verify write none --------------------------------
for t in ecu-id ecu-verify; do
    with "$t" -o export id/me7-a.bin.gz
    check "$t -o export: usage error, exit 2 (got $st)" is "$st" 2
    check "$t -o export: nothing on stdout" empty "$tmp/out"
    check "$t -o export: the hint names --format export" has "$tmp/err" "use --format export"
    check "$t -o export: says -o names an output file" has "$tmp/err" "-o names an output file"
done

# ---- exit precedence over many files: 2, then 1, then 3, then 0 --------------------------------
with ecu-id id/blank.bin.gz id/no-such.bin id/me7-a.bin.gz
check "ecu-id unidentified + missing + identified: exit 2 (got $st)" is "$st" 2
with ecu-id id/me7-a.bin.gz id/blank.bin.gz
check "ecu-id identified + unidentified: exit 3 (got $st)" is "$st" 3
with ecu-csum reads/base.bin csum/edc16-512k-bad.bin.gz
check "ecu-csum unknown (3) + bad (1): exit 1 (got $st)" is "$st" 1
with ecu-csum csum/edc16-512k-bad.bin.gz csum/no-such.bin reads/base.bin
check "ecu-csum bad + missing + unknown: exit 2 (got $st)" is "$st" 2

# ---- JSON: one record per input, in input order, unreadable ones included ----------------------
with ecu-id --json id/no-such.bin id/me7-a.bin.gz id/blank.bin.gz
check "ecu-id --json: three records in input order" \
    json_check '[r["file"] for r in L] == ["id/no-such.bin", "id/me7-a.bin.gz", "id/blank.bin.gz"]'
check "ecu-id --json: status and exit of each" \
    json_check '[(r["status"], r["exit"]) for r in L] == [("error", 2), ("identified", 0), ("unidentified", 3)]'
check "ecu-id --json: the error is stderr's message without the prefix" \
    json_check 'L[0]["error"] == "cannot open: No such file or directory"'
check "ecu-id --json: stderr holds the same message" \
    has "$tmp/err" "ecu-id: id/no-such.bin: cannot open: No such file or directory"
with ecu-csum --json csum/no-such.bin csum/edc16-512k-bad.bin.gz
check "ecu-csum --json: the missing file's record first" \
    json_check 'L[0]["file"] == "csum/no-such.bin" and L[0]["status"] == "error" and L[0]["exit"] == 2'
check "ecu-csum --json: 32-bit values as 0x + 8 hex digits" \
    json_check 'all(len(b["stored"]) == 10 and b["stored"].startswith("0x") for b in L[1]["blocks"])'
check "ecu-csum --json: no old key (verdict) left" json_check 'all("verdict" not in r for r in L)'
with ecu-id --match --json id/me7-a.bin.gz id/no-such.bin
check "ecu-id --match --json a missing file: exit 2 (got $st)" is "$st" 2
check "ecu-id --match --json a missing file: its record, the error naming the file" \
    json_check 'L[0]["status"] == "error" and L[0]["error"].startswith("id/no-such.bin: ") and [f["file"] for f in L[0]["files"]] == ["id/me7-a.bin.gz", "id/no-such.bin"]'
with ecu-cmp --json reads/base.bin reads/no-such.bin
check "ecu-cmp --json a missing read: its record (status error, exit 2)" \
    json_check 'L[0]["status"] == "error" and L[0]["exit"] == 2 and L[0]["error"].startswith("reads/no-such.bin: ")'
with ecu-verify --json verify/read1.bin.gz
check "ecu-verify --json FILE: the file under \"file\", status pass" \
    json_check 'L[0]["file"] == "verify/read1.bin.gz" and L[0]["status"] == "pass" and L[0]["exit"] == 0'
check "ecu-verify --json: fingerprints as 0x + 32 hex digits" \
    json_check 'all(len(f["xxh3_128"]) == 34 and f["xxh3_128"][:2] == "0x" for f in L[0]["files"])'

# ---- file names with a newline or a backslash: escaped as sha256sum does ------------------------
nl="$tmp/a
b.bin"
bs="$tmp/c\\d.bin"
cp "$fixtures/reads/base.bin" "$nl"
cp "$fixtures/reads/base.bin" "$bs"
esc_nl="\\$tmp/a\\nb.bin"
esc_bs="\\$tmp/c\\\\d.bin"
"$bin/ecu-csum" "$nl" "$bs" >"$tmp/out" 2>"$tmp/err"
check "ecu-csum text: one line per file" is "$(lines "$tmp/out")" 2
check "ecu-csum text: the newline escaped, the line starts with a backslash" \
    is "$(head -n 1 "$tmp/out")" "$esc_nl: unknown (no family recognises this image)"
check "ecu-csum text: the backslash doubled" \
    is "$(tail -n 1 "$tmp/out")" "$esc_bs: unknown (no family recognises this image)"
"$bin/ecu-id" "$nl" >"$tmp/out" 2>&1
check "ecu-id text: escaped" is "$(head -n 1 "$tmp/out")" "$esc_nl:"
"$bin/ecu-cmp" "$nl" "$bs" >"$tmp/out" 2>&1
check "ecu-cmp text: three lines (verdict, two fingerprints)" is "$(lines "$tmp/out")" 3
check "ecu-cmp text: the fingerprint line escaped as sha256sum's" \
    is "$(sed -n 2p "$tmp/out")" "\\94a7d8c918cf1b5f9c788fb15da63bb6  $(printf '%s' "$esc_nl" | cut -c2-)"
"$bin/ecu-verify" "$nl" >"$tmp/out" 2>&1
check "ecu-verify text: the fingerprint line escaped" \
    has "$tmp/out" "\\94a7d8c918cf1b5f9c788fb15da63bb6  $(printf '%s' "$esc_nl" | cut -c2-)"
check "ecu-verify text: no line holds a raw piece of the name" sh -c "! grep -qx 'b.bin' '$tmp/out'"

# ---- ecu-id --find-original ---------------------------------------------------------------------
with ecu-id --find-original id/me7-a-tuned.bin.gz id/originals/
check "--find-original DIR/: exit 0 (got $st)" is "$st" 0
check "--find-original DIR/: no doubled slash in the paths" sh -c "! grep -q '//' '$tmp/out'"
check "--find-original DIR/: the path joined once" has "$tmp/out" "  id/originals/me7-a.bin.gz"
with ecu-id --find-original id/me7-a-tuned.bin.gz id/no-such-folder
check "--find-original a missing folder: exit 2 (got $st)" is "$st" 2
check "--find-original a missing folder: never \"no candidate\"" sh -c "! grep -q 'no candidate' '$tmp/out'"
check "--find-original a missing folder: the message names it" \
    has "$tmp/err" "ecu-id: id/no-such-folder: cannot open: No such file or directory"
with ecu-id --find-original --json id/me7-a-tuned.bin.gz id/no-such-folder
check "--find-original --json a missing folder: status error" \
    json_check 'L[0]["status"] == "error" and L[0]["exit"] == 2 and "id/no-such-folder" in L[0]["error"]'
with ecu-id --find-original --format export id/me7-a-tuned.bin.gz id/originals
check "--find-original --format export: honoured (STATUS=found)" has "$tmp/out" "STATUS=found"
check "--find-original --format export: the best candidate first" \
    has "$tmp/out" "CANDIDATE1=id/originals/me7-a.bin.gz"
with ecu-id --find-original -v id/me7-a-tuned.bin.gz id/originals
check "--find-original -v: honoured (the file passed over, and why)" \
    has "$tmp/out" "skipped: id/originals/me7-b.bin.gz: another identity"
with ecu-id --find-original --json id/vin.bin.gz id/originals
check "--find-original --json undecided: a record (status undecided, exit 3)" \
    json_check 'L[0]["status"] == "undecided" and L[0]["exit"] == 3'

# ---- ecu-cmp --ignore: identical, but the fingerprints cover the ignored bytes -------------------
with ecu-cmp --ignore 0x100:0x7000 reads/base.bin reads/few.bin
check "--ignore identical: exit 0 (got $st)" is "$st" 0
check "--ignore identical: says the fingerprints cover the ignored bytes" \
    has "$tmp/out" "the fingerprints cover the ignored bytes too"
with ecu-cmp --json --ignore 0x100:0x7000 reads/base.bin reads/few.bin
check "--ignore identical --json: says so too" json_check 'L[0]["fingerprints_cover_ignored"] is True'
with ecu-cmp --max 1 reads/base.bin reads/few.bin
check "--max without -l: a usage error (got $st)" is "$st" 2
check "--max without -l: says what it goes with" has "$tmp/err" "--max goes with -l"

# ---- ecu-csum -v --fix: a block rewritten as the knock-on effect of another's correction --------
# The edited signed ME7 image re-signed with a key of its own: the new modulus lies in a
# multipoint record's range, so that record's sum changes too although it verified before.
# The count and the block statuses must match the slots that changed, found here by comparing
# the bytes of every block's slot before and after.
in=$tmp/edited.bin
zcat "$fixtures/csum/me7-vag-rsa-512k-edited.bin.gz" >"$in"
"$bin/ecu-csum" --json "$in" >"$tmp/before.json"
"$bin/ecu-csum" --json --fix --resign --key "$fixtures/csum/me7-vag-rsa-key2.der" \
    -o "$tmp/resigned.bin" "$in" >"$tmp/out" 2>"$tmp/err"
st=$?
check "--fix --resign: exit 0 (got $st)" is "$st" 0
python3 - "$tmp/before.json" "$tmp/out" "$in" "$tmp/resigned.bin" >"$tmp/slots" <<'PY'
import json, sys
before = json.load(open(sys.argv[1]))
after = json.load(open(sys.argv[2]))
a, b = open(sys.argv[3], "rb").read(), open(sys.argv[4], "rb").read()
changed = [i for i, blk in enumerate(before["blocks"])
           if a[blk["offset"]:blk["offset"] + blk["bytes"]] != b[blk["offset"]:blk["offset"] + blk["bytes"]]]
reported = [i for i, blk in enumerate(after["blocks"]) if blk["status"] in ("fixed", "resigned")]
print(len(changed), after.get("fixed"), "same" if changed == reported else "differ %s %s" % (changed, reported))
PY
set -- $(cat "$tmp/slots")
check "--fix: more than the bad blocks changed (a knock-on block; got $1)" test "${1:-0}" -gt 3
check "--fix --json: the count of corrected blocks is the count of changed slots ($1, got $2)" is "$2" "$1"
check "--fix --json: every block whose slot changed, and only those, is fixed or resigned" is "$3" same
"$bin/ecu-csum" -v --fix --resign --key "$fixtures/csum/me7-vag-rsa-key2.der" \
    -o "$tmp/resigned2.bin" "$in" >"$tmp/out" 2>"$tmp/err"
check "--fix -v: the summary counts $1 blocks" has "$tmp/out" "fixed (bosch-me7-vag, $1 of 40 checksum blocks corrected)"
check "--fix -v: as many fixed or resigned lines" \
    is "$(grep -c '^  \(fixed\|resigned\) ' "$tmp/out")" "$1"

# ---- ecu-csum --fix: a signature that verifies, made bad by correcting checksums it covers ------
# Needs a signed ME7 dump whose signed ranges hold a checksum slot (real ones do; the synthetic
# image keeps its slots out of them). The dump is found in the corpus at run time: an image
# whose signature verifies and holds another block's slot, and a data byte of that block
# outside the signed ranges is changed.
if [ -n "$corpus" ] && [ -f "$corpus/MANIFEST.tsv" ]; then
    python3 - "$bin/ecu-csum" "$corpus" "$tmp/sig.bin" >"$tmp/sigpick" <<'PY'
import json, os, subprocess, sys
tool, corpus, out = sys.argv[1:4]
for line in open(os.path.join(corpus, "MANIFEST.tsv"), encoding="utf-8"):
    f = line.split("\t")[0]
    p = os.path.join(corpus, f)
    if f == "file" or not os.path.isfile(p):
        continue
    r = subprocess.run([tool, "--json", p], capture_output=True, text=True)
    try:
        rec = json.loads(r.stdout.splitlines()[0])
    except (ValueError, IndexError):
        continue
    if rec.get("status", rec.get("verdict")) != "ok":  # (verdict: the tools before the contract)
        continue
    sig = [b for b in rec["blocks"] if b["status"] == "signature"]
    if not sig:
        continue
    ranges = sig[0]["ranges"]
    inside = lambda o: any(s <= o < e for s, e in ranges)
    data = bytearray(open(p, "rb").read())
    for b in rec["blocks"]:
        if b is sig[0] or not inside(b["offset"]):
            continue
        slots = [(x["offset"], x["offset"] + x["bytes"]) for x in rec["blocks"]]
        tries = 0
        for s, e in b["ranges"]:
            for o in reversed(range(s, e)):
                if inside(o) or any(a <= o < z for a, z in slots):
                    continue
                tries += 1
                if tries > 8:
                    break
                data[o] ^= 1
                open(out, "wb").write(data)
                data[o] ^= 1
                # the image must stay recognised, the signature verify, some checksum be bad
                r = subprocess.run([tool, "--json", out], capture_output=True, text=True)
                got = json.loads(r.stdout.splitlines()[0])
                if got.get("status", got.get("verdict")) == "bad" and any(x["status"] == "signature" for x in got["blocks"]):
                    print("found")
                    sys.exit(0)
print("none")
PY
    if [ "$(cat "$tmp/sigpick")" = found ]; then
        "$bin/ecu-csum" --fix -o "$tmp/sig-out.bin" "$tmp/sig.bin" >"$tmp/out" 2>"$tmp/err"
        st=$?
        check "signature made bad by the correction: exit 1 (got $st)" is "$st" 1
        check "signature made bad by the correction: nothing written" test ! -e "$tmp/sig-out.bin"
        check "signature made bad by the correction: the signature named as the only block" \
            has "$tmp/err" "the RSA signature is the only block that cannot be corrected"
        check "signature made bad by the correction: no count of checksum blocks that cannot be corrected" \
            sh -c "! grep -q 'checksum blocks\\{0,1\\} cannot be corrected' '$tmp/err'"
        "$bin/ecu-csum" --fix --resign -o "$tmp/sig-out.bin" "$tmp/sig.bin" >"$tmp/out" 2>"$tmp/err"
        st=$?
        check "--resign: the signature is made anew, the image written (exit $st)" is "$st" 0
        check "--resign: the written image verifies" "$bin/ecu-csum" -q "$tmp/sig-out.bin"
    else
        echo "skip: no signed dump with a slot inside its signed ranges in $corpus"
    fi
else
    echo "skip: no corpus (signature knock-on check)"
fi
rm -f "$odd" "$nl" "$bs"
finish
