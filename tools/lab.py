#!/usr/bin/env python3
"""lab.py: the labs of RVH Book.

    tools/lab.py list                       the labs, their exercises and tests
    tools/lab.py make N [--out DIR]         write lab N's starter tree (default work/labNN)
    tools/lab.py grade N [DIR] [--own]      grade the tree DIR (default .): lab N's tests
                                            and those of every earlier lab (--own: lab N's only)
    tools/lab.py check [N...]               CI: each lab's grader fails on its fresh starter
                                            (with lab N's stub message) and passes the earlier labs

A lab is a directory labs/labNN-name/ with README.md (the handout) and lab.json:

    {"lab": 4, "title": "...",
     "exercises": [{"chunk": "CHUNK NAME", "chapter": "04-switch.nw",
                    "functions": ["f", "g"], "mode": "functions" | "statements"}],
     "tests": [{"case": "hello", "points": 10}]}

An exercise names a noweb chunk exactly as written between << and >>;
"chapter" limits it to the definitions in that chapter, "functions" to some of
the functions the chunk defines. The starter of lab N is tangled with
tools/labfilter.py, which turns the exercises of lab N and of every later lab
into stubs that call lab_stub() (labs/common/). Test names are those of
tests/run.py; unit:test_X is one host unit test.
"""
import argparse
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LAB_RE = re.compile(r"^LAB (\d+): not implemented: .*$", re.M)


def labs(top=HERE):
    """Every lab under top/labs, by number: {N: (dir, lab.json)}."""
    out = {}
    for f in sorted(glob.glob(os.path.join(top, "labs", "lab[0-9][0-9]-*", "lab.json"))):
        spec = json.load(open(f))
        out[spec["lab"]] = (os.path.dirname(f), spec)
    return out


def lab_dir_name(n, top=HERE):
    return os.path.basename(labs(top)[n][0])


# --- The starter tree ----------------------------------------------------------------------

COPY = ["guests", "tests", "tools/deps.sh", "tools/lab.py", "labs"]


