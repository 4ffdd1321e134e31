#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The batch runner (cmd/common/batch.c) through tests/batch/batch_driver.c.

Usage: test_batch.py BATCH_DRIVER FIXTURES_DIR

Input order kept with -j 1/2/4 over files of very different sizes and delays; -r order
(bytewise, depth first), links and special files; --files-from with newlines and with -0;
error records for what cannot be read, the run going on; the worst exit status (2 > 1 > 3 > 0);
NDJSON and export records; the JUnit XML (well-formed, counts, odd names); -q; the progress
line; usage errors; real libecu work (--mode csum) giving the same output on 1, 2 and 4 workers.
Every run is checked for sanitizer reports on stderr.
"""
import json
import os
import random
import shutil
import stat
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

DRIVER = os.path.abspath(sys.argv[1])
FIXTURES = os.path.abspath(sys.argv[2])
TOOL = os.path.basename(DRIVER)
failures = 0
checks = 0


def check(cond, what):
    global failures, checks
    checks += 1
    if not cond:
        failures += 1
        print("FAIL:", what, flush=True)


def run(args, stdin=None, cwd=None, prefix=()):
    """Runs the driver (after the words of @p prefix); returns (exit status, stdout bytes,
    stderr bytes)."""
    p = subprocess.run(list(prefix) + [DRIVER] + args, input=stdin, cwd=cwd,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300)
    for word in (b"ThreadSanitizer", b"AddressSanitizer", b"runtime error:", b"LeakSanitizer"):
        check(word not in p.stderr, "no sanitizer report in %r: %s" % (args[:6], p.stderr[-2000:]))
    return p.returncode, p.stdout, p.stderr


def write(path, content=b""):
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path, "wb") as f:
        f.write(content)


def text_names(out):
    """The file names of text records "NAME: status detail" (names without ': ')."""
    return [line.rsplit(b": ", 1)[0] for line in out.splitlines()]


def main():
    tmp = tempfile.mkdtemp(prefix="batch-test-")
    try:
        os.chdir(tmp)
        order_and_sizes()
        recursive_order()
        files_from()
        errors_never_stop()
        worst_exit()
        formats()
        junit()
        quiet_progress_usage()
        libecu_work()
    finally:
        os.chdir("/")
        for root, dirs, _ in os.walk(tmp):
            for d in dirs:
                try:
                    os.chmod(os.path.join(root, d), 0o755)
                except OSError:
                    pass
        shutil.rmtree(tmp, ignore_errors=True)
    print("%d checks, %d failed" % (checks, failures))
    return 1 if failures else 0


def order_and_sizes():
    """Output in input order whatever finishes first: early files slow or large, late ones
    instant; sizes from 0 bytes to 6 MiB."""
    rnd = random.Random(13)
    names = []
    for i in range(48):
        delay = max(0, 60 - 3 * i) if i % 3 == 0 else rnd.randrange(0, 5)
        size = [0, 10, 4096, 6 << 20, 1 << 20, 100][i % 6]
        head = b"exit=%d sleep=%d\n" % ([0, 1, 3, 0][i % 4], delay)
        body = head + bytes(rnd.getrandbits(8) for _ in range(min(size, 2048)))
        body = body + b"\x5a" * max(0, size - len(body))
        name = "order/f%02d %s.bin" % (i, "x" * (i % 7))
        write(name, body[:size] if size >= len(head) else head)
        names.append(name)
    ref = None
    for j in ("1", "2", "4"):
        rc, out, err = run(["-j", j] + names)
        got = [n.decode() for n in text_names(out)]
        check(got == names, "-j %s: records in input order (got %s...)" % (j, got[:5]))
        check(rc == 1, "-j %s: worst exit of 0/1/3 is 1 (got %d)" % (j, rc))
        if ref is None:
            ref = out
        check(out == ref, "-j %s: the same output as -j 1" % j)
        check(b"48 files: 24 ok, 12 bad, 12 undecided, 0 errors" in err,
              "-j %s: summary counts (%r)" % (j, err[-300:]))


def recursive_order():
    """-r: entries sorted bytewise in each folder, depth first; links to files followed, links
    to folders and special files skipped and counted; a folder without -r is an error."""
    base = "tree"
    files = ["B", "Z", "_", "a b", "a/1", "a/10", "a/2", "a/sub/x", "ab", "b/\xe9t\xe9",
             "c/d/e/f/deep", "\x7f"]
    for f in files:
        write(os.path.join(base, f), b"exit=0\n")
    os.makedirs(os.path.join(base, "empty"))
    os.symlink("a", os.path.join(base, "link-dir"))
    os.symlink("B", os.path.join(base, "link-file"))
    os.symlink("missing", os.path.join(base, "link-dangling"))
    os.mkfifo(os.path.join(base, "fifo"))
    want = []
    for root, dirs, fs in os.walk(base.encode()):
        pass
    # the expected walk, computed independently: sort bytewise at each level

    def walk(p):
        for e in sorted(os.listdir(p.encode())):
            q = p.encode() + b"/" + e
            if os.path.islink(q):
                if os.path.isdir(q):
                    continue
                want.append(q)
            elif os.path.isdir(q):
                walk(q.decode(errors="surrogateescape"))
            elif stat.S_ISREG(os.lstat(q).st_mode):
                want.append(q)
    walk(base)
    for j in ("1", "3"):
        rc, out, err = run(["-r", "-j", j, base])
        got = text_names(out)
        # the dangling link has no record on stdout (the callback's error goes to stderr)
        check(got == [w for w in want if not w.endswith(b"link-dangling")],
              "-r -j %s: walk order\n got  %s\n want %s" % (j, got, want))
        check(b"link-dangling: cannot open" in err, "-r: a dangling link is reported")
        check(rc == 2, "-r: a dangling link makes the worst exit 2 (got %d)" % rc)
        check(b"skipped 1 link to folders, 1 entry neither a regular file nor a block device"
              in err, "-r: skipped entries counted in the summary (%r)" % err[-300:])
    # the trailing slash does not double
    rc, out, err = run(["-r", base + "/a/"])
    check(text_names(out) == [b"tree/a/1", b"tree/a/10", b"tree/a/2", b"tree/a/sub/x"],
          "-r a/: joined with one slash (%r)" % out)
    rc, out, err = run([base + "/a", base + "/B"])
    check(rc == 2 and b"tree/a: is a folder (use -r)" in err and text_names(out) == [b"tree/B"],
          "folder without -r: an error record, the run goes on (%d %r %r)" % (rc, out, err))
    # a symlinked folder named on the command line is walked
    rc, out, err = run(["-r", base + "/link-dir"])
    check(text_names(out)[:1] == [b"tree/link-dir/1"], "-r LINK: a named link is followed")


def files_from():
    names = ["list/with space", "list/tab\there", "list/plain"]
    for n in names:
        write(n, b"exit=0\n")
    write("list/new\nline", b"exit=1\n")
    # newline-separated, from a file and from stdin, with and without the final newline
    lst = "".join(n + "\n" for n in names).encode()
    with open("names.txt", "wb") as f:
        f.write(lst)
    for args, stdin in ((["--files-from", "names.txt"], None), (["--files-from", "-"], lst),
                        (["--files-from", "-"], lst.rstrip(b"\n"))):
        rc, out, err = run(args + ["-j", "2"], stdin=stdin)
        check(rc == 0 and [n.decode() for n in text_names(out)] == names,
              "%s: names in order (%d %r %r)" % (args, rc, out, err))
        check(b"3 files: 3 ok" in err, "%s: summary (%r)" % (args, err))
    # command-line names first, then the list
    rc, out, err = run(["list/plain", "--files-from", "names.txt"])
    check(text_names(out)[0] == b"list/plain" and len(text_names(out)) == 4,
          "command-line names then the list")
    # NUL-separated: a name with a newline
    nul = b"\0".join(n.encode() for n in names + ["list/new\nline"]) + b"\0"
    rc, out, err = run(["--files-from", "-", "-0", "--json", "-j", "4"], stdin=nul)
    recs = [json.loads(l) for l in out.splitlines()]
    check([r["file"] for r in recs] == names + ["list/new\nline"] and rc == 1,
          "-0: names with newlines (%d %r)" % (rc, recs))
    # an empty line in the middle is an error record; a NUL byte without -0 too
    rc, out, err = run(["--files-from", "-", "--json"], stdin=b"list/plain\n\nlist/plain\n")
    recs = [json.loads(l) for l in out.splitlines()]
    check(len(recs) == 3 and recs[1] == {"file": "", "status": "error", "exit": 2,
                                         "error": "empty file name in the list"} and rc == 2,
          "empty line: error record (%r)" % recs)
    rc, out, err = run(["--files-from", "-"], stdin=b"list/plain\nlist/a\0b\n")
    check(rc == 2 and b"holds a NUL byte" in err and text_names(out) == [b"list/plain"],
          "NUL in a newline list: error (%r)" % err)
    # '-' inside a list is refused; a missing list is an error record
    rc, out, err = run(["--files-from", "-"], stdin=b"-\n")
    check(rc == 2 and b"standard input cannot be named in the list" in err, "'-' in a list")
    rc, out, err = run(["list/plain", "--files-from", "no-such-list", "--json"])
    recs = [json.loads(l) for l in out.splitlines()]
    check(rc == 2 and len(recs) == 2 and recs[1]["file"] == "no-such-list" and
          recs[1]["error"].startswith("cannot open the --files-from list"),
          "missing list: its own error record after the others (%r)" % recs)
    # folders in a list: walked with -r, errors without
    rc, out, err = run(["--files-from", "-", "-r", "--json"], stdin=b"list\n")
    check(rc == 1 and len(out.splitlines()) == 4, "-r over a folder named in the list")
    rc, out, err = run(["--files-from", "-"], stdin=b"list\n")
    check(rc == 2 and b"list: is a folder (use -r)" in err, "folder in a list without -r")


def errors_never_stop():
    write("err/ok1", b"exit=0\n")
    write("err/ok2", b"exit=0\n")
    write("err/notdir", b"")
    os.makedirs("err/locked/inner")
    write("err/locked/inner/f", b"exit=0\n")
    names = ["err/ok1", "err/missing", "err/notdir/x", "err/ok2"]
    for j in ("1", "2"):
        rc, out, err = run(["-j", j, "--json"] + names)
        recs = [json.loads(l) for l in out.splitlines()]
        check([r["file"] for r in recs] == names and [r["exit"] for r in recs] == [0, 2, 2, 0]
              and rc == 2, "-j %s: unreadable files reported and counted (%r)" % (j, recs))
        check(b"4 files: 2 ok, 0 bad, 0 undecided, 2 errors" in err, "summary counts errors")
    # unreadable folder and file: root reads anything, so as root the driver runs as nobody
    prefix = ()
    if os.geteuid() == 0:
        if not shutil.which("setpriv"):
            print("note: root without setpriv: the unreadable-folder case is not exercised")
            return
        prefix = ("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups")
        os.chmod(".", 0o755)
        if subprocess.run(list(prefix) + ["test", "-x", DRIVER, "-a", "-r", "."]).returncode:
            # the build lies under a folder nobody may enter (a mktemp -d clone, mode 0700)
            print("note: nobody cannot reach the driver: the unreadable-folder case is skipped")
            os.chmod(".", 0o700)
            return
    write("err/locked/secret", b"exit=0\n")
    os.chmod("err/locked/secret", 0)
    os.chmod("err/locked/inner", 0)
    rc, out, err = run(["-r", "--json", "-j", "2", "err/locked", "err/ok1"], prefix=prefix)
    recs = [json.loads(l) for l in out.splitlines()]
    check(rc == 2 and [r["file"] for r in recs] == ["err/locked/inner", "err/locked/secret",
                                                    "err/ok1"] and
          recs[0]["error"] == "cannot read the folder: Permission denied" and
          recs[1]["error"] == "cannot open: Permission denied" and recs[2]["exit"] == 0,
          "an unreadable folder and file are error records, the run goes on (%r)" % recs)
    os.chmod("err/locked/inner", 0o755)
    os.chmod(".", 0o700)


def worst_exit():
    for st in range(4):
        write("worst/%d" % st, b"exit=%d\n" % st)
    cases = [([0], 0), ([3], 3), ([0, 3], 3), ([3, 1], 1), ([1, 3, 0], 1), ([1, 2], 2),
             ([2, 1, 3, 0], 2), ([0, 0], 0), ([3, 0, 3], 3)]
    for sts, want in cases:
        rc, out, err = run(["-j", "2"] + ["worst/%d" % s for s in sts])
        check(rc == want, "worst of %s is %d (got %d)" % (sts, want, rc))
    rc, out, err = run(["worst/0", "worst/3", "err-nothing-here"])
    check(rc == 2, "a missing file: 2")


def formats():
    write("fmt/a", b"exit=0\n")
    write("fmt/b", b"exit=1\n")
    rc, out, err = run(["--format", "export", "fmt/a", "fmt", "fmt/b"])
    groups = out.decode().split("\n\n")
    check(len(groups) == 4 and groups[1] == "FILE=fmt\nSTATUS=error\nEXIT=2\nERROR='is a folder (use -r)'"
          and groups[2].startswith("FILE=fmt/b\n") and groups[3] == "" and
          not out.endswith(b"\n\n\n"), "export: an empty line after each group (%r)" % out)
    rc, out, err = run(["--json", "fmt/a", "fmt", "fmt/b"])
    lines = out.splitlines()
    check(len(lines) == 3 and all(json.loads(l)["file"] for l in lines), "json: one line per file")
    check(json.loads(lines[1]) == {"file": "fmt", "status": "error", "exit": 2,
                                   "error": "is a folder (use -r)"}, "json: the runner's record")
    check(b"fmt: is a folder (use -r)" in err, "json: the message on stderr as well")
    # one file: no summary; two: a summary
    rc, out, err = run(["fmt/a"])
    check(err == b"", "one file: no summary (%r)" % err)
    rc, out, err = run(["fmt/a", "fmt/b"])
    check(b"2 files: 1 ok, 1 bad" in err, "two files: a summary")


def junit():
    odd = ["ju/plain", "ju/a<b>&\"'c", "ju/bad\xff\xfebyte", "ju/ctl\x01x", "ju/nl\nx",
           "ju/\u00e9t\u00e9"]
    exits = [0, 1, 3, 0, 1, 0]
    paths = []
    for n, e in zip(odd, exits):
        p = n.encode("utf-8", "surrogateescape") if "\xff" not in n else \
            b"ju/bad\xff\xfebyte"
        write(p, b"exit=%d\n" % e)
        paths.append(p)
    # a missing file (error) and a folder (runner's error)
    paths += [b"ju/missing", b"ju"]
    lst = b"\0".join(paths) + b"\0"
    rc, out, err = run(["--files-from", "-", "-0", "--junit", "report.xml", "-j", "2"], stdin=lst)
    check(rc == 2, "junit run: exit 2 (got %d)" % rc)
    try:
        root = ET.parse("report.xml").getroot()
    except ET.ParseError as e:
        check(False, "JUnit XML well-formed: %s\n%s" % (e, open("report.xml", "rb").read()))
        return
    suite = root.find("testsuite")
    check(root.tag == "testsuites" and suite is not None, "testsuites/testsuite")
    a = suite.attrib
    check((a["tests"], a["failures"], a["errors"], a["skipped"]) == ("8", "2", "2", "1"),
          "counts (%r)" % a)
    check(root.attrib["tests"] == "8", "testsuites counts")
    cases = suite.findall("testcase")
    check(len(cases) == 8, "8 test cases")
    names = [c.attrib["name"] for c in cases]
    check(names[0] == "ju/plain" and names[1] == "ju/a<b>&\"'c" and
          names[2] == "ju/bad\\xFF\\xFEbyte" and names[3] == "ju/ctl\\x01x" and
          names[4] == "ju/nl\nx" and names[5] == "ju/\u00e9t\u00e9",
          "names escaped: markup, invalid UTF-8 and controls as \\xNN, newline kept (%r)" % names)
    check(all(c.attrib["classname"] == TOOL for c in cases), "classname is the tool")
    kinds = [[ch.tag for ch in c] for c in cases]
    check(kinds == [[], ["failure"], ["skipped"], [], ["failure"], [], ["error"], ["error"]],
          "failure / skipped / error per exit status (%r)" % kinds)
    check(cases[1].find("failure").attrib["message"] == "declared bad", "failure message")
    check(cases[7].find("error").attrib["message"] == "is a folder (use -r)", "error message")
    check(cases[6].find("error").attrib["message"].startswith("cannot open"),
          "the callback's error: its reason")
    check(not [f for f in os.listdir(".") if f.startswith("report.xml.tmp")],
          "no temporary file left")
    # an unwritable JUnit target: refused before any work, nothing on stdout
    rc, out, err = run(["--junit", "no-such-dir/r.xml", "ju/plain"])
    check(rc == 2 and out == b"" and b"cannot write the JUnit file" in err,
          "unwritable --junit: exit 2 before the run (%d %r %r)" % (rc, out, err))
    # an empty run still writes a valid file
    rc, out, err = run(["--files-from", "-", "--junit", "empty.xml"], stdin=b"")
    r = ET.parse("empty.xml").getroot()
    check(rc == 0 and r.find("testsuite").attrib["tests"] == "0", "empty run: tests=0")


def quiet_progress_usage():
    write("q/a", b"exit=1\n")
    rc, out, err = run(["-q", "q/a", "q/missing", "q"])
    check(rc == 2 and out == b"" and b"q/missing: cannot open" in err and
          b"q: is a folder" in err and b"files:" not in err,
          "-q: nothing on stdout, no summary, errors still said (%r %r)" % (out, err))
    rc, out, err = run(["q/a", "q/a", "q/a"])
    check(b"\r" not in err, "no progress line when stderr is no terminal")
    rc, out, err = run(["--progress", "-j", "2", "q/a", "q/a", "q/a"])
    check(err.startswith(b"\r" + TOOL.encode() + b": 1 file, ") and
          b"\r\x1b[K" + TOOL.encode() + b": 3 files: 0 ok, 3 bad" in err,
          "--progress: carriage-return line, cleared before the summary (%r)" % err)
    rc, out, err = run(["-q", "--progress", "q/a", "q/a"])
    check(b"\r" not in err, "-q: no progress line")
    for args, what in ((["-0", "q/a"], "-0 without --files-from"),
                       (["--files-from", "-", "-"], "stdin twice"),
                       (["-j", "x", "q/a"], "-j x"), (["-j", "-1", "q/a"], "-j -1"),
                       (["-j", "5000", "q/a"], "-j 5000"), (["--junit", "-", "q/a"], "--junit -"),
                       (["--files-from", "a", "--files-from", "b"], "--files-from twice"),
                       ([], "no input")):
        rc, out, err = run(args, stdin=b"")
        check(rc == 2 and out == b"" and b"Try '" in err, "usage error: %s (%d %r)" % (what, rc, err))
    rc, out, err = run(["-j", "0", "q/a"])
    check(rc == 1, "-j 0: one worker per processor")


def libecu_work():
    """Real libecu work (image loading, checksum and identification engines, one handle per
    worker): the same records on 1, 2 and 4 workers. Under the tsan preset this is the data
    race check of the library."""
    images = sorted(os.path.join(FIXTURES, "csum", f) for f in os.listdir(os.path.join(FIXTURES, "csum"))
                    if f.endswith(".bin.gz"))[:60]
    images += sorted(os.path.join(FIXTURES, "id", f) for f in os.listdir(os.path.join(FIXTURES, "id"))
                     if f.endswith(".bin.gz"))
    check(len(images) >= 20, "fixture images found (%d)" % len(images))
    ref = None
    for j in ("1", "2", "4"):
        rc, out, err = run(["--mode", "csum", "--json", "-j", j] + images)
        recs = [json.loads(l) for l in out.splitlines()]
        check([r["file"] for r in recs] == images, "csum -j %s: every image in order" % j)
        if ref is None:
            ref = (rc, out)
            check(len({r["status"] for r in recs}) >= 2, "csum: more than one verdict seen")
        check((rc, out) == ref, "csum -j %s: the same records and exit as -j 1" % j)


if __name__ == "__main__":
    sys.exit(main())
