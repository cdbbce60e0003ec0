#!/usr/bin/env python3
"""lab.py: the labs of RVH Book.

    tools/lab.py list                       the labs, their exercises and tests
    tools/lab.py make N [--out DIR]         write lab N's starter tree (default work/labNN)
    tools/lab.py grade N [DIR] [--own]      grade the tree DIR (default .): lab N's tests
                                            and those of every earlier lab (--own: lab N's only)
    tools/lab.py solve N [DIR] [--force]    put lab N's reference code (the chapters') in place of
                                            lab N's stubs in DIR (default work/labNN), nothing else
    tools/lab.py dist [--out F]             the students' tarball (default build/rvh-labs.tar.gz)
    tools/lab.py check [N...] [--full]      CI: each lab's grader fails on its fresh starter
                                            (with lab N's stub message) and passes the earlier labs;
                                            solve N turns it into lab N+1's starter's code (the
                                            last lab's into the book's), whose grader passes 1..N

A lab is a directory labs/labNN-name/ with README.md (the handout) and lab.json:

    {"lab": 4, "title": "...",
     "exercises": [{"chunk": "CHUNK NAME", "chapter": "04-switch.nw",
                    "functions": ["f", "g"], "mode": "functions" | "statements"}],
     "tests": [{"case": "hello", "points": 10}]}

An exercise names a noweb chunk exactly as written between << and >>;
"chapter" limits it to the definitions in that chapter, "functions" to some of
the functions the chunk defines. The starter of lab N is tangled with
tools/labfilter.py, which turns the exercises of lab N and of every later lab
into stubs that call lab_stub() (labs/common/). The solution of lab N is made
the same way, never stored: see "The reference solution" below. Test names are
those of tests/run.py; unit:test_X is one host unit test.
"""
import argparse
import glob
import json
import os
import re
import shutil
import subprocess
import sys
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


NOWEB_LIB = next((d for d in (os.environ.get("NOWEB_LIB", ""), "/usr/lib/noweb",
                               "/usr/local/lib/noweb") if d and os.path.exists(d + "/nt")),
                 "/usr/lib/noweb")


def _labfilter():
    """tools/labfilter.py as a module (only the book's tree has it)."""
    if os.path.join(HERE, "tools") not in sys.path:
        sys.path.insert(0, os.path.join(HERE, "tools"))
    sys.dont_write_bytecode = True     # no tools/__pycache__ in the tree
    import labfilter
    return labfilter


def exercises(lo, top=HERE):
    """The exercises of labs lo.. (to the last), each with its lab number."""
    return [dict(ex, lab=k) for k, (_, s) in sorted(labs(top).items()) if k >= lo
            for ex in s["exercises"]]


def tangle_stubbed(spec, top=HERE):
    """{root: text} of every root of tools/roots, tangled with the exercises of
    spec stubbed, and the indices in spec of the exercises that were found.
    The same as notangle -filter labfilter.py, with one markup and one filter
    run for all the roots (noweb's markup | filter | nt)."""
    labfilter = _labfilter()
    roots = open(os.path.join(top, "tools", "roots")).read().split()
    chapters = sorted(glob.glob(os.path.join(top, "chapters", "*.nw")))
    p = subprocess.run([os.path.join(NOWEB_LIB, "markup")] + chapters, capture_output=True,
                       text=True)
    if p.returncode != 0 or p.stderr:
        sys.exit("lab.py: noweb's markup failed: %s" % p.stderr.strip())
    lines = p.stdout.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    out, found = labfilter.filter_lines(spec, lines)
    markup = "\n".join(out) + "\n"
    texts = {}
    for root in roots:
        p = subprocess.run([os.path.join(NOWEB_LIB, "nt"), "-R" + root], input=markup,
                           capture_output=True, text=True)
        if p.returncode != 0 or p.stderr or not p.stdout:
            sys.exit("lab.py: tangling %s failed: %s" % (root, p.stderr.strip()))
        texts[root] = p.stdout
    return texts, found


