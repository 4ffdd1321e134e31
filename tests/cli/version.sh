#!/bin/sh
# The tools check at start-up that the libecu they run against has the major.minor version
# they were built with (cmd/common/tool.c, tool_check_library): another major or minor is
# refused with exit status 2 and one message on stderr, before anything else (--help and
# --version included); another patch level is accepted and the tools work as usual.
#   version.sh BINDIR FIXTURES BUILT MAJOR_DIR MAJOR_VER MINOR_DIR MINOR_VER PATCH_DIR PATCH_VER
# BUILT is the version the tools were built with; each *_DIR holds a whole libecu.so.0 (built by
# tests/CMakeLists.txt from the library's objects) that reports *_VER. The tools find libecu
# through their RUNPATH ($ORIGIN/../lib); LD_LIBRARY_PATH comes before a RUNPATH, so it puts
# the other library in front of them, as an installed libecu of another release would be.
set -u
if [ $# -ne 9 ]; then
    echo "usage: $0 BINDIR FIXTURES BUILT MAJOR_DIR MAJOR_VER MINOR_DIR MINOR_VER PATCH_DIR PATCH_VER" >&2
    exit 2
fi
bindir=$(cd "$1" && pwd)
fixtures=$(cd "$2" && pwd)
built=$3
major_dir=$(cd "$4" && pwd) major_ver=$5
minor_dir=$(cd "$6" && pwd) minor_ver=$7
patch_dir=$(cd "$8" && pwd) patch_ver=$9
tool=$bindir/ecu-csum
. "$(dirname "$0")/harness.sh"
unset LD_LIBRARY_PATH LD_PRELOAD
fixture_sums >"$tmp/sums.before"

# with LIBDIR ARGS...: runs $tool from the fixtures folder against the libecu.so.0 in LIBDIR
# ("" for the tool's own), like run
with() {
    libdir=$1
    shift
    if [ -n "$libdir" ]; then
        (cd "$fixtures" && LD_LIBRARY_PATH=$libdir "$tool" "$@") >"$tmp/out" 2>"$tmp/err"
    else
        (cd "$fixtures" && "$tool" "$@") >"$tmp/out" 2>"$tmp/err"
    fi
    st=$?
}

check "the stubs differ from the build: $major_ver, $minor_ver, $patch_ver vs $built" \
    [ "$major_ver" != "$built" -a "$minor_ver" != "$built" -a "$patch_ver" != "$built" ]
check "the patch stub has the same major.minor as the build" \
    is "${patch_ver%.*}" "${built%.*}"
check "the minor stub has the same major as the build, another minor" \
    [ "${minor_ver%%.*}" = "${built%%.*}" -a "${minor_ver%.*}" != "${built%.*}" ]
check "the major stub has another major" [ "${major_ver%%.*}" != "${built%%.*}" ]

for name in ecu-cmp ecu-csum ecu-id ecu-verify; do
    tool=$bindir/$name
    # a job that works, for each tool: status 0 with the real library
    case $name in
        ecu-cmp) job="reads/base.bin reads/base.bin" ;;
        ecu-csum) job="--list-families" ;;
        ecu-id) job="--json reads/base.bin" ;;
        ecu-verify) job="verify/read1.bin.gz" ;;
    esac

    # the tool's own library: no complaint, no second version line
    with "" --version
    check "$name, own libecu: --version exits 0 (got $st)" is "$st" 0
    check "$name, own libecu: --version says $built" is "$(cat "$tmp/out")" "$name (libecu) $built"
    check "$name, own libecu: nothing on stderr" empty "$tmp/err"
    # shellcheck disable=SC2086 # $job holds several arguments
    with "" $job
    check "$name, own libecu: '$job' exits 0 (got $st)" is "$st" 0
    check "$name, own libecu: '$job' writes a report" test -s "$tmp/out"
    cp "$tmp/out" "$tmp/job.out"

    # another major or minor version: refused first thing, whatever was asked
    for v in "$major_dir $major_ver" "$minor_dir $minor_ver"; do
        dir=${v% *} ver=${v#* }
        want="$name: libecu $ver is loaded, but $name was built with libecu $built (major.minor must match); install matching versions of libecu and the ecu tools"
        for args in --version --help "$job" "--no-such-option"; do
            # shellcheck disable=SC2086 # $args holds several arguments
            with "$dir" $args
            check "$name, libecu $ver, '$args': exit status 2 (got $st)" is "$st" 2
            check "$name, libecu $ver, '$args': nothing on stdout" empty "$tmp/out"
            check "$name, libecu $ver, '$args': the message on stderr, alone (got: $(cat "$tmp/err"))" \
                is "$(cat "$tmp/err")" "$want"
        done
    done

    # another patch level: accepted; --version names both, the job gives the same answer
    with "$patch_dir" --version
    check "$name, libecu $patch_ver: --version exits 0 (got $st)" is "$st" 0
    check "$name, libecu $patch_ver: --version names the loaded library (got: $(cat "$tmp/out"))" \
        is "$(cat "$tmp/out")" "$name (libecu) $built
library at run time: $patch_ver"
    check "$name, libecu $patch_ver: nothing on stderr" empty "$tmp/err"
    # shellcheck disable=SC2086 # $job holds several arguments
    with "$patch_dir" $job
    check "$name, libecu $patch_ver: '$job' exits 0 (got $st)" is "$st" 0
    check "$name, libecu $patch_ver: '$job' gives the same report" same_file "$tmp/out" "$tmp/job.out"
    check "$name, libecu $patch_ver: '$job': nothing on stderr" empty "$tmp/err"
done
finish
