#!/bin/sh
# same-behaviour.sh: proves that two builds of the ecu tools behave the same, byte for byte.
#
#   tests/compat/same-behaviour.sh [--corpus DIR] [--fixtures DIR] [--jobs N] [--keep] OLD NEW
#
# OLD and NEW are each either a folder holding the built ecu-csum, ecu-id and ecu-cmp (such
# as build/bin), or a git revision of this repository (anything `git rev-parse --verify
# REV^{commit}` accepts). A revision is checked out with `git worktree add --detach` into a
# temporary folder, configured with `cmake --preset default -DECU_WERROR=OFF`, and only the
# three tools are built; the worktree is removed at the end, also on failure or interrupt.
# Both builds read the same inputs: the fixtures and corpus of the working tree, never those
# of the revision.
#
# Inputs:
#   - every image of the fixtures tree (default: fixtures/ of this repository): *.bin, *.hex,
#     *.ihex, *.ihx, *.s19, *.s28, *.s37, *.srec, *.mot, *.rom, each also gzip-compressed;
#   - every dump listed in MANIFEST.tsv of the corpus (default: $ECU_CORPUS, else
#     ../shared/corpus next to the repository); skipped with a note when the default corpus
#     is absent (a missing --corpus is an error).
# Runs, each with both builds, from the same working directory and with the same relative
# paths and program names (the tools are found through PATH), stdin from /dev/null:
#   - `ecu-csum -v --json FILE` and `ecu-id --json FILE` on every input;
#   - `ecu-cmp --json A B` on each fixture and the next fixture of the same size (bytes of
#     the file, after gunzip for .gz), and on each corpus dump and the next one of the same
#     size in MANIFEST order (the `bytes` column);
#   - `ecu-cmp --json` on the reads of fixtures/reads the README, bootstrap.sh and the
#     golden cases pair or vote on, and `ecu-cmp -o OUT` on the vote triples;
#   - `ecu-csum --fix -o OUT FILE` on every input on which ecu-csum of either build says bad.
# Stdout, stderr and the exit status are compared byte for byte, and so is OUT where there is
# one. Each (tool, input) run that differs prints one line:
#   FAIL: TOOL OPTIONS: FILE...: stdout, stderr, status, output file differ
# and the last line is the summary `N passed, M failed`.
#
# Options: --jobs N runs N jobs at a time (default 2); --keep keeps the work folder with the
# outputs of the runs that differ, named at the end of their FAIL lines.
# Exit status: 0 when nothing differs, 1 when a run differs, 2 on trouble (bad usage, a
# missing tool, a build that fails).
#
# A developer's tool, not part of ctest: it builds revisions. See README.md, "Proving a
# refactoring changed nothing".
set -u

# ---- worker: `same-behaviour.sh --job ID...`, started by xargs from the main run below ----
# Environment: CS_WORK (work folder), CS_OLD and CS_NEW (the tool folders), CS_PATH (PATH).

# run_both TOOL IMG ARGS...: runs TOOL ARGS with both builds into $o.{old,new}.{out,err,st};
# when IMG is not "-", it is the output file the run may write, kept as $o.{old,new}.img.
run_both() {
    rb_tool=$1 rb_img=$2
    shift 2
    for rb_b in old new; do
        if [ "$rb_b" = old ]; then PATH=$CS_OLD:$CS_PATH; else PATH=$CS_NEW:$CS_PATH; fi
        [ "$rb_img" = - ] || rm -f "$rb_img"
        "$rb_tool" "$@" </dev/null >"$o.$rb_b.out" 2>"$o.$rb_b.err"
        echo $? >"$o.$rb_b.st"
        PATH=$CS_PATH
        if [ "$rb_img" != - ] && [ -e "$rb_img" ]; then mv "$rb_img" "$o.$rb_b.img"; fi
    done
}

