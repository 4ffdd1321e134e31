#!/usr/bin/env python3
"""A library split over several runs (the README's "Libraries larger than one machine").

    shard.py BINDIR FIXTURES JUNIT_MERGE

The fixtures' file list, run whole and split into three lists with split(1) (each run on its
own, as on three machines): the NDJSON parts concatenated in the order of the lists are the
whole run's output byte for byte, and tools/junit-merge makes of the three JUnit parts the
whole run's test cases (names, order, kinds) and counts. junit-merge refuses what is not
JUnit XML (exit 2, nothing written).
"""
import os
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

BIN, FIXTURES, MERGE = (os.path.abspath(a) for a in sys.argv[1:4])
passed = failed = 0


def check(cond, what):
    global passed, failed
    if cond:
        passed += 1
        print("ok: " + what)
    else:
        failed += 1
        print("FAIL: " + what)


def sh(cmd, cwd):
    p = subprocess.run(cmd, shell=True, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return p.returncode, p.stdout, p.stderr


def cases(path):
    root = ET.parse(path).getroot()
    suite = root.find("testsuite")
    kinds = []
    for c in suite.findall("testcase"):
        k = [e.tag for e in c if e.tag in ("failure", "error", "skipped")]
        kinds.append((c.get("name"), k[0] if k else "pass"))
    counts = {k: root.get(k) for k in ("tests", "failures", "errors", "skipped")}
    scounts = {k: suite.get(k) for k in ("tests", "failures", "errors", "skipped")}
    return kinds, counts, scounts, suite.get("name")


work = tempfile.mkdtemp(prefix="ecu-shard-")
try:
    names = []
    for top in ("csum", "id", "reads", "verify"):
        for d, _, files in os.walk(os.path.join(FIXTURES, top)):
            names += [os.path.relpath(os.path.join(d, f), FIXTURES) for f in files]
    names.sort()
    with open(os.path.join(work, "list"), "w") as f:
        f.write("\n".join(names) + "\n")
    for tool in ("ecu-csum", "ecu-verify"):
        t = os.path.join(BIN, tool)
        rc, whole, err = sh("'%s' --json --junit '%s/whole.xml' --files-from '%s/list'"
                            % (t, work, work), FIXTURES)
        check(rc == 2 and whole.count(b"\n") == len(names),
              "%s: the whole list, one record per file (exit %d)" % (tool, rc))
        # three lists, three runs (three machines), then the parts put together
        rc, _, err = sh("rm -f part.* && split -n l/3 -d list part.", work)
        parts = sorted(p for p in os.listdir(work) if p.startswith("part.") and
                       not p.endswith((".ndjson", ".xml")))
        check(rc == 0 and len(parts) == 3, "split -n l/3: three lists (%r)" % parts)
        for p in parts:
            sh("'%s' --json --junit '%s/%s.xml' --files-from '%s/%s' > '%s/%s.ndjson'"
               % (t, work, p, work, p, work, p), FIXTURES)
        rc, cat, _ = sh("cat " + " ".join(p + ".ndjson" for p in parts), work)
        check(cat == whole, "%s: the NDJSON parts concatenated are the whole run's bytes" % tool)
        rc, out, err = sh("'%s' -o merged.xml %s" % (MERGE, " ".join(p + ".xml" for p in parts)),
                          work)
        check(rc == 0 and out == b"", "%s: junit-merge -o merged.xml: exit 0 (%r)" % (tool, err))
        try:
            w, m = cases(os.path.join(work, "whole.xml")), cases(os.path.join(work, "merged.xml"))
            check(m[0] == w[0] and len(m[0]) == len(names),
                  "%s: the merged test cases are the whole run's (names, order, kinds)" % tool)
            check(m[1] == w[1] and m[2] == w[2] and m[3] == tool,
                  "%s: the merged counts are the whole run's (%r / %r)" % (tool, m[1], w[1]))
        except (OSError, ET.ParseError, AttributeError) as e:
            check(False, "%s: merged JUnit readable (%s)" % (tool, e))
        rc, out, _ = sh("'%s' %s" % (MERGE, " ".join(p + ".xml" for p in reversed(parts))), work)
        check(rc == 0 and out.startswith(b"<?xml") and
              [c.get("name") for c in ET.fromstring(out).iter("testcase")] ==
              [n for p in reversed(parts) for n in open(os.path.join(work, p)).read().split("\n")
               if n],
              "%s: junit-merge to stdout, the cases in the order the parts are given" % tool)
    # what is not JUnit: exit 2, nothing written
    with open(os.path.join(work, "junk.xml"), "w") as f:
        f.write("<testsuites><testsuite name='x'>")
    with open(os.path.join(work, "other.xml"), "w") as f:
        f.write("<html/>")
    for bad in ("junk.xml", "other.xml", "missing.xml"):
        rc, out, err = sh("rm -f m2.xml; '%s' -o m2.xml part.00.xml %s" % (MERGE, bad), work)
        check(rc == 2 and out == b"" and not os.path.exists(os.path.join(work, "m2.xml")) and
              bad.encode() in err, "junit-merge with %s: exit 2, nothing written" % bad)
    rc, out, err = sh("'%s'" % MERGE, work)
    check(rc == 2 and b"usage" in err, "junit-merge without a part: usage, exit 2")
finally:
    shutil.rmtree(work, ignore_errors=True)

print("%d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