def make_starter(n, out, top=HERE):
    all_labs = labs(top)
    if n not in all_labs:
        sys.exit("lab.py: no lab %d (labs: %s)" % (n, " ".join(map(str, sorted(all_labs)))))
    spec = exercises(n, top)
    if os.path.exists(out):
        shutil.rmtree(out)
    os.makedirs(out)
    texts, hit = tangle_stubbed(spec, top)
    for root, text in texts.items():
        dest = os.path.join(out, root)
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        open(dest, "w").write(text)
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


# --- The reference solution ------------------------------------------------------------------
#
# Lab N's solution is not stored: it is the chapters' code. Two tangles of
# every root differ exactly where lab N's exercises are: S with labs N..9
# stubbed (lab N's starter) and R with labs N+1..9 stubbed (the tree a student
# has when lab N is done). In each function of S that holds a lab N stub, the
# lines that differ from the same function of R (common first and last lines
# taken off) are the stub, and R's lines in their place are the solution.
# solve() finds each such stub text in the same function of the student's file
# and puts the solution there; nothing else in the file changes.

def _lines_between(a, b):
    """a and b split into lines; the common first and last lines taken off:
    (first, a's middle, b's middle, last) as strings."""
    la, lb = a.splitlines(True), b.splitlines(True)
    p = 0
    while p < min(len(la), len(lb)) and la[p] == lb[p]:
        p += 1
    s = 0
    while s < min(len(la), len(lb)) - p and la[-1 - s] == lb[-1 - s]:
        s += 1
    return ("".join(la[:p]), "".join(la[p:len(la) - s]), "".join(lb[p:len(lb) - s]),
            "".join(la[len(la) - s:]))


def _functions(text):
    """{name: (open, close)} of the function bodies at the top level of C text."""
    return {name: (o, c) for _, o, c, name in _labfilter().top_level_bodies(text)}


def solution(n, top=HERE):
    """Lab n's solution: [(root, function, pre, stub, code, post)]: in lab n's
    starter, the body of that function of that file is pre + stub + post, and
    the solution is code in place of stub."""
    if not os.path.isdir(os.path.join(top, "chapters")):
        sys.exit("lab.py: the solution is made from the chapters: run this in the book's tree")
    if n not in labs(top):
        sys.exit("lab.py: no lab %d" % n)
    start, found = tangle_stubbed(exercises(n, top), top)
    done, _ = tangle_stubbed(exercises(n + 1, top), top)
    marker = 'lab_stub("LAB %d: not implemented: ' % n
    out = []
    for root in sorted(start):
        s_text, r_text = start[root], done[root]
        if s_text == r_text:
            continue
        s_funcs, r_funcs = _functions(s_text), _functions(r_text)
        for name, (o, c) in sorted(s_funcs.items(), key=lambda kv: kv[1]):
            body = s_text[o:c + 1]
            if marker not in body:
                continue
            if name not in r_funcs:
                sys.exit("lab.py: %s: no function %s in lab %d's reference" % (root, name, n))
            ro, rc = r_funcs[name]
            pre, stub, code, post = _lines_between(body, r_text[ro:rc + 1])
            if marker not in stub:
                sys.exit("lab.py: %s: %s: cannot isolate lab %d's stub" % (root, name, n))
            out.append((root, name, pre, stub, code, post))
    if not out:
        sys.exit("lab.py: lab %d has no stub to solve" % n)
    return out