# verdict LABEL INPUTS: compares the two runs of run_both, appends one result line to $res
# and removes the outputs when they are the same.
verdict() {
    what=
    cmp -s "$o.old.out" "$o.new.out" || what="$what, stdout"
    cmp -s "$o.old.err" "$o.new.err" || what="$what, stderr"
    cmp -s "$o.old.st" "$o.new.st" || what="$what, status"
    if [ -e "$o.old.img" ] || [ -e "$o.new.img" ]; then
        cmp -s "$o.old.img" "$o.new.img" 2>/dev/null || what="$what, output file"
    fi
    if [ -z "$what" ]; then
        printf 'PASS\t%s\t%s\n' "$1" "$2" >>"$res"
        rm -f "$o".old.* "$o".new.*
    else
        printf 'FAIL\t%s\t%s\t%s\t%s\n' "$1" "$2" "${what#, }" "$o" >>"$res"
        for v in old new; do
            mv "$o.$v.out" "$o.$v.out.kept"
            mv "$o.$v.err" "$o.$v.err.kept"
            mv "$o.$v.st" "$o.$v.st.kept"
            if [ -e "$o.$v.img" ]; then mv "$o.$v.img" "$o.$v.img.kept"; fi
        done
    fi
}

# run_job ID: runs the job file jobs/ID (line 1 the kind, then one input per line) and
# writes res/ID.
run_job() {
    id=$1
    res=$CS_WORK/res/$id.part
    o=$CS_WORK/out/$id
    img=$CS_WORK/out/$id.img
    : >"$res"
    kind='' inputs=''
    set --
    while IFS= read -r line; do
        if [ -z "$kind" ]; then
            kind=$line
        else
            set -- "$@" "$line"
            inputs=${inputs:+$inputs }$line
        fi
    done <"$CS_WORK/jobs/$id"
    case $kind in
    csum)
        run_both ecu-csum - -v --json "$@"
        if [ "$(cat "$o.old.st")" = 1 ] || [ "$(cat "$o.new.st")" = 1 ]; then bad=1; else bad=0; fi
        verdict 'ecu-csum -v --json' "$inputs"
        if [ "$bad" = 1 ]; then
            o=$o.fix
            run_both ecu-csum "$img" --fix -o "$img" "$@"
            verdict 'ecu-csum --fix -o' "$inputs"
        fi
        ;;
    id)
        run_both ecu-id - --json "$@"
        verdict 'ecu-id --json' "$inputs"
        ;;
    cmp)
        run_both ecu-cmp - --json "$@"
        verdict 'ecu-cmp --json' "$inputs"
        ;;
    vote)
        run_both ecu-cmp "$img" -o "$img" "$@"
        verdict 'ecu-cmp -o' "$inputs"
        ;;
    *)
        return 2
        ;;
    esac
    mv "$res" "$CS_WORK/res/$id"
}

if [ "${1:-}" = --job ]; then
    shift
    st=0
    for j in "$@"; do
        run_job "$j" || st=2
    done
    exit $st
fi

# ---- main ----
usage() {
    sed -n 's|^#   \(tests/compat/same-behaviour.sh \[.*\)|usage: \1|p' "$0" >&2
    exit 2
}
trouble() {
    echo "same-behaviour.sh: $*" >&2
    exit 2
}

fixtures='' corpus='' corpus_given=0 jobs=2 keep=0
while [ $# -gt 0 ]; do
    case $1 in
    --fixtures) [ $# -ge 2 ] || usage; fixtures=$2; shift 2 ;;
    --corpus) [ $# -ge 2 ] || usage; corpus=$2; corpus_given=1; shift 2 ;;
    --jobs) [ $# -ge 2 ] || usage; jobs=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    -h | --help) sed -n '2,/^set -u/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    --) shift; break ;;
    -*) usage ;;
    *) break ;;
    esac
done
[ $# -eq 2 ] || usage
case $jobs in '' | *[!0-9]* | 0) usage ;; esac

self=$(cd "$(dirname "$0")" && pwd -P)/$(basename "$0")
top=$(cd "$(dirname "$0")/../.." && pwd -P) || trouble "cannot find the repository"
here=$(pwd -P)
# Defaults relative to the working directory when it is the top of the repository, so that
# the file names in the outputs are short.
if [ "$here" = "$top" ]; then rel=; else rel=$top/; fi
[ -n "$fixtures" ] || fixtures=${rel}fixtures
[ -n "$corpus" ] || corpus=${ECU_CORPUS:-${rel}../shared/corpus}
[ -d "$fixtures" ] || trouble "no fixtures folder: $fixtures"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/same-behaviour.XXXXXX") || trouble "mktemp failed"
worktrees=''
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
    trap - EXIT INT TERM HUP
    for wt in $worktrees; do
        git -C "$top" worktree remove --force "$wt" >/dev/null 2>&1
    done
    [ -z "$worktrees" ] || git -C "$top" worktree prune >/dev/null 2>&1
    if [ "$keep" = 1 ]; then
        rm -rf "$tmp/src-old" "$tmp/src-new"
        echo "kept: $tmp" >&2
    else
        rm -rf "$tmp"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# build NAME REV: builds the tools of REV into $tmp/src-NAME; sets bindir.
