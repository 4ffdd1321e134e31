#!/bin/sh
# ecu-csum against ME7Sum (nyetwurk/ME7Sum, verify only: `me7sum FILE`) on the VAG ME7 dumps,
# one process per file, in the same run, with a floor:
#   - ME7Sum: `me7sum FILE` for every file (the program from $ECU_ME7SUM; that baseline is
#     skipped, with a note, when ECU_ME7SUM is unset);
#   - ecu-csum: `ecu-csum -q FILE` for every file;
#   - ecu-id: `ecu-id -q FILE` for every file (identification, same family detection);
#   - the floor: `bench/floor_crc FILE` for every file, a process linking only libc that maps
#     the file (MAP_POPULATE) and computes a CRC-32 over every byte: the least a process per
#     file can cost;
#   - for reference, GNU `cksum FILE` (reads the file, POSIX CRC);
#   - and one process for all the files: `ecu-csum -q -j 1 FILE...` and `ecu-csum -q -j 2
#     FILE...` (the batch runner: the way a CI job checks a library), compared with ME7Sum one
#     process per file by wall time (the issue's target for -j 2: at least 20 times faster).
# Every round runs each command over all files, the commands interleaved, so that a busy
# spell of a shared machine falls on all of them; ROUNDS rounds (default 5), and the best
# round of each command counts, by wall time and separately by CPU time (user + system of the
# children, from wait4: the steadier figure on a loaded machine). Prints files/s, MiB/s and
# the ratios against ME7Sum (above 1: faster than ME7Sum). Never asserts a time.
#   bench/me7sum.sh [BUILD_DIR]          (default: build; relative to the source tree, or absolute)
#   ECU_ME7SUM=/path/to/me7sum ECU_CORPUS=DIR ROUNDS=5 bench/me7sum.sh
# The dumps: $ECU_CORPUS/vag_me7/* (default corpus: ../shared/corpus next to the repository).
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
case ${1:-build} in
/*) build=$1 ;;
*) build="$here/${1:-build}" ;;
esac
corpus=${ECU_CORPUS:-$here/../shared/corpus}
rounds=${ROUNDS:-5}
for t in bin/ecu-csum bin/ecu-id bench/floor_crc; do
    [ -x "$build/$t" ] || { echo "bench/me7sum.sh: $build/$t not built" >&2; exit 2; }
done
[ -d "$corpus/vag_me7" ] || { echo "bench/me7sum.sh: no corpus at $corpus/vag_me7" >&2; exit 2; }
me7sum=${ECU_ME7SUM:-}
if [ -z "$me7sum" ]; then
    echo "bench/me7sum.sh: ECU_ME7SUM is not set: the ME7Sum baseline is skipped" >&2
elif [ ! -x "$me7sum" ]; then
    echo "bench/me7sum.sh: ECU_ME7SUM=$me7sum is not an executable" >&2
    exit 2
fi
exec python3 - "$build" "$corpus/vag_me7" "$rounds" "$me7sum" <<'PY'
import glob, os, shutil, subprocess, sys, time

build, folder, rounds, me7sum = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
files = sorted(f for f in glob.glob(os.path.join(folder, "*")) if os.path.isfile(f))
mib = sum(os.path.getsize(f) for f in files) / (1 << 20)
cmds = []  # (label, argv prefix)
if me7sum:
    cmds.append(("ME7Sum", [me7sum]))
cmds += [("ecu-csum -q", [build + "/bin/ecu-csum", "-q"]),
         ("ecu-id -q", [build + "/bin/ecu-id", "-q"]),
         ("floor (bench/floor_crc)", [build + "/bench/floor_crc"])]
if shutil.which("cksum"):
    cmds.append(("cksum (GNU)", [shutil.which("cksum")]))
batch = [("ecu-csum -q -j 1 (one process)", [build + "/bin/ecu-csum", "-q", "-j", "1"]),
         ("ecu-csum -q -j 2 (one process)", [build + "/bin/ecu-csum", "-q", "-j", "2"])]
null = os.open(os.devnull, os.O_RDWR)

def one_round(argv):
    """every file in its own process: (wall seconds, children's user+sys seconds, statuses)"""
    cpu, st = 0.0, []
    t0 = time.perf_counter()
    for f in files:
        pid = os.posix_spawn(argv[0], argv + [f], os.environ,
                             file_actions=[(os.POSIX_SPAWN_DUP2, null, 0),
                                           (os.POSIX_SPAWN_DUP2, null, 1),
                                           (os.POSIX_SPAWN_DUP2, null, 2)])
        _, status, ru = os.wait4(pid, 0)
        cpu += ru.ru_utime + ru.ru_stime
        st.append(os.waitstatus_to_exitcode(status))
    return time.perf_counter() - t0, cpu, st

def one_batch(argv):
    """every file in one process: (wall seconds, user+sys seconds)"""
    t0 = time.perf_counter()
    pid = os.posix_spawn(argv[0], argv + files, os.environ,
                         file_actions=[(os.POSIX_SPAWN_DUP2, null, 0),
                                       (os.POSIX_SPAWN_DUP2, null, 1),
                                       (os.POSIX_SPAWN_DUP2, null, 2)])
    _, status, ru = os.wait4(pid, 0)
    return time.perf_counter() - t0, ru.ru_utime + ru.ru_stime

# the verdicts, once (not timed): how many files each checker passes
print("%d files, %.1f MiB, from %s" % (len(files), mib, folder))
if me7sum:
    ok = 0
    for f in files:
        out = subprocess.run([me7sum, f], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL).stdout
        last = out.decode("latin-1").strip().splitlines()[-1:] or [""]
        ok += last[0].startswith("*** DONE! 0 error(s)")
    print("ME7Sum: %d of %d files with 0 errors" % (ok, len(files)))
st = one_round(cmds[1 if me7sum else 0][1])[2]
print("ecu-csum: %d of %d files ok (exit status 0)" % (st.count(0), len(files)))

best = {label: [float("inf"), float("inf")] for label, _ in cmds + batch}
for r in range(rounds):
    for label, argv in cmds:
        wall, cpu, _ = one_round(argv)
        best[label][0] = min(best[label][0], wall)
        best[label][1] = min(best[label][1], cpu)
    for label, argv in batch:
        wall, cpu = one_batch(argv)
        best[label][0] = min(best[label][0], wall)
        best[label][1] = min(best[label][1], cpu)
print("best of %d rounds, one process per file (wall: elapsed; CPU: user+sys of the processes)"
      % rounds)
print("%-30s %9s %9s %9s %9s %9s %9s" % ("", "wall ms/f", "files/s", "MiB/s", "CPU ms/f", "files/s", "MiB/s"))
for label, _ in cmds + batch:
    w, c = best[label]
    print("%-30s %9.3f %9.0f %9.0f %9.3f %9.0f %9.0f"
          % (label, 1e3 * w / len(files), len(files) / w, mib / w,
             1e3 * c / len(files), len(files) / c if c else 0, mib / c if c else 0))
if me7sum:
    bw, bc = best["ME7Sum"]
    for label, _ in cmds[1:]:
        w, c = best[label]
        print("%s / ME7Sum (times faster): wall %.2f, CPU %.2f"
              % (label, bw / w, bc / c if c else float("inf")))
    for label, _ in batch:
        w, c = best[label]
        print("%s / ME7Sum one process per file (times faster): wall %.2f, CPU %.2f"
              % (label, bw / w, bc / c if c else float("inf")))
PY