def solve(n, tree, force=False, top=HERE, quiet=False):
    """Fill lab n's stubs in the tree with the reference code; with force, also
    replace lab n's functions that no longer hold their stub (the student's own
    version). Returns the number of places left unchanged for lack of a stub."""
    parts = solution(n, top)
    files = {}
    for root, *_ in parts:
        path = os.path.join(tree, root)
        if not os.path.exists(path):
            sys.exit("lab.py: %s: no such file: is %s a lab's starter tree?" % (path, tree))
        files.setdefault(root, open(path).read())
    kept = 0
    for root, name, pre, stub, code, post in parts:
        text = files[root]
        funcs = _functions(text)
        if name not in funcs:
            sys.exit("lab.py: %s: no function %s (lab %d's exercise): the file is not "
                     "lab %d's starter" % (root, name, n, n))
        o, c = funcs[name]
        body = text[o:c + 1]
        fits = body.startswith(pre) and body.endswith(post) and len(body) >= len(pre) + len(post)
        if body == pre + code + post:
            if not quiet:
                print("  same     %-28s %s  (already the reference code)" % (name, root))
            continue
        if force and fits:
            new, what = pre + code + post, "replaced"
        elif body.count(stub) == 1:
            new, what = body.replace(stub, code), "filled"
            if body != pre + stub + post:
                what += " (your other lines in it kept)"
        elif force and not fits:
            sys.exit("lab.py: %s: %s: the lines around lab %d's code were changed: "
                     "cannot place the solution, edit by hand" % (root, name, n))
        else:
            kept += 1
            if not quiet:
                print("  kept     %-28s %s  (no stub left: your own code; --force replaces it)"
                      % (name, root))
            continue
        files[root] = text[:o] + new + text[c + 1:]
        if not quiet:
            print("  %-8s %-28s %s%s" % (what.split(" ", 1)[0], name, root,
                                         what[len(what.split(" ", 1)[0]):]))
    for root, text in files.items():
        path = os.path.join(tree, root)
        if open(path).read() != text:
            open(path, "w").write(text)
    return kept


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

def check_one(n, base, grade_solved):
    """Generate lab n's starter under base and grade it: the earlier labs'
    tests must pass, each of lab n's must fail, and lab n's stub must speak.
    Then solve lab n in it: the code must be exactly that of lab n+1's starter
    (labs n+1.. stubbed; for the last lab, the book's), and, if grade_solved,
    every test of labs 1..n must pass on it."""
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
    solve(n, tree, quiet=True)
    expected, _ = tangle_stubbed(exercises(n + 1))
    differ = [root for root, text in sorted(expected.items())
              if open(os.path.join(tree, root)).read() != text]
    if differ:
        problems.append("solve %d on the starter differs from the code with lab %d done in: %s"
                        % (n, n, ", ".join(differ)))
    solved = "same code as lab %d's starter" % (n + 1) if n + 1 in labs() else "the book's code"
    if grade_solved:
        score, total, results = grade(n, tree, quiet=True)
        for k, case, _, ok, detail in results:
            if not ok:
                problems.append("after solve %d, lab %d's %s fails: %s" % (n, k, case, detail))
        solved += ", graded %d/%d" % (score, total)
    return n, problems, own[0] if own else "", solved, time.time() - t0


def check(numbers, jobs, full=False):
    """Every lab in numbers (default all), longest first. A solved tree is
    graded when full, or when the next lab's starter (the same code) is not
    graded in this run: so a full run grades only the last lab's solved tree."""
    base = os.path.join(HERE, "build", "labs")
    numbers = sorted(numbers or labs())
    bad = 0
    todo = [(k, full or k + 1 not in numbers) for k in reversed(numbers)]
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        done = {r[0]: r for r in pool.map(lambda t: check_one(t[0], base, t[1]), todo)}
    for n in numbers:
        _, problems, msg, solved, secs = done[n]
        if problems:
            bad += 1
            print("lab %d: FAIL (%.0f s)" % (n, secs))
            for p in problems:
                print("  " + p)
        else:
            print("lab %d: ok (%.0f s): earlier labs pass, own tests fail: %s; solved: %s"
                  % (n, secs, msg.split(" -- ")[-1], solved))
    return 1 if bad else 0


# --- The students' tarball -----------------------------------------------------------------