build() {
    src=$tmp/src-$1
    log=$tmp/build-$1.log
    echo "building $1: $2 ($(git -C "$top" log -1 --format='%h %s' "$2"))" >&2
    git -C "$top" worktree add --detach "$src" "$2" >"$log" 2>&1 ||
        { cat "$log" >&2; trouble "git worktree add failed for $2"; }
    worktrees="$worktrees $src"
    if (cd "$src" &&
        if [ -f CMakePresets.json ]; then
            cmake --preset default -DECU_WERROR=OFF &&
                cmake --build --preset default --target ecu-csum ecu-id ecu-cmp
        else
            cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DECU_WERROR=OFF &&
                cmake --build build -j 2 --target ecu-csum ecu-id ecu-cmp
        fi) >>"$log" 2>&1; then
        bindir=$src/build/bin
        [ -x "$bindir/ecu-csum" ] ||
            bindir=$(dirname "$(find "$src/build" -type f -name ecu-csum -perm -u+x | head -n 1)")
    else
        tail -n 30 "$log" >&2
        trouble "the build of $2 failed (log above)"
    fi
}

# resolve NAME ARG: sets bindir to the tools folder of ARG (a folder or a revision).
resolve() {
    if [ -d "$2" ]; then
        bindir=$(cd "$2" && pwd -P)
    elif sha=$(git -C "$top" rev-parse -q --verify "$2^{commit}" 2>/dev/null); then
        if [ "$1" = new ] && [ "$sha" = "${old_sha:-}" ]; then
            bindir=$old_dir
        else
            build "$1" "$sha"
        fi
        [ "$1" = old ] && old_sha=$sha
    else
        trouble "$1: $2 is neither a folder nor a git revision"
    fi
    for t in ecu-csum ecu-id ecu-cmp; do
        if [ ! -f "$bindir/$t" ] || [ ! -x "$bindir/$t" ]; then
            trouble "$1: no $t in $bindir"
        fi
    done
}
old_sha=
resolve old "$1"
old_dir=$bindir
resolve new "$2"
new_dir=$bindir

start=$(date +%s)
mkdir "$tmp/jobs" "$tmp/res" "$tmp/out" "$tmp/lists" || trouble "cannot write $tmp"
n=0
# job KIND INPUT...: adds one job.
job() {
    n=$((n + 1))
    printf '%s\n' "$@" >"$tmp/jobs/$n"
}

# The fixture images, sorted, and their sizes (after gunzip).
find "$fixtures" -type f \( -name '*.bin' -o -name '*.hex' -o -name '*.ihex' -o -name '*.ihx' \
    -o -name '*.s19' -o -name '*.s28' -o -name '*.s37' -o -name '*.srec' -o -name '*.mot' \
    -o -name '*.rom' -o -name '*.bin.gz' -o -name '*.hex.gz' -o -name '*.ihex.gz' \
    -o -name '*.ihx.gz' -o -name '*.s19.gz' -o -name '*.s28.gz' -o -name '*.s37.gz' \
    -o -name '*.srec.gz' -o -name '*.mot.gz' -o -name '*.rom.gz' \) |
    LC_ALL=C sort >"$tmp/lists/fixtures"
: >"$tmp/lists/fixture-sizes"
while IFS= read -r f; do
    case $f in
    *.gz) size=$(gzip -dc <"$f" | wc -c) || trouble "cannot read $f" ;;
    *) size=$(wc -c <"$f") || trouble "cannot read $f" ;;
    esac
    printf '%d\t%s\n' "$size" "$f" >>"$tmp/lists/fixture-sizes"
done <"$tmp/lists/fixtures"
nfix=$(wc -l <"$tmp/lists/fixtures")

