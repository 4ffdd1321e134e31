#!/usr/bin/env python3
"""Many files in ecu-csum, ecu-id and ecu-verify (FILE mode): -r, --files-from, -0, -j, --junit.

    batch.py BINDIR FIXTURES

Over a folder tree of a good read, a bad one, a file of zeros, a text file, a dangling link, a
link to a folder and (as another user when run as root) an unreadable file: the records in
input order (bytewise walk order), error records for what cannot be read, the exit status
(the worst, 2 > 1 > 3 > 0), -j 1 and -j 2 byte-identical, --files-from with -0 (a name with a
newline), the JUnit XML read back with xml.etree (counts, names, kinds), the summary line,
-q, export groups; and each tool's own rules (ecu-csum --fix runs on one worker and -o takes
one file; ecu-id --match takes no batch option; two files without -r or --files-from stay
ecu-verify's pre-flash gate).
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

BIN, FIXTURES = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
GOOD = os.path.join(FIXTURES, "csum", "volvo-me7-512k.bin.gz")
BAD = os.path.join(FIXTURES, "csum", "volvo-me7-512k-bad.bin.gz")
failed = 0
passed = 0


def check(cond, what):
    global failed, passed
    if cond:
        passed += 1
        print("ok: " + what)
    else:
        failed += 1
        print("FAIL: " + what)


def run(tool, args, stdin=None, prefix=(), cwd=None):
    p = subprocess.run(list(prefix) + [os.path.join(BIN, tool)] + args, input=stdin,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=cwd or work)
    return p.returncode, p.stdout, p.stderr


def records(out):
    return [json.loads(l) for l in out.decode("utf-8").splitlines()]


def without_summary(err, tool):
    return b"\n".join(l for l in err.split(b"\n") if not l.startswith(tool.encode() + b": ") or
                      b" files: " not in l)


work = tempfile.mkdtemp(prefix="ecu-batch-")
try:
    os.chmod(work, 0o755)
    lib = os.path.join(work, "lib")
    os.makedirs(os.path.join(lib, "d"))
    shutil.copy(GOOD, os.path.join(lib, "1-good.bin.gz"))
    shutil.copy(BAD, os.path.join(lib, "2-bad.bin.gz"))
    with open(os.path.join(lib, "B-zero.bin"), "wb") as f:
        f.write(bytes(4096))
    with open(os.path.join(lib, "a-text.txt"), "w") as f:
        f.write("not a flash image\n")
    os.symlink("no-such-file", os.path.join(lib, "d", "x-dangling"))
    os.symlink("..", os.path.join(lib, "d", "y-folder-link"))
    # bytewise order: digits, upper case, lower case (a locale's collation would put a- first)
    ORDER = ["lib/1-good.bin.gz", "lib/2-bad.bin.gz", "lib/B-zero.bin", "lib/a-text.txt",
             "lib/d/x-dangling"]
    # per tool: the exit of each file, the summary's counts, its JUnit counts
    TOOLS = {
        "ecu-csum": ([0, 1, 3, 3, 2], "5 files: 1 ok, 1 bad, 2 undecided, 1 error in "),
        "ecu-id": ([0, 0, 3, 3, 2], "5 files: 2 identified, 2 unidentified, 1 error in "),
        "ecu-verify": ([0, 1, 3, 3, 2], "5 files: 1 pass, 1 fail, 2 undecided, 1 error in "),
    }
    nl_name = "lib2/new\nline.bin.gz"
    os.makedirs(os.path.join(work, "lib2"))
    shutil.copy(GOOD, os.path.join(work, nl_name))
    for f in os.listdir(work):
        os.chmod(os.path.join(work, f), 0o755)

    for tool, (exits, summary) in TOOLS.items():
        worst = 2
        # ---- -r over the tree: order, records, exit status, summary --------------------
        rc, out1, err1 = run(tool, ["-r", "--json", "-j", "1", "lib"])
        recs = records(out1)
        check([r["file"] for r in recs] == ORDER,
              "%s -r: one record per file, in bytewise depth-first order (%r)"
              % (tool, [r["file"] for r in recs]))
        check([r["exit"] for r in recs] == exits, "%s -r: each file's exit (%r)"
              % (tool, [r["exit"] for r in recs]))
        check(rc == worst, "%s -r: the worst exit status, 2 > 1 > 3 > 0 (got %d)" % (tool, rc))
        dangling = recs[-1] if recs else {}
        check(dangling.get("status") == "error" and
              dangling.get("error") == "cannot open: No such file or directory",
              "%s -r: the dangling link is an error record, the run goes on (%r)"
              % (tool, dangling))
        last = err1.decode().rstrip("\n").split("\n")[-1]
        check(last.startswith(tool + ": " + summary) and
              last.endswith("; skipped 1 link to folders"),
              "%s -r: the summary line on stderr (%r)" % (tool, last))
        check(("%s: lib/d/x-dangling: cannot open" % tool).encode() in err1,
              "%s -r: the error message on stderr as well" % tool)
        # ---- -j 2: byte-identical, over a longer list ---------------------------------------
        rc2, out2, err2 = run(tool, ["-r", "--json", "-j", "2", "lib"])
        check(rc2 == rc and out2 == out1 and
              without_summary(err2, tool) == without_summary(err1, tool),
              "%s -r: -j 1 and -j 2 give the same bytes" % tool)
        many = ("\n".join(ORDER * 40) + "\n").encode()
        rca, outa, erra = run(tool, ["--files-from", "-", "-j", "1"], stdin=many)
        rcb, outb, errb = run(tool, ["--files-from", "-", "-j", "2"], stdin=many)
        check(rca == rcb == worst and outa == outb and len(outa) > 0 and
              without_summary(erra, tool) == without_summary(errb, tool),
              "%s --files-from (200 names, text): -j 1 and -j 2 give the same bytes" % tool)
        # ---- a folder without -r: the runner's error record (names in a list: ecu-verify takes
        # two names on its command line as ORIGINAL MODIFIED) ---------------------------------
        rc, out, err = run(tool, ["--json", "--files-from", "-"],
                           stdin=b"lib/1-good.bin.gz\nlib\nlib/B-zero.bin\n")
        recs = records(out)
        check(rc == 2 and len(recs) == 3 and recs[1] == {"file": "lib", "status": "error",
                                                          "exit": 2,
                                                          "error": "is a folder (use -r)"},
              "%s: a folder without -r is an error record, exit 2 (%r)" % (tool, recs))
        # ---- --files-from -0: a name holding a newline -----------------------------------------
        lst = os.path.join(work, "list0")
        with open(lst, "wb") as f:
            f.write(b"lib/1-good.bin.gz\0" + nl_name.encode() + b"\0lib/B-zero.bin\0")
        rc, out, err = run(tool, ["--json", "--files-from", lst, "-0"])
        recs = records(out)
        check([r["file"] for r in recs] == ["lib/1-good.bin.gz", nl_name, "lib/B-zero.bin"] and
              [r["exit"] for r in recs] == [0, 0, 3] and rc == 3,
              "%s --files-from -0: names with a newline, in order (%r)" % (tool, recs))
        rc, out, err = run(tool, ["--json", "--files-from", "-", "-0", "lib/2-bad.bin.gz"],
                           stdin=b"lib/B-zero.bin\0")
        recs = records(out)
        check([r["file"] for r in recs] == ["lib/2-bad.bin.gz", "lib/B-zero.bin"],
              "%s --files-from - -0: after the command-line names" % tool)
        rc, out, err = run(tool, ["-0", "lib/1-good.bin.gz"])
        check(rc == 2 and out == b"", "%s: -0 without --files-from is a usage error" % tool)
        # ---- --junit ------------------------------------------------------------------------
        xml = os.path.join(work, tool + ".xml")
        rc, out, err = run(tool, ["-r", "-j", "2", "--junit", xml, "lib"])
        try:
            root = ET.parse(xml).getroot()
            suite = root.find("testsuite")
            cases = suite.findall("testcase")
            kinds = [("failure" if c.find("failure") is not None else
                      "error" if c.find("error") is not None else
                      "skipped" if c.find("skipped") is not None else "pass") for c in cases]
            want = [{0: "pass", 1: "failure", 2: "error", 3: "skipped"}[e] for e in exits]
            check(root.tag == "testsuites" and suite.get("name") == tool and
                  suite.get("tests") == "5" and
                  suite.get("failures") == str(exits.count(1)) and
                  suite.get("errors") == str(exits.count(2)) and
                  suite.get("skipped") == str(exits.count(3)),
                  "%s --junit: the counts (%r)" % (tool, suite.attrib))
            check([c.get("name") for c in cases] == ORDER and kinds == want and
                  all(c.get("classname") == tool for c in cases),
                  "%s --junit: one test case per file, in order, of its kind (%r)" % (tool, kinds))
            msg = cases[-1].find("error").get("message")
            check(msg == "cannot open: No such file or directory",
                  "%s --junit: the error's message is the reason (%r)" % (tool, msg))
        except (ET.ParseError, OSError, AttributeError, IndexError) as e:
            check(False, "%s --junit: a JUnit file that xml.etree reads (%s)" % (tool, e))
        check(rc == worst, "%s --junit: the exit status is unchanged (%d)" % (tool, rc))
        rc, out, err = run(tool, ["--junit", os.path.join(work, "no-dir", "x.xml"), GOOD])
        check(rc == 2 and out == b"" and b"cannot write the JUnit file" in err,
              "%s --junit in a missing folder: exit 2 before any file" % tool)
        # ---- -q, one file, export -----------------------------------------------------------
        rc, out, err = run(tool, ["-q", "-r", "lib"])
        check(rc == worst and out == b"" and b" files: " not in err and
              err.decode().count("\n") == 1 and b"x-dangling: cannot open" in err,
              "%s -q: nothing on stdout, no summary, the error message alone (%r)" % (tool, err))
        rc, out, err = run(tool, ["lib/1-good.bin.gz"])
        check(rc == 0 and err == b"" and out.count(b"lib/1-good.bin.gz") == 1,
              "%s: one file named alone prints no summary" % tool)
        rc, out, err = run(tool, ["--format", "export", "--files-from", "-"],
                           stdin=b"lib/1-good.bin.gz\nlib\n")
        groups = out.decode().split("\n\n")
        check(len(groups) == 3 and groups[2] == "" and
              groups[1] == "FILE=lib\nSTATUS=error\nEXIT=2\nERROR='is a folder (use -r)'",
              "%s --format export: an empty line after each group, the runner's too (%r)"
              % (tool, groups[1:]))
        # ---- an unreadable file (as another user when run as root) ------------------------------
        prefix = ()
        if os.geteuid() == 0:
            if shutil.which("setpriv"):
                prefix = ("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups")
                if subprocess.run(list(prefix) + ["test", "-x", os.path.join(BIN, tool), "-a",
                                                  "-r", work]).returncode:
                    # the build lies under a folder nobody may enter (mktemp -d, mode 0700)
                    print("note: nobody cannot reach %s: the unreadable-file case is skipped"
                          % tool)
                    continue
            else:
                print("note: root without setpriv: the unreadable-file case is skipped")
                continue
        locked = os.path.join(work, "locked.bin")
        shutil.copy(GOOD, locked)
        os.chmod(locked, 0)
        rc, out, err = run(tool, ["--json", "-j", "2", "--files-from", "-"],
                           stdin=b"locked.bin\nlib/1-good.bin.gz\n", prefix=prefix)
        recs = records(out)
        check(rc == 2 and [r["file"] for r in recs] == ["locked.bin", "lib/1-good.bin.gz"] and
              recs[0].get("error") == "cannot open: Permission denied" and recs[1]["exit"] == 0,
              "%s: an unreadable file is an error record, the run goes on (%r)" % (tool, recs))
        os.unlink(locked)

    # ---- ecu-csum: the modes that write files ------------------------------------------------
    rc, out, err = run("ecu-csum", ["--fix", "--in-place", "-j", "2", "-r", "lib"])
    check(rc == 2 and b"-j 2 does not apply" in err, "ecu-csum --fix -j 2: refused, exit 2")
    rc, out, err = run("ecu-csum", ["--fix", "-o", "out.bin", "-r", "lib"])
    check(rc == 2 and not os.path.exists(os.path.join(work, "out.bin")),
          "ecu-csum --fix -o with -r: refused (-o takes one FILE)")
    fixlib = os.path.join(work, "fixlib")
    os.makedirs(os.path.join(fixlib, "s"))
    for name, src in (("a.bin", BAD), ("s/b.bin", BAD), ("s/c.bin", GOOD)):
        subprocess.run("zcat '%s' > '%s'" % (src, os.path.join(fixlib, name)), shell=True,
                       check=True)
    rc, out, err = run("ecu-csum", ["--json", "--fix", "--in-place", "-j", "1", "-r", "fixlib"])
    recs = records(out)
    check(rc == 0 and [r["status"] for r in recs] == ["fixed", "fixed", "ok"] and
          os.path.exists(os.path.join(fixlib, "a.bin.orig")),
          "ecu-csum --fix --in-place -r: each bad file corrected in turn (%r)"
          % [r["status"] for r in recs])
    rc, out, err = run("ecu-csum", ["-q", "fixlib/a.bin", "fixlib/s/b.bin", "fixlib/s/c.bin"])
    check(rc == 0, "ecu-csum: the corrected files verify")
    with open(os.path.join(fixlib, "a.bin.orig"), "rb") as f:
        backup = f.read()
    rc, out, err = run("ecu-csum", ["--json", "--fix", "--in-place", "-r", "fixlib"])
    recs = records(out)
    with open(os.path.join(fixlib, "a.bin.orig"), "rb") as f:
        kept = f.read()
    check(rc == 1 and [r["file"] for r in recs if r["status"] == "bad"] ==
          ["fixlib/a.bin.orig", "fixlib/s/b.bin.orig"] and kept == backup and
          not os.path.exists(os.path.join(fixlib, "a.bin.orig.orig")) and
          b"a backup kept by --in-place" in err,
          "ecu-csum --fix --in-place -r again: the .orig backups are left alone, exit 1 (%r)"
          % [(r["file"], r["status"]) for r in recs])

    # ---- ecu-id: --match and --find-original take no batch option ----------------------------
    for args in (["--match", "-r", GOOD, GOOD], ["--find-original", "-j", "2", GOOD, "lib"]):
        rc, out, err = run("ecu-id", args)
        check(rc == 2 and out == b"" and b"go with the identification of files" in err,
              "ecu-id %s: refused, exit 2" % args[0])

    # ---- ecu-verify: two files stay the pre-flash gate; a library only with -r/--files-from --
    rc, out, err = run("ecu-verify", ["--json", "lib/1-good.bin.gz", "lib/1-good.bin.gz"])
    recs = records(out)
    check(len(recs) == 1 and recs[0]["mode"] == "pre-flash",
          "ecu-verify ORIGINAL MODIFIED: still the pre-flash gate (one record)")
    rc, out, err = run("ecu-verify", ["--json", "-r", "lib/1-good.bin.gz", "lib/2-bad.bin.gz"])
    recs = records(out)
    check(rc == 1 and [r["mode"] for r in recs] == ["file", "file"] and
          [r["status"] for r in recs] == ["pass", "fail"],
          "ecu-verify -r FILE FILE: each file checked alone (%r)" % recs)
    rc, out, err = run("ecu-verify", ["lib/1-good.bin.gz", "lib/2-bad.bin.gz", "lib/B-zero.bin"])
    check(rc == 2 and out == b"" and b"-r or --files-from" in err,
          "ecu-verify with three files and no -r: usage error naming -r/--files-from")
    for args in (["--read", "-r", "lib"], ["--readback", GOOD, "-r", "lib"],
                 ["-j", "2", GOOD, GOOD], ["--junit", "x.xml", "--read", GOOD, GOOD]):
        rc, out, err = run("ecu-verify", args)
        check(rc == 2 and out == b"", "ecu-verify %s: refused, exit 2" % " ".join(args[:2]))
    audit = os.path.join(work, "audit.log")
    rc, out, err = run("ecu-verify", ["--audit", audit, "-j", "2", "-r", "lib"])
    check(rc == 2 and b"does not apply" in err and not os.path.exists(audit),
          "ecu-verify --audit -j 2: refused")
    rc, out, err = run("ecu-verify", ["-q", "--audit", audit, "-r", "lib"])
    with open(audit, encoding="utf-8") as f:
        files = [json.loads(l)["file"] for l in f]
    check(rc == 2 and files == ORDER[:4],
          "ecu-verify --audit -r: one audit line per file checked, in input order (%r)" % files)
finally:
    subprocess.run(["chmod", "-R", "u+rwX", work])
    shutil.rmtree(work, ignore_errors=True)

print("%d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
