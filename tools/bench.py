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
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time

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


# --- What a boot costs ---------------------------------------------------------
# Linux's /init (guests/linux/init) runs /bin/rvh-instret (guests/linux/instret.c)
# as almost its first act, which prints the hart's instret counter: every
# instruction retired since reset, in M, HS, VS and VU-mode.  The boot then goes
# on to a shell, which is told to power off once its prompt shows.
# sleep=off makes idle time (wfi) jump to the next timer deadline at once,
# instead of following the host's clock: without it a boot that idles differs
# by a few dozen instructions from run to run.  instret never counts idle time.
BOOT_ICOUNT = "-icount shift=0,sleep=off"
LINUX = "build/linux/Image"
NATIVE_LINUX = ("qemu-system-riscv64 -machine virt -cpu rv64 -smp 1 -m 128M -nographic "
                "-bios default -kernel %s %s" % (LINUX, BOOT_ICOUNT))
RVH_LINUX = ("make -s --no-print-directory qemu GUEST=%s QEMU_EXTRA='%s'" % (LINUX, BOOT_ICOUNT))
INSTRET_LINE = re.compile(r"^rvh-init: instret (\d+)$", re.M)
PROMPT = re.compile(r"^~ # ", re.M)
# What ends a boot that will never reach the line: a panic (pid 1 killed by
# SIGILL, exit code 4, if the guest may not read instret in user mode).
BOOT_FAILED = re.compile(r"Kernel panic|rvh: panic|unexpected trap in the hypervisor")


