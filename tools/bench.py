#!/usr/bin/env python3
"""make bench: what a VM exit costs, in instructions.

    python3 tools/bench.py [--runs N]

Boots the bench guest (guests/bench) under QEMU with -icount shift=0, where
every executed instruction -- guest, hypervisor or firmware -- is 1 ns of
virtual time, once on the Sstc timer path and once on the emulated one
(BOOTARGS=sstc=off), each N times (default 2), and prints one table:
instructions per operation for each case and path, the monitor's exit
counts, and whether the repeated runs agreed to the last digit. Exit status
0 when every run finished and printed every case; the numbers themselves are
reported, not judged.
"""
import argparse
import os
import re
import subprocess
import sys

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GUEST = "build/guests/bench.bin"
CASES = ["empty-loop", "memory", "hypercall", "sbi-base", "set-timer", "stimecmp",
         "mmio-read", "mmio-write"]
WHAT = {
    "empty-loop": "the loop itself (absolute)",
    "memory": "a load and a store in RAM",
    "hypercall": "RVH VERSION, via the monitor",
    "sbi-base": "SBI get_spec_version",
    "set-timer": "SBI set_timer, far deadline",
    "stimecmp": "csrw stimecmp, far value",
    "mmio-read": "lbu from the UART's SCR",
    "mmio-write": "sb to the UART's SCR",
}
PATHS = [("sstc", ""), ("emulated", "sstc=off")]
CASE_LINE = re.compile(r"^bench: (\S+) (?:(-?\d+\.\d) insns|skipped \((.*)\))", re.M)
EXITS_LINE = re.compile(r"^vmm: vm0: exits: (.*)$", re.M)
HEAD_LINE = re.compile(r"^bench: hart \d+, (\d+) iterations per case, timer path (\S+),", re.M)


def clean_env():
    """The sub-make must see our QEMU_EXTRA, not one inherited from make bench."""
    env = dict(os.environ)
    for k in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES"):
        env.pop(k, None)
    return env


def sh(cmd, timeout):
    p = subprocess.run(cmd, shell=True, cwd=TOP, env=clean_env(), stdin=subprocess.DEVNULL,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=timeout)
    return p.returncode, re.sub(r"\r+\n", "\n", p.stdout.decode(errors="replace"))


def one_run(path, bootargs):
    """Boot the bench guest once; return (iterations, {case: value or None}, exits)."""
    cmd = ("make -s --no-print-directory qemu GUEST=%s QEMU_EXTRA='-icount shift=0' BOOTARGS='%s'"
           % (GUEST, bootargs))
    status, out = sh(cmd, timeout=600)
    head = HEAD_LINE.search(out)
    exits = EXITS_LINE.search(out)
    if status != 0 or not head or not exits or not re.search(r"^bench: done$", out, re.M):
        sys.stderr.write(out[-3000:])
        raise SystemExit("bench: the %s run failed (exit status %d): %s" % (path, status, cmd))
    if head.group(2) != path:
        raise SystemExit("bench: asked for the %s path, the guest found %s" % (path, head.group(2)))
    values = {m.group(1): m.group(2) for m in CASE_LINE.finditer(out)}
    missing = [c for c in CASES if c not in values]
    if missing:
        raise SystemExit("bench: the %s run lacks the cases %s" % (path, ", ".join(missing)))
    return int(head.group(1)), values, exits.group(1)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=2, help="runs per path (default 2)")
    args = ap.parse_args()
    status, out = sh("make -s --no-print-directory build %s" % GUEST, timeout=600)
    if status != 0:
        sys.stderr.write(out)
        raise SystemExit("bench: the build failed")

    results, same = {}, True
    for path, bootargs in PATHS:
        runs = [one_run(path, bootargs) for _ in range(max(1, args.runs))]
        # The figures must be identical run after run. The exit counts are not
        # compared: the number of monitor ticks was seen to differ by one between
        # runs (12 or 13) while every figure stayed the same; why is not known yet.
        same = same and all(r[:2] == runs[0][:2] for r in runs[1:])
        results[path] = runs[0]

    n = results["sstc"][0]
    print("RVH exit costs: instructions per operation, QEMU -icount shift=0")
    print("(1 instruction = 1 ns; rdtime at 10 MHz = 100 instructions per tick;")
    print(" %d iterations per case, the empty loop subtracted)" % n)
    print()
    print("%-11s %-30s %10s %10s" % ("case", "operation", "Sstc", "emulated"))
    for c in CASES:
        vals = [results[p][1][c] or "-" for p, _ in PATHS]
        print("%-11s %-30s %10s %10s" % (c, WHAT[c], vals[0], vals[1]))
    print()
    for p, _ in PATHS:
        print("exits (%s): %s" % (p, results[p][2]))
    print("repeatable: %s (%d runs per path)" %
          ("yes, identical" if same else "NO, the runs differ", max(1, args.runs)))
    write_json(results, same)
    return 0 if same else 1


def write_json(results, same):
    """build/bench.json: one key per figure, named with its unit, for the book
    and for anyone who wants to compare runs."""
    import json
    figures = {"iterations": results["sstc"][0], "repeatable": same}
    for path, _ in PATHS:
        for case, value in results[path][1].items():
            if value not in (None, "-"):
                key = "%s_%s_instructions" % (case.replace("-", "_"), path)
                figures[key] = float(value)
        figures["exits_%s" % path] = results[path][2]
    out = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                       "build", "bench.json")
    with open(out, "w") as f:
        json.dump(figures, f, indent=2, sort_keys=True)
    print("figures: %s" % os.path.relpath(out))


if __name__ == "__main__":
    sys.exit(main())