def make_starter(n, out, top=HERE):
    all_labs = labs(top)
    if n not in all_labs:
        sys.exit("lab.py: no lab %d (labs: %s)" % (n, " ".join(map(str, sorted(all_labs)))))
    spec = [dict(ex, lab=k) for k, (_, s) in sorted(all_labs.items()) if k >= n
            for ex in s["exercises"]]
    if os.path.exists(out):
        shutil.rmtree(out)
    os.makedirs(out)
    roots = open(os.path.join(top, "tools", "roots")).read().split()
    chapters = sorted(glob.glob(os.path.join(top, "chapters", "*.nw")))
    with tempfile.TemporaryDirectory() as tmp:
        spec_file, found = os.path.join(tmp, "spec.json"), os.path.join(tmp, "found")
        json.dump(spec, open(spec_file, "w"))
        filt = "%s %s %s %s" % (sys.executable, os.path.join(top, "tools", "labfilter.py"),
                                spec_file, found)
        for root in roots:
            dest = os.path.join(out, root)
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            p = subprocess.run(["notangle", "-filter", filt, "-R" + root] + chapters,
                               capture_output=True, text=True)
            if p.returncode != 0 or p.stderr or not p.stdout:
                sys.exit("lab.py: tangling %s failed: %s" % (root, p.stderr.strip()))
            open(dest, "w").write(p.stdout)
        hit = {int(k) for k in open(found).read().split()} if os.path.exists(found) else set()
    missed = [spec[k] for k in range(len(spec)) if k not in hit]
    if missed:
        sys.exit("lab.py: exercises that match no chunk (or no function): %s"
                 % ", ".join("lab %d <<%s>>" % (e["lab"], e["chunk"]) for e in missed))
    for path in COPY:
        src, dst = os.path.join(top, path), os.path.join(out, path)
        if os.path.isdir(src):
            shutil.copytree(src, dst, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            shutil.copy2(src, dst)
    common = os.path.join(top, "labs", "common")
    shutil.copy2(os.path.join(common, "Makefile.starter"), os.path.join(out, "Makefile"))
    shutil.copy2(os.path.join(common, "lab_stub.h"), os.path.join(out, "tangled/lib/lab_stub.h"))
    shutil.copy2(os.path.join(common, "lab_stub.c"), os.path.join(out, "tangled/lib/lab_stub.c"))
    shutil.copy2(os.path.join(common, "lab_stub_host.c"), os.path.join(out, "tests/unit/lab_stub_host.c"))
    open(os.path.join(out, ".lab"), "w").write("%d\n" % n)
    open(os.path.join(out, ".gitignore"), "w").write("/build/\n")
    d, s = all_labs[n]
    open(os.path.join(out, "README.md"), "w").write(
        "# RVH Book, lab %d: %s\n\n"
        "The handout is labs/%s/README.md. Write the exercises in the files it names\n"
        "(under tangled/ and asm/: they are plain C and assembly here), then:\n\n"
        "    make            build build/rvh.elf\n"
        "    make run        boot it in QEMU with the hello guest\n"
        "    make grade      run the tests of this lab and of the earlier ones, with points\n\n"
        "Console logs of the tests are in build/test-logs/. Until an exercise is\n"
        "written, running it prints \"LAB N: not implemented: ...\" and powers off.\n"
        % (n, s["title"], os.path.basename(d)))
    return spec


# --- Grading ---------------------------------------------------------------------------------

def grade(n, tree, own=False, quiet=False):
    """Run the tests of lab n (and of the earlier labs unless own) on tree.
    Returns (score, total, results) with results [(lab, case, points, ok, detail)]."""
    all_labs = labs(tree if os.path.isdir(os.path.join(tree, "labs")) else HERE)
    tests = [(k, t["case"], t["points"]) for k, (_, s) in sorted(all_labs.items())
             if k <= n and (k == n or not own) for t in s["tests"]]
    cases = ["build"] + [c for _, c, _ in tests]
    env = dict(os.environ)
    tree = os.path.abspath(tree)
    p = subprocess.run([sys.executable, os.path.join(tree, "tests", "run.py"), "--only",
                        ",".join(dict.fromkeys(cases))], cwd=tree, capture_output=True,
                       text=True, env=env)
    status = {}
    lines = p.stdout.split("\n")
    for i, line in enumerate(lines):
        m = re.match(r"^(ok|FAIL)\s+(\S+)\s+[\d.]+s\s*(.*)$", line)
        if m:
            detail = m.group(3)
            if i + 1 < len(lines) and LAB_RE.match(lines[i + 1].strip()):
                detail += " -- " + lines[i + 1].strip()
            status[m.group(2)] = (m.group(1) == "ok", detail)
    results, score, total = [], 0, 0
    for k, case, pts in tests:
        ok, detail = status.get(case, (False, "not run"))
        if not ok and not status.get("build", (False,))[0]:
            detail = "the tree does not build: " + status.get("build", (False, "not run"))[1]
        total += pts
        score += pts if ok else 0
        results.append((k, case, pts, ok, detail))
    if not quiet:
        print("Grading lab %d in %s" % (n, os.path.abspath(tree)))
        for k, case, pts, ok, detail in results:
            print("  lab %d  %-16s %s  %3d/%-3d %s" % (k, case, "PASS" if ok else "FAIL",
                                                     pts if ok else 0, pts, "" if ok else detail))
        print("Total: %d/%d points%s" % (score, total, "" if score == total else
              "  (console logs: %s)" % os.path.join(tree, "build", "test-logs")))
    return score, total, results


# --- CI ------------------------------------------------------------------------------------

def check_one(n, base):
    """Generate lab n's starter under base and grade it: the earlier labs'
    tests must pass, each of lab n's must fail, and lab n's stub must speak."""
    t0 = time.time()
    tree = os.path.join(base, "lab%02d" % n)
    make_starter(n, tree)
    _, _, results = grade(n, tree, quiet=True)
    problems = []
    for k, case, _, ok, detail in results:
        if k < n and not ok:
            problems.append("earlier lab %d's %s fails on the starter: %s" % (k, case, detail))
        if k == n and ok:
            problems.append("%s passes on the starter" % case)
        if k == n and not ok and ("LAB %d: not implemented" % n) not in detail:
            problems.append("%s fails without lab %d's stub message: %s" % (case, n, detail))
    own = [d for k, _, _, ok, d in results if k == n and not ok]
    return n, problems, own[0] if own else "", time.time() - t0


def check(numbers, jobs):
    base = os.path.join(HERE, "build", "labs")
    numbers = numbers or sorted(labs())
    bad = 0
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        for n, problems, msg, secs in pool.map(lambda k: check_one(k, base), numbers):
            if problems:
                bad += 1
                print("lab %d: FAIL (%.0f s)" % (n, secs))
                for p in problems:
                    print("  " + p)
            else:
                print("lab %d: ok (%.0f s): earlier labs pass, own tests fail: %s"
                      % (n, secs, msg.split(" -- ")[-1]))
    return 1 if bad else 0


def main():
    ap = argparse.ArgumentParser(description="RVH Book's labs")
    sub = ap.add_subparsers(dest="cmd", required=True)
    sub.add_parser("list")
    m = sub.add_parser("make")
    m.add_argument("n", type=int)
    m.add_argument("--out")
    g = sub.add_parser("grade")
    g.add_argument("n", type=int)
    g.add_argument("dir", nargs="?", default=".")
    g.add_argument("--own", action="store_true")
    c = sub.add_parser("check")
    c.add_argument("n", type=int, nargs="*")
    c.add_argument("-j", type=int, default=2)
    a = ap.parse_args()
    if a.cmd == "list":
        for n, (d, s) in sorted(labs().items()):
            print("lab %d  %-14s %s" % (n, os.path.basename(d), s["title"]))
            for e in s["exercises"]:
                print("         exercise <<%s>>%s" % (e["chunk"], " " + ", ".join(e["functions"])
                                                   if "functions" in e else ""))
            print("         tests: %s" % ", ".join("%s (%d)" % (t["case"], t["points"])
                                                 for t in s["tests"]))
        return 0
    if a.cmd == "make":
        out = a.out or os.path.join(HERE, "work", "lab%02d" % a.n)
        spec = make_starter(a.n, out)
        print("lab %d: starter tree in %s (%d exercises stubbed: this lab's and the later labs')"
              % (a.n, os.path.relpath(out), len(spec)))
        print("handout: %s" % os.path.relpath(os.path.join(out, "labs", lab_dir_name(a.n), "README.md")))
        return 0
    if a.cmd == "grade":
        score, total, _ = grade(a.n, a.dir, a.own)
        return 0 if score == total else 1
    return check(a.n, a.j)


if __name__ == "__main__":
    sys.exit(main())