def watch(cmd, timeout, stop, answer=None):
    """Run cmd; kill it (its whole process group) when its output matches the
    regular expression stop, or after timeout seconds. answer, a pair (regular
    expression, text), types text once when the output first matches. Returns
    the output."""
    p = subprocess.Popen(cmd, shell=True, cwd=TOP, env=clean_env(),
                         stdin=subprocess.PIPE if answer else subprocess.DEVNULL,
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    chunks = []
    reader = threading.Thread(target=lambda: [chunks.append(b) for b in
                                              iter(lambda: p.stdout.read1(4096), b"")])
    reader.start()
    text = lambda: re.sub(r"\r+\n", "\n", b"".join(chunks).decode(errors="replace"))
    deadline = time.time() + timeout
    while p.poll() is None and time.time() < deadline and not stop.search(text()):
        if answer and answer[0].search(text()):
            p.stdin.write(answer[1].encode())
            p.stdin.flush()
            answer = None
        time.sleep(0.2)
    if p.poll() is None:
        os.killpg(p.pid, signal.SIGKILL)
        p.wait()
    reader.join()
    return text()


def linux_boot(where, cmd):
    """Boot Linux to /init once; return (instructions, exits or None), or
    raise BootFailed with the reason."""
    out = watch(cmd, 300, BOOT_FAILED, answer=(PROMPT, "poweroff\n"))
    m = INSTRET_LINE.search(out)
    if not m:
        why = ("user mode may not read instret (the guest's scounteren.IR is clear)"
               if "instret unreadable" in out else "no 'rvh-init: instret' line")
        sys.stderr.write(out[-2000:])
        raise BootFailed("linux-boot (%s): %s" % (where, why))
    exits = EXITS_LINE.search(out)
    return int(m.group(1)), exits.group(1) if exits else None


class BootFailed(Exception):
    pass


# --- U-Boot to its prompt --------------------------------------------------------
# U-Boot has no /init to print instret, and typed input cannot be timed, so
# the bench stops the machine with gdb at the instruction after U-Boot's
# printf("Hit any key to stop autoboot: ..."), and reads instret there.
# Debian's U-Boot is stripped, so the address is found in the binary: the
# auipc/addi pair that makes the string's address, and the call after it.
# U-Boot then runs relocated to the top of RAM: board_init_f's reserve_uboot
# (common/board_f.c) puts it at (RAM end - size with .bss) & ~4095, which is
# the same natively and under RVH when both have 128 MiB at 0x80000000.
UBOOT_BIN = "/usr/lib/u-boot/qemu-riscv64_smode/u-boot.bin"
UBOOT_ELF = "/usr/lib/u-boot/qemu-riscv64_smode/uboot.elf"
UBOOT_PROMPT = b"Hit any key to stop autoboot"
UBOOT_RAM = (0x80000000, 128 << 20)
NATIVE_UBOOT = ("qemu-system-riscv64 -machine virt -cpu rv64 -smp 1 -m 128M -nographic "
                "-bios default -kernel %s %s" % (UBOOT_BIN, BOOT_ICOUNT))
RVH_UBOOT = ("make -s --no-print-directory qemu GUEST=%s QEMU_EXTRA='%s %%s'"
             % (UBOOT_BIN, BOOT_ICOUNT))


def uboot_prompt_pc():
    """The relocated address of the instruction after the prompt's printf."""
    sections = subprocess.run(["riscv64-unknown-elf-readelf", "-S", "-W", UBOOT_ELF],
                              capture_output=True, text=True, check=True).stdout
    addr = {}
    for m in re.finditer(r"\]\s+(\S+)\s+\S+\s+([0-9a-f]{16})\s+[0-9a-f]+\s+([0-9a-f]+)", sections):
        addr[m.group(1)] = (int(m.group(2), 16), int(m.group(3), 16))
    load = addr[".text"][0]
    mon_len = addr[".bss"][0] + addr[".bss"][1] - load
    with open(UBOOT_BIN, "rb") as f:
        string = load + f.read().index(UBOOT_PROMPT)
    dis = subprocess.run(["riscv64-unknown-elf-objdump", "-D", "-b", "binary", "-m", "riscv:rv64",
                          "--adjust-vma=0x%x" % load, "-M", "no-aliases", UBOOT_BIN],
                         capture_output=True, text=True, check=True).stdout
    insn = re.compile(r"^\s*([0-9a-f]+):\s+[0-9a-f]+\s+(\S+)\s*([^#\n]*)", re.M)
    auipc, found = {}, None
    for m in insn.finditer(dis):
        pc, op, args = int(m.group(1), 16), m.group(2), [a.strip() for a in m.group(3).split(",")]
        if found is not None and op == "jal":
            call = pc
            break
        if op == "auipc":
            auipc[args[0]] = pc + (int(args[1], 0) << 12)
        elif op == "addi" and len(args) == 3 and args[1] in auipc and \
                (auipc[args[1]] + int(args[2], 0)) & (2**64 - 1) == string:
            found = pc
    else:
        raise BootFailed("uboot-boot: the prompt's printf is not in %s" % UBOOT_BIN)
    reloc = (UBOOT_RAM[0] + UBOOT_RAM[1] - mon_len) & ~0xfff
    return call + 4 + reloc - load


def free_port():
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def uboot_boot(where, cmd, pc):
    """Boot U-Boot, stopped by gdb at its prompt; return (instructions, None)."""
    port = free_port()
    cmd = cmd % ("-S -gdb tcp:127.0.0.1:%d" % port)
    p = subprocess.Popen(cmd, shell=True, cwd=TOP, env=clean_env(), stdin=subprocess.DEVNULL,
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        time.sleep(1)
        g = subprocess.run(["gdb-multiarch", "-nx", "-batch", "-ex", "set architecture riscv:rv64",
                            "-ex", "target remote 127.0.0.1:%d" % port,
                            "-ex", "hbreak *0x%x" % pc, "-ex", "continue",
                            "-ex", "printf \"pc %lx instret %lu\\n\", $pc, $instret"],
                           capture_output=True, text=True, timeout=300)
    finally:
        os.killpg(p.pid, signal.SIGKILL)
        out = p.communicate()[0].decode(errors="replace")
    m = re.search(r"^pc ([0-9a-f]+) instret (\d+)$", g.stdout, re.M)
    if not m or int(m.group(1), 16) != pc or "Hit any key" not in out:
        sys.stderr.write(out[-2000:] + g.stdout[-1000:] + g.stderr[-1000:])
        raise BootFailed("uboot-boot (%s): gdb did not stop at the prompt (0x%x)" % (where, pc))
    return int(m.group(2)), None


def boots(runs):
    """The boot rows: {name: (native, rvh, exits)}, and whether the runs agreed.
    A guest that cannot be built or booted leaves its row out, with a note."""
    rows, same, notes = {}, True, []
    for name, measure in (("linux-boot", measure_linux), ("uboot-boot", measure_uboot)):
        try:
            native, rvh = measure(runs)
        except (BootFailed, subprocess.SubprocessError, OSError, KeyError, ValueError) as e:
            notes.append("%s: not measured: %s" % (name, e))
            continue
        if any(r[0] != native[0][0] for r in native) or any(r[0] != rvh[0][0] for r in rvh):
            same = False
            notes.append("%s: the runs differ: native %s, RVH %s"
                         % (name, [r[0] for r in native], [r[0] for r in rvh]))
        rows[name] = (native[0][0], rvh[0][0], rvh[0][1])
    return rows, same, notes


def measure_linux(runs):
    status, out = sh("make -s --no-print-directory linux", timeout=3600)
    if status != 0:
        raise BootFailed("make linux failed: %s" % out.strip().splitlines()[-1:])
    return ([linux_boot("native", NATIVE_LINUX) for _ in range(runs)],
            [linux_boot("RVH", RVH_LINUX) for _ in range(runs)])


def measure_uboot(runs):
    pc = uboot_prompt_pc()
    return ([uboot_boot("native", NATIVE_UBOOT + " %s", pc) for _ in range(runs)],
            [uboot_boot("RVH", RVH_UBOOT, pc) for _ in range(runs)])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=2, help="runs per path (default 2)")
    ap.add_argument("--tex", nargs=2, metavar=("JSON", "TEX"),
                    help="only write the book's figures TEX from JSON (no QEMU)")
    args = ap.parse_args()
    if args.tex:
        with open(args.tex[0]) as f:
            write_tex(json.load(f), args.tex[1])
        return 0
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

    boot_rows, boot_same, boot_notes = boots(max(1, args.runs))
    same = same and boot_same

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
    print()
    print("What a boot costs: instructions from reset, QEMU %s" % BOOT_ICOUNT)
    print("%-11s %-30s %12s %12s %7s" % ("guest", "to", "native", "RVH", "RVH/nat"))
    for name, (nat, rvh, _) in sorted(boot_rows.items()):
        print("%-11s %-30s %12d %12d %7.2f" % (name, BOOT_WHAT[name], nat, rvh, rvh / nat))
    for name, (_, _, exits) in sorted(boot_rows.items()):
        if exits:
            print("exits (%s, RVH): %s" % (name, exits))
    for note in boot_notes:
        print(note)
    print("repeatable: %s (%d runs per path)" %
          ("yes, identical" if same else "NO, the runs differ", max(1, args.runs)))
    figures = write_json(results, boot_rows, same)
    # The committed copy of the book's figures is rewritten only by a complete
    # and repeatable run, never with holes in it.
    if same and boot_rows:
        write_tex(figures, os.path.join(TOP, "book", "bench-figures.tex"))
        print("book figures: book/bench-figures.tex")
    return 0 if same else 1


BOOT_WHAT = {"linux-boot": "Linux 6.12 to /init", "uboot-boot": "U-Boot to its prompt"}


def write_json(results, boot_rows, same):
    """build/bench.json: one key per figure, named with its unit, for the book
    and for anyone who wants to compare runs."""
    figures = {"iterations": results["sstc"][0], "repeatable": same}
    for path, _ in PATHS:
        for case, value in results[path][1].items():
            if value not in (None, "-"):
                key = "%s_%s_instructions" % (case.replace("-", "_"), path)
                figures[key] = float(value)
        figures["exits_%s" % path] = results[path][2]
    for name, (nat, rvh, exits) in boot_rows.items():
        key = name.replace("-", "_")
        figures["%s_instructions_native" % key] = nat
        figures["%s_instructions_rvh" % key] = rvh
        figures["%s_ratio" % key] = round(rvh / nat, 3)
        figures["%s_exits_rvh" % key] = exits
    out = os.path.join(TOP, "build", "bench.json")
    with open(out, "w") as f:
        json.dump(figures, f, indent=2, sort_keys=True)
    print("figures: %s" % os.path.relpath(out))
    return figures


# --- The book's figures ---------------------------------------------------------
# tools/book.sh calls "bench.py --tex IN OUT" when build/bench.json exists, so the
# book shows the last make bench; otherwise the committed book/bench-figures.tex,
# which make bench rewrites, is used.  No QEMU runs for the book.
TEX_CASES = ["sbi-base", "set-timer", "hypercall", "mmio-write", "mmio-read"]
TEX_HEAD = "% Generated by tools/bench.py from build/bench.json: do not edit.\n"
TEX_ROWS = [
    ("empty-loop", "empty loop (absolute)", "none"),
    ("memory", "\\texttt{memory}", "none"),
    ("sbi-base", "\\texttt{sbi-base}", "one \\texttt{ecall}, in the vCPU library"),
    ("set-timer", "\\texttt{set-timer}", "one \\texttt{ecall}, in the vCPU library"),
    ("stimecmp", "\\texttt{stimecmp}", "none"),
    ("hypercall", "\\texttt{hypercall}", "one \\texttt{ecall}, to the monitor"),
    ("mmio-write", "\\texttt{mmio-write}", "one guest-page fault, to the monitor"),
    ("mmio-read", "\\texttt{mmio-read}", "one guest-page fault, to the monitor"),
]


def write_tex(figures, out):
    """Macros for the numbers the text quotes, and the pgfplots charts."""
    lines = [TEX_HEAD]
    def macro(name, value):
        lines.append("\\def\\%s{%s}\n" % (name, value))
    def big(n):
        return "{,}".join(re.findall(r"\d{1,3}(?=(?:\d{3})*$)", str(n)))
    for case in TEX_CASES:
        key = "%s_sstc_instructions" % case.replace("-", "_")
        macro("bench" + case.replace("-", "").title().replace("Sbi", "Sbi"), figures.get(key, "?"))
    # The table of exit costs, one row per case, both paths.
    rows = []
    for case, label, exits in TEX_ROWS:
        vals = [figures.get("%s_%s_instructions" % (case.replace("-", "_"), p)) for p, _ in PATHS]
        rows.append("%s & %s & %s & %s \\\\\n" % (label, *("%.1f" % v if v is not None else "---"
                                                            for v in vals), exits))
    macro("benchTableRows", "%\n" + "".join(rows))
    exits = figures.get("exits_sstc") or "?"
    short = re.sub(r", external .*(guest-page fault \d+).*", r", \\ldots, \1", exits)
    macro("benchExitsSstc", "\\texttt{%s}" % short)
    for guest, name in (("linux", "Linux"), ("uboot", "Uboot")):
        nat = figures.get("%s_boot_instructions_native" % guest)
        rvh = figures.get("%s_boot_instructions_rvh" % guest)
        macro("bench%sNative" % name, big(nat) if nat else "?")
        macro("bench%sRvh" % name, big(rvh) if rvh else "?")
        macro("bench%sRatio" % name, "%.2f" % (rvh / nat) if nat and rvh else "?")
    # One chart: what each exit costs on the Sstc path.
    coords = " ".join("(%s,{%s})" % (figures.get("%s_sstc_instructions" % c.replace("-", "_"), 0), c)
                      for c in TEX_CASES)
    lines.append("\\def\\benchExitChart{\\begin{tikzpicture}\n"
                 "\\begin{axis}[xbar, width=0.8\\textwidth, height=5.5cm, xmin=0,\n"
                 "  xlabel={instructions per operation (Sstc path)}, symbolic y coords={%s},\n"
                 "  ytick=data, yticklabel style={font=\\ttfamily\\small},\n"
                 "  nodes near coords, nodes near coords align=horizontal,\n"
                 "  enlarge x limits={upper,value=0.15}]\n"
                 "\\addplot[fill=black!30] coordinates {%s};\n"
                 "\\end{axis}\\end{tikzpicture}}\n" % (",".join(TEX_CASES), coords))
    # The other: each guest's boot, natively and under RVH, in millions.
    boots = [(label, figures.get("%s_boot_instructions_native" % g),
              figures.get("%s_boot_instructions_rvh" % g))
             for g, label in (("uboot", "U-Boot to its prompt"), ("linux", "Linux to /init"))]
    boots = [b for b in boots if b[1] and b[2]]
    if boots:
        ys = ",".join(label for label, _, _ in boots)
        lines.append("\\def\\benchBootChart{\\begin{tikzpicture}\n"
                     "\\begin{axis}[xbar, width=0.8\\textwidth, height=%.1fcm, xmin=0,\n"
                     "  xlabel={millions of instructions from reset},\n"
                     "  symbolic y coords={%s}, ytick=data, bar width=7pt,\n"
                     "  nodes near coords, nodes near coords align=horizontal,\n"
                     "  enlarge x limits={upper,value=0.2}, enlarge y limits=0.5,\n"
                     "  legend style={at={(0.5,-0.45)}, anchor=north, legend columns=2,\n"
                     "    font=\\small, /tikz/every even column/.append style={column sep=4mm}}]\n"
                     % (2.5 + 1.5 * len(boots), ys))
        for which, fill in ((1, "black!15"), (2, "black!45")):
            lines.append("\\addplot[fill=%s] coordinates {%s};\n" % (fill, " ".join(
                "(%.1f,{%s})" % (b[which] / 1e6, b[0]) for b in boots)))
        lines.append("\\legend{on OpenSBI, on RVH}\n\\end{axis}\\end{tikzpicture}}\n")
    else:
        lines.append("\\def\\benchBootChart{(no boot figures: run make bench)}\n")
    with open(out, "w") as f:
        f.write("".join(lines))


if __name__ == "__main__":
    sys.exit(main())