def dist(out, jobs=4, top=HERE):
    """build/rvh-labs.tar.gz: rvh-labs/labNN/ the starter tree of every lab (as
    make lab N writes it), rvh-labs/handouts/ the handouts, rvh-labs/README.md.
    No chapters/ and no solutions/: the starters hold neither. The archive is
    reproducible: sorted, owner 0, every time that of the last commit."""
    import gzip
    import tarfile
    all_labs = labs(top)
    stage = os.path.join(top, "build", "dist", "rvh-labs")
    if os.path.exists(stage):
        shutil.rmtree(stage)
    os.makedirs(stage)
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        list(pool.map(lambda k: make_starter(k, os.path.join(stage, "lab%02d" % k), top),
                      sorted(all_labs)))
    rows = []
    for k, (d, s) in sorted(all_labs.items()):
        name = os.path.basename(d)
        os.makedirs(os.path.join(stage, "handouts", name))
        shutil.copy2(os.path.join(d, "README.md"), os.path.join(stage, "handouts", name))
        rows.append("| %d | `lab%02d/` | `handouts/%s/README.md` | %s |" % (k, k, name, s["title"]))
    open(os.path.join(stage, "README.md"), "w").write(
        "# RVH Book: the labs\n\n"
        "One directory per lab: the hypervisor's source with that lab's exercises (and\n"
        "the later labs') left for you to write. Each is complete in itself; start\n"
        "with its README.md and the handout, then `make grade` in it.\n\n"
        "| lab | starter tree | handout | title |\n|---|---|---|---|\n" + "\n".join(rows) + "\n")
    p = subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=top, capture_output=True,
                       text=True)
    mtime = int(os.environ.get("SOURCE_DATE_EPOCH") or p.stdout.strip() or 0)

    def norm(info):
        info.uid = info.gid = 0
        info.uname = info.gname = ""
        info.mtime = mtime
        info.mode = 0o755 if info.isdir() or info.mode & 0o100 else 0o644
        return info
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    count = 0
    with open(out, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=mtime,
                                               filename="") as gz, \
            tarfile.open(fileobj=gz, mode="w", format=tarfile.PAX_FORMAT) as tar:
        base = os.path.dirname(stage)
        for dirpath, dirnames, filenames in os.walk(stage):
            dirnames.sort()
            tar.add(dirpath, os.path.relpath(dirpath, base), recursive=False, filter=norm)
            for f in sorted(filenames):
                tar.add(os.path.join(dirpath, f), os.path.relpath(os.path.join(dirpath, f), base),
                        filter=norm)
                count += 1
    shutil.rmtree(os.path.dirname(stage))
    return count


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
    v = sub.add_parser("solve")
    v.add_argument("n", type=int)
    v.add_argument("dir", nargs="?")
    v.add_argument("--force", action="store_true")
    c = sub.add_parser("check")
    c.add_argument("n", type=int, nargs="*")
    c.add_argument("-j", type=int, default=2)
    c.add_argument("--full", action="store_true")
    d = sub.add_parser("dist")
    d.add_argument("--out", default=os.path.join(HERE, "build", "rvh-labs.tar.gz"))
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
    if a.cmd == "solve":
        tree = a.dir or os.path.join(HERE, "work", "lab%02d" % a.n)
        print("lab %d: the reference solution into %s" % (a.n, os.path.relpath(tree)))
        kept = solve(a.n, tree, a.force)
        print("done%s; the rest of the tree is unchanged" % (
            ": %d function(s) kept as you wrote them" % kept if kept else ""))
        return 0
    if a.cmd == "dist":
        count = dist(a.out)
        print("%s: %d files, the starter trees of labs %s and the handouts"
              % (os.path.relpath(a.out), count, " ".join(map(str, sorted(labs())))))
        return 0
    return check(a.n, a.j, a.full)


if __name__ == "__main__":
    sys.exit(main())