# The corpus dumps in MANIFEST order, with the bytes column.
: >"$tmp/lists/corpus-sizes"
ncorpus=0
if [ -f "$corpus/MANIFEST.tsv" ]; then
    while IFS="$(printf '\t')" read -r file bytes _; do
        [ "$file" = file ] && continue
        [ -n "$file" ] || continue
        if [ -f "$corpus/$file" ]; then
            printf '%s\t%s\n' "$bytes" "$corpus/$file" >>"$tmp/lists/corpus-sizes"
            ncorpus=$((ncorpus + 1))
        else
            echo "note: $corpus/$file is listed in MANIFEST.tsv but absent: skipped" >&2
        fi
    done <"$corpus/MANIFEST.tsv"
elif [ "$corpus_given" = 1 ]; then
    trouble "no MANIFEST.tsv in the corpus folder $corpus"
else
    echo "note: no corpus at $corpus (no MANIFEST.tsv): corpus dumps skipped" >&2
fi

for list in fixture-sizes corpus-sizes; do
    while IFS="$(printf '\t')" read -r _ f; do job csum "$f"; done <"$tmp/lists/$list"
    while IFS="$(printf '\t')" read -r _ f; do job id "$f"; done <"$tmp/lists/$list"
    # Each file with the next one of the same size.
    awk -F'\t' '($1 in last) { print last[$1] "\t" $2 } { last[$1] = $2 }' \
        "$tmp/lists/$list" >"$tmp/lists/pairs"
    while IFS="$(printf '\t')" read -r a b; do job cmp "$a" "$b"; done <"$tmp/lists/pairs"
done

# The reads the README (ecu-cmp section), bootstrap.sh and the golden cases compare.
r=$fixtures/reads
for set in 'base.bin stuck.bin' 'base.bin few.bin' 'base.bin vote_a.bin vote_b.bin' \
    'vote_a.bin vote_b.bin vote_c.bin' 'base.bin same.bin stuck.bin' \
    'base.bin vote_b.bin vote_c.bin'; do
    missing=0
    # shellcheck disable=SC2086 # the set is a list of names
    set -- $set
    for f in "$@"; do [ -f "$r/$f" ] || missing=1; done
    [ "$missing" = 0 ] || continue
    for f in "$@"; do shift; set -- "$@" "$r/$f"; done
    job cmp "$@"
    [ $# -eq 3 ] && job vote "$@"
done

echo "comparing: $nfix fixtures, $ncorpus corpus dumps, $n jobs, $jobs at a time" >&2
echo "  old: $old_dir" >&2
echo "  new: $new_dir" >&2
CS_WORK=$tmp CS_OLD=$old_dir CS_NEW=$new_dir CS_PATH=$PATH
export CS_WORK CS_OLD CS_NEW CS_PATH
awk -v n="$n" 'BEGIN { for (i = 1; i <= n; i++) print i }' |
    xargs -n 16 -P "$jobs" sh "$self" --job || trouble "a worker failed"

i=1
while [ "$i" -le "$n" ]; do
    [ -f "$tmp/res/$i" ] || trouble "job $i left no result"
    i=$((i + 1))
done
awk -v n="$n" 'BEGIN { for (i = 1; i <= n; i++) print i }' | sed "s|^|$tmp/res/|" |
    xargs cat >"$tmp/results" || trouble "cannot read the results"
awk -F'\t' -v summary="$tmp/summary" -v keep="$keep" '
    !($2 in runs) { tools[++ntools] = $2 }
    { runs[$2]++ }
    $1 == "PASS" { pass++ }
    $1 == "FAIL" {
        fail++
        bad[$2]++
        print "FAIL: " $2 ": " $3 ": " $4 " differ" (keep ? " (kept: " $5 ".{old,new}.*.kept)" : "") }
    END {
        for (i = 1; i <= ntools; i++)
            printf "  %-20s %4d runs, %d differ\n", tools[i], runs[tools[i]], bad[tools[i]] >"/dev/stderr"
        printf "%d passed, %d failed\n", pass, fail >summary
        exit (fail > 0 ? 1 : 0)
    }
' "$tmp/results"
st=$?
echo "took $(($(date +%s) - start)) s" >&2
cat "$tmp/summary"
exit $st
