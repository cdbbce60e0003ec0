#!/usr/bin/env python3
"""RVH Book's test runner: every check CI runs, one line per case.

    python3 tests/run.py [--only NAME[,NAME...]] [--list]

A name unit:test_X runs the one host unit test tests/unit/test_X.c (the labs
grade with single unit tests).

Each case either runs a command that must succeed, or boots QEMU and matches
console lines: every `expect` pattern must appear, no `forbid` pattern may,
and QEMU must exit by itself (the hypervisor powers the machine off) before
the timeout. Console logs are kept in build/test-logs/NAME.log. Timeouts are
multiplied by the environment variable RVH_TIMEOUT_SCALE (default 1).
The last line is "N passed, N failed"; the exit status is 1 on any failure.
"""
import argparse
import glob
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tarfile
import tempfile
import time

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LOGS = os.path.join(TOP, "build", "test-logs")
SCALE = float(os.environ.get("RVH_TIMEOUT_SCALE", "1"))


class Failure(Exception):
    pass


def run(cmd, log, timeout=600, cwd=TOP, env=None):
    """Run a shell command, its output appended to log; return (status, output)."""
    with open(log, "a") as f:
        f.write("$ %s\n" % cmd)
        f.flush()
        p = subprocess.Popen(cmd, shell=True, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             start_new_session=True)
        try:
            out, _ = p.communicate(timeout=timeout * SCALE)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            out, _ = p.communicate()
            f.write(out.decode(errors="replace"))
            raise Failure("timed out after %.0f s: %s" % (timeout * SCALE, cmd))
        text = re.sub(r"\r+\n", "\n", out.decode(errors="replace"))
        f.write(text)
        return p.returncode, text


def must(cmd, log, timeout=600, **kw):
    status, out = run(cmd, log, timeout, **kw)
    if status != 0:
        raise Failure("exit status %d: %s" % (status, cmd))
    return out


def match_console(text, expect=(), forbid=()):
    for pat in expect:
        if not re.search(pat, text, re.M):
            raise Failure("console lacks /%s/" % pat)
    for pat in forbid:
        m = re.search(pat, text, re.M)
        if m:
            raise Failure("console has forbidden /%s/: %r" % (pat, m.group(0)))


def qemu_make_args(cpu="rv64", smp=1, extra="", guest="", bootargs="", guests="", vcpus=""):
    return ("make -s --no-print-directory qemu QEMU_CPU='%s' SMP=%d QEMU_EXTRA='%s' "
            "GUEST='%s' BOOTARGS='%s' GUESTS='%s' VCPUS='%s'"
            % (cpu, smp, extra, guest, bootargs, guests, vcpus))


def qemu_case(cpu="rv64", smp=1, guest="", bootargs="", expect=(), forbid=(), timeout=60):
    def case(log):
        try:
            status, out = run(qemu_make_args(cpu, smp, guest=guest, bootargs=bootargs), log, timeout)
        except Failure as e:
            raise Failure("QEMU did not exit by itself: " + str(e))
        match_console(out, expect, forbid)
    return case


BANNER = [r"^RVH Book hypervisor, stage \d+", r"^rvh: boot hart \d+, device tree at 0x[0-9a-f]+$",
          r"^rvh: SBI 2\.0, OpenSBI 1\.\d+, console: SBI DBCN$"]
NO_BUG = [r"unexpected trap in the hypervisor", r"rvh: panic"]


def interactive(log, guest, script, bootargs="", timeout=90, smp=1, guests="", cpu="rv64",
                vcpus="", give_up=None):
    """Boot QEMU with a guest and play a script on its console: for each
    (pattern, text), wait until the console matches pattern, then type text.
    QEMU must then exit by itself. A console that matches give_up (a guest's
    panic, say) fails at once. Returns the console."""
    import threading
    p = subprocess.Popen(qemu_make_args(cpu=cpu, smp=smp, guest=guest, bootargs=bootargs,
                                        guests=guests, vcpus=vcpus),
                         shell=True, cwd=TOP,
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                         start_new_session=True)
    chunks = []
    reader = threading.Thread(target=lambda: [chunks.append(b) for b in iter(lambda: p.stdout.read1(4096), b"")])
    reader.start()
    deadline = time.time() + timeout * SCALE
    text = lambda: re.sub(r"\r+\n", "\n", b"".join(chunks).decode(errors="replace"))
    try:
        for pattern, typed in script:
            while not re.search(pattern, text(), re.M):
                if time.time() > deadline or p.poll() is not None:
                    raise Failure("console never showed /%s/" % pattern)
                died = give_up and re.search(give_up, text(), re.M)
                if died:
                    raise Failure("console showed %r while waiting for /%s/" % (died.group(0), pattern))
                time.sleep(0.1)
            p.stdin.write(typed.encode())
            p.stdin.flush()
        p.wait(timeout=max(1, deadline - time.time()))
    except subprocess.TimeoutExpired:
        raise Failure("QEMU did not exit by itself")
    finally:
        if p.poll() is None:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()
        reader.join()
        with open(log, "a") as f:
            f.write(text())
    return text()


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def nw_line(pattern, chapter="chapters/01-boot.nw"):
    """The line of a chapter holding pattern: where a .nw breakpoint goes."""
    with open(os.path.join(TOP, chapter)) as f:
        for n, line in enumerate(f, 1):
            if pattern in line:
                return n
    raise Failure("%s has no line with %r" % (chapter, pattern))


def under_gdb(log, gdb_cmds, timeout=90, guest=""):
    """Boot QEMU halted (-S), drive it with gdb-multiarch in batch mode; return
    (console, gdb output). QEMU must still exit by itself when gdb lets go."""
    port = free_port()
    qlog = log + ".console"
    with open(qlog, "w") as qf:
        q = subprocess.Popen(qemu_make_args(extra="-S -gdb tcp:127.0.0.1:%d" % port, guest=guest),
                             shell=True, cwd=TOP, stdin=subprocess.DEVNULL, stdout=qf,
                             stderr=subprocess.STDOUT, start_new_session=True)
    try:
        for _ in range(100):                  # wait for QEMU's gdb stub
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        args = " ".join("-ex %s" % sh_quote(c) for c in
                        ["set pagination off", "set confirm off",
                         "target remote 127.0.0.1:%d" % port] + gdb_cmds)
        _, gdb_out = run("gdb-multiarch -q -batch -nx %s build/rvh.elf" % args, log, timeout)
        q.wait(timeout=timeout * SCALE)
    except subprocess.TimeoutExpired:
        raise Failure("QEMU did not exit by itself after gdb detached")
    finally:
        if q.poll() is None:
            os.killpg(q.pid, signal.SIGKILL)
            q.wait()
    with open(qlog, errors="replace") as f:
        console = re.sub(r"\r+\n", "\n", f.read())
    with open(log, "a") as f:
        f.write("--- console ---\n" + console)
    return console, gdb_out


def sh_quote(s):
    return "'" + s.replace("'", "'\\''") + "'"


# --- The cases -------------------------------------------------------------------------------

def case_build(log):
    must("make -s --no-print-directory build", log)


def case_unit(log):
    out = must("make -s --no-print-directory unit", log)
    oks = len(re.findall(r"^ok \d+", out, re.M))
    if re.search(r"^not ok", out, re.M) or oks == 0:
        raise Failure("unit tests: %d ok, some not ok" % oks)


def unit_case(test):
    """One host unit test alone: build/unit/TEST, which must print ok lines only."""
    def case(log):
        must("make -s --no-print-directory build/unit/%s" % test, log)
        out = must("build/unit/%s" % test, log, timeout=120)
        oks = len(re.findall(r"^ok \d+", out, re.M))
        if re.search(r"^not ok", out, re.M) or oks == 0:
            raise Failure("%s: %d ok, some not ok" % (test, oks))
    return case


def case_fuzz(log):
    """A short bounded pass of every libFuzzer harness (tests/fuzz): the seeds and
    kept crash inputs once each, then FUZZ_TIME seconds of fuzzing per harness."""
    must("make -s --no-print-directory fuzz-regress", log, timeout=300)
    out = must("make -s --no-print-directory fuzz FUZZ_TIME=15", log, timeout=300)
    runs = re.findall(r"^fuzz: (\w+) (\d+) executions, (\d+) crashes$", out, re.M)
    names = [os.path.basename(f)[5:-2] for f in glob.glob(os.path.join(TOP, "tests/fuzz/fuzz_*.c"))]
    for name, execs, crashes in runs:
        print("fuzz: %s %s executions, %s crashes" % (name, execs, crashes), flush=True)
    if sorted(r[0] for r in runs) != sorted(names):
        raise Failure("fuzz: ran %s, harnesses are %s" % (sorted(r[0] for r in runs), sorted(names)))
    if any(int(c) for _, _, c in runs) or any(int(x) == 0 for _, x, _ in runs):
        raise Failure("fuzz: a crash, or a harness that executed nothing")


def case_check_compile(log):
    must("make -s --no-print-directory check-compile", log)


def case_check_tangle(log):
    must("make -s --no-print-directory check-tangle", log)


def case_tangle_drift(log):
    """check-tangle must catch a chapter edited without make tangle, and a
    root with a misspelt name."""
    files = subprocess.run(["git", "ls-files", "chapters", "tools", "tangled", "asm", "guests", "Makefile"],
                           cwd=TOP, capture_output=True, text=True).stdout.split()
    if not files:
        raise Failure("git ls-files found nothing to copy")
    with tempfile.TemporaryDirectory() as tmp:
        for f in files:
            os.makedirs(os.path.join(tmp, os.path.dirname(f)), exist_ok=True)
            shutil.copy2(os.path.join(TOP, f), os.path.join(tmp, f))
        must("make -s --no-print-directory check-tangle", log, cwd=tmp)
        boot = os.path.join(tmp, "chapters", "01-boot.nw")
        text = open(boot).read()
        open(boot, "w").write(text.replace("RVH_STACK_SIZE  16384", "RVH_STACK_SIZE  16385", 1))
        status, out = run("make -s --no-print-directory check-tangle", log, cwd=tmp)
        if status == 0 or "tangled/config.h differs" not in out:
            raise Failure("check-tangle passed a chapter edited without re-tangling")
        open(boot, "w").write(text + "\n<<tangled/config.h >>=\n/* misspelt */\n@\n")
        status, out = run("make -s --no-print-directory check-tangle", log, cwd=tmp)
        if status == 0 or "tools/roots" not in out:
            raise Failure("check-tangle passed a root missing from tools/roots")


def case_book(log):
    must("make -s --no-print-directory book", log, timeout=300)
    aux = os.path.join(TOP, "build", "book")
    toc = open(os.path.join(aux, "rvh.toc")).read()
    lof = open(os.path.join(aux, "rvh.lof")).read()
    for want in ("Index of chunks", "Index of identifiers", "Booting in HS-mode"):
        if want not in toc:
            raise Failure("the table of contents lacks %r" % want)
    if "vCPU lifecycle" not in lof:
        raise Failure("the list of figures lacks the lifecycle figure")
    body = open(os.path.join(aux, "body.tex")).read()
    if "\\nwixident" not in body and "\\nwindexdefn" not in body:
        raise Failure("noweave produced no identifier index entries")


def case_gdb(log):
    line = nw_line("hext_probe(&hext);")
    console, out = under_gdb(log, ["break hyp_main", "break chapters/01-boot.nw:%d" % line,
                                   "continue", "info registers a0", "continue", "continue"])
    if not re.search(r"Breakpoint 1, hyp_main \(hartid=\d+, dtb=\d+\) at chapters/01-boot.nw:\d+", out):
        raise Failure("gdb did not stop at hyp_main in chapters/01-boot.nw")
    if not re.search(r"Breakpoint 2, hyp_main .* at chapters/01-boot.nw:%d" % line, out):
        raise Failure("gdb did not stop at chapters/01-boot.nw:%d" % line)
    match_console(console, BANNER + [r"^rvh: power off \(success\)$"], NO_BUG)


def case_guest_fault(log):
    """A guest that loads from a guest-physical address with neither RAM nor a
    device gets a load access fault in its own trap handler, with the address
    in stval and the load's pc in sepc; the hypervisor carries on."""
    status, out = run(qemu_make_args(guest=FAULT), log, 60)
    m = re.search(r"^fault: loading from 0x40000000 at pc (0x[0-9a-f]+)$", out, re.M)
    if not m:
        raise Failure("the fault guest did not say where it would load")
    match_console(out, [
        r"^guest fault: unexpected trap: scause=0x5 sepc=%s stval=0x40000000$" % m.group(1),
        r"^vmm: vm0: shutdown \(reason: system failure\)",
        r"^vmm: vm0: exits: .*guest-page fault 1, ",
        r"^vmm: all VMs stopped$", r"^rvh: power off \(failure\)$"],
        NO_BUG + [r"^not ok", r"stopped:"])


UBOOT = "/usr/lib/u-boot/qemu-riscv64_smode/u-boot.bin"


def uboot_answered(cmd, vm=None):
    """The pattern of U-Boot's prompt back after the answer to cmd (on VM vm's
    console lines, "vmN| ", when given): what to wait for before typing on.
    The command's echo follows its prompt on the same line, or starts a line
    of its own when another VM's lines came between."""
    p = r"vm%d\| " % vm if vm is not None else ""
    return r"^%s(?:=> )?%s\n(?:.*\n)*%s=> $" % (p, re.escape(cmd), p)


# What U-Boot prints differs between Debian 12's 2023.01 and Debian 13's
# 2025.01 (u-boot-qemu), each matched exactly; a version from 2024 on is
# taken to print as 2025.01 does.
#  - In:/Out:/Err:. 2023.01 names the device it chose, our UART. 2025.01 is
#    built with the console multiplexer and prints the environment's lists
#    (stdin=serial,usbkbd, stdout=stderr=serial,vidconsole), which name
#    devices that may not exist: it finds them in the device tree, and RVH's
#    has no USB controller ("No USB controllers found") and no display.
#    coninfo shows what U-Boot really uses: the UART, alone.
#  - version: 2023.01 adds the compiler's and the linker's versions, 2025.01
#    prints its banner alone.
#  - sbi: 2023.01 prints the spec version where the implementation id goes
#    ("Unknown implementation ID 33554432"); 2025.01 prints RVH's, "RVHB".
UBOOT_2023 = [
    r"^In: +serial@10000000$", r"^Out: +serial@10000000$", r"^Err: +serial@10000000$",
    r"^=> coninfo\nList of available devices:\n"
    r"serial@10000000 00000007 IO stdin stdout stderr \n"
    r"serial   00000003 IO \n=> ",
    r"^=> version\nU-Boot 20\d\d\.\d\d\S* \([^)\n]+\)\n\n"
    r"riscv64-linux-gnu-gcc .*\nGNU ld .*\n=> ",
    r"^SBI 2\.0Unknown implementation ID \d+$"]
UBOOT_2025 = [
    r"^In: +serial,usbkbd$", r"^Out: +serial,vidconsole$", r"^Err: +serial,vidconsole$",
    r"^No USB controllers found$",
    r"^=> coninfo\nList of available devices\n"
    r"\|-- serial@10000000 \(IO\)\n"
    r"\|-- serial \(IO\)\n\|   \|-- stdin\n\|   \|-- stdout\n\|   \|-- stderr\n"
    r"\|-- nulldev \(IO\)\n=> ",
    r"^=> version\nU-Boot 20\d\d\.\d\d\S* \([^)\n]+\)\n\n=> ",
    r"^SBI 2\.0\nUnknown implementation ID 0x52564842$"]


def uboot_expect(out):
    """The version-specific lines of the console of one U-Boot (above)."""
    m = re.search(r"^U-Boot (20\d\d)\.(\d\d)", out, re.M)
    if not m:
        raise Failure("console lacks U-Boot's banner")
    return UBOOT_2023 if (int(m.group(1)), int(m.group(2))) < (2024, 1) else UBOOT_2025


def case_uboot(log):
    """U-Boot S-mode (Debian's u-boot-qemu) prints its banner through the
    emulated UART, stops at its prompt, uses that UART alone as its console,
    lists our SBI, and powers off."""
    out = interactive(log, UBOOT, [(r"Hit any key to stop autoboot", "\n"),
                                   (r"^=> $", "coninfo\n"),
                                   (uboot_answered("coninfo"), "version\n"),
                                   (uboot_answered("version"), "sbi\n"),
                                   (uboot_answered("sbi"), "poweroff\n")])
    match_console(out, [
        r"^U-Boot 20\d\d\.\d\d", r"^Model: RVH virtual machine$", r"^DRAM: +128 MiB$",
        r"^SBI 2\.0", r"^  Hart State Management Extension$",
        r"^vmm: vm0: shutdown \(reason: none\)", r"^rvh: power off \(success\)$"]
        + uboot_expect(out),
        NO_BUG + [r"stopped:"])


LINUX = "build/linux/Image"
LINUX_DIED = r"^(vm\d\| )?---\[ end Kernel panic|rvh: panic|^vmm: vm\d: stopped:"


def linux_shell(log, cpus, cpu="rv64", smp=1, vcpus="", bootargs="", timeout=120, extra=()):
    # extra: (command, pattern of its answer) pairs, typed after ls /sys/firmware.
    """Boot make linux's guest (Debian's Linux 6.12 with BusyBox, tinyconfig +
    guests/linux/rvh.config) to its shell, ask it who it is, what harts it
    has and what firmware tables it sees, and power it off from the prompt:
    Linux's SBI system reset ends the VM, and with it the hypervisor.  Each
    step waits for the prompt after the answer to the one before.  Returns
    the console, checked for what every such boot must show."""
    must("make -s --no-print-directory linux", log, timeout=1200)
    out = interactive(log, LINUX, [
        (r"^~ # ", "uname -r\n"),
        (r"^~ # uname -r\n6\.12\.\S+\n~ # ", "cat /proc/cpuinfo\n"),
        (r"^hart isa\s*: rv64\S+\n\n~ # ", "ls /sys/firmware\n"),
        (r"^~ # ls /sys/firmware\n.*\n~ # ", ([c for c, _ in extra] + ["poweroff\n"])[0])] +
        [(answer + r"(?:.*\n)*?~ # ", nxt) for (_, answer), nxt in
         zip(extra, [c for c, _ in extra[1:]] + ["poweroff\n"])],
        bootargs=bootargs, timeout=timeout, smp=smp, cpu=cpu, vcpus=vcpus, give_up=LINUX_DIED)
    match_console(out, [
        r"^Linux version 6\.12\.", r"^Machine model: RVH virtual machine$",
        r"^SBI SRST extension detected$", r"^SBI HSM extension detected$",
        r"ttyS0 at MMIO 0x10000000", r"^smp: Brought up 1 node, %d CPUs?$" % cpus,
        r"^Run /init as init process$", r"^rvh-init: Linux 6\.12\.\S+ up, %d CPUs$" % cpus,
        r"^~ # uname -r\n6\.12\.\S+$", r"^isa\s*: rv64ima\S*$",
        r"^~ # ls /sys/firmware\n(\S+\s+)*devicetree\s+(\S+\s+)*fdt\s",
        r"^reboot: Power down$",
        r"^vmm: vm0: shutdown \(reason: none\)", r"^vmm: all VMs stopped$",
        r"^rvh: power off \(success\)$"],
        NO_BUG + [r"Kernel panic", r"stopped:", r"Oops", r"BUG:", r"WARNING:"])
    cpuinfo = re.search(r"^~ # cat /proc/cpuinfo\n((?:.*\n)*?)~ # ", out, re.M).group(1)
    harts = re.findall(r"^processor\s*: (\d+)$", cpuinfo, re.M)
    if harts != [str(i) for i in range(cpus)]:
        raise Failure("/proc/cpuinfo lists processors %s, not 0..%d" % (harts, cpus - 1))
    if len(re.findall(r"^isa\s*: rv64", cpuinfo, re.M)) != cpus:
        raise Failure("/proc/cpuinfo lacks an isa line for each of its %d processors" % cpus)
    return out


def linux_case(cpus=1, **kw):
    def case(log):
        linux_shell(log, cpus, **kw)
    return case


# Four busy shells for a while, then the steal column of /proc/stat.
LINUX_BUSY = ("for n in 1 2 3 4; do (i=0; while [ $i -lt 30000 ]; do i=$((i+1)); done) & "
              "done; wait; grep '^cpu ' /proc/stat\n")


def case_linux_shared(log):
    """Four vCPUs taking turns on two harts: RVH sets hstatus.VTW, so an idle
    vCPU's wfi and a spinning one's wrs.nto trap as virtual instructions and
    give the hart to another vCPU.  Four busy shells then keep every vCPU
    runnable, and the time each waits for its hart reaches Linux through the
    SBI STA extension: the steal column of /proc/stat is not zero."""
    out = linux_shell(log, 4, smp=2, vcpus="4", extra=[(LINUX_BUSY, r"^cpu  \d+")])
    match_console(out, [r"^vmm: vm0: exits: .*, virtual instruction [1-9]\d*, ",
                        r"^riscv-pv: SBI STA extension detected$"])
    m = re.search(r"^cpu  (\d+) (\d+) (\d+) (\d+) (\d+) (\d+) (\d+) (\d+) ", out, re.M)
    if not m:
        raise Failure("no cpu line from /proc/stat")
    if int(m.group(8)) == 0:
        raise Failure("/proc/stat: no stolen time (%s)" % m.group(0))


def case_linux_sstc_off(log):
    """The same Linux with the emulated timer path: its timer goes through SBI
    set_timer and host timer interrupts, and its shell still answers."""
    out = linux_shell(log, 1, bootargs="sstc=off")
    match_console(out, [r"^vmm: vm0: exits: sbi \d+, timer [1-9]\d*, "])


def case_two_vms(log):
    """Two VMs at once (chapter 11): steady prints 200 known lines through its
    UART and checks 32 MiB of its memory, while attacker makes wild accesses
    and random SBI calls, then crashes.  Every line of steady arrives whole
    and in order, its checks pass, and only the attacker is stopped."""
    guests = ("build/guests/steady.bin:mem=64M:vcpus=1 "
              "build/guests/attacker.bin:mem=64M:vcpus=1")
    status, out = run(qemu_make_args(smp=2, guests=guests), log, 120)
    lines = re.findall(r"^vm0\| steady: line (\d+) of 200: the quick brown fox jumps over "
                       r"the lazy dog$", out, re.M)
    if lines != ["%03d" % i for i in range(200)]:
        raise Failure("steady's lines: %d intact, in order: %s" %
                      (len(lines), lines == sorted(lines)))
    match_console(out, [
        r"^vm0\| # guest steady: 4 passed, 0 failed$",
        r"^vm1\| ok 1 - 6000 wild accesses, each an access fault in the guest \(0 not\)$",
        r"^vm1\| ok 2 - 20000 random SBI calls, each an SBI error code or success \(0 not\)$",
        r"^vmm: vm1: stopped: instruction fetch guest-page fault at gpa 0x1000",
        r"^vmm: vm0: shutdown \(reason: none\)", r"^vmm: all VMs stopped$",
        r"^rvh: power off \(failure\)$"], NO_BUG)


def case_uboot_linux(log):
    """U-Boot and Linux side by side, a hart each, on one console: U-Boot keeps
    the input while Linux boots to its shell; Ctrl-] 1 gives the input to
    Linux, whose shell answers and powers its VM off; the input goes back to
    U-Boot, which still answers and powers off when told."""
    must("make -s --no-print-directory linux", log, timeout=1200)
    guests = UBOOT + ":vcpus=1 " + LINUX + ":vcpus=1"
    # A line of one VM may be cut in two when the host holds up QEMU for a
    # moment (the console prints a line that stops growing): match loosely.
    out = interactive(log, "", [(r"Hit any key", "\n"),
                                (r"^vm1\| rvh-init: Linux 6\.12\.", ""),
                                (r"^vm1\| ~ # ", "\x1d1"),
                                (r"^vmm: console input goes to vm1$", "uname -r\n"),
                                (r"^vm1\| 6\.12\.", "poweroff\n"),
                                (r"^vmm: console input goes to vm0$", "version\n"),
                                (uboot_answered("version", vm=0), "poweroff\n")],
                      timeout=150, smp=2, guests=guests, give_up=LINUX_DIED)
    match_console(out, [
        r"^vm0\| U-Boot 20\d\d", r"^vm1\| Linux version 6\.12\.",
        r"^vm1\| rvh-init: Linux 6\.12\.\S+ up, 1 CPUs$",
        r"^vm1\| reboot: Power down$",
        r"^vmm: vm1: shutdown \(reason: none\)", r"^vmm: vm0: shutdown \(reason: none\)",
        r"^vmm: all VMs stopped$", r"^rvh: power off \(success\)$"],
        NO_BUG + [r"stopped:", r"Kernel panic", r"Oops"])


def case_console_focus(log):
    """Two U-Boots: input goes to vm0 until Ctrl-] 1 moves it to vm1; when vm1
    powers off, the focus returns to vm0 by itself."""
    guests = UBOOT + ":vcpus=1 " + UBOOT + ":vcpus=1"
    out = interactive(log, "", [(r"^vm1\| Hit any key", "\n"),
                                (r"^vm0\| => ", "\x1d1"),
                                (r"^vmm: console input goes to vm1$", "\n"),
                                (r"^vm1\| => ", "version\n"),
                                (uboot_answered("version", vm=1), "poweroff\n"),
                                (r"^vmm: console input goes to vm0$", "poweroff\n")],
                      timeout=90, smp=2, guests=guests)
    match_console(out, [r"^vm1\| => version\nvm1\| U-Boot 20\d\d\.\d\d",
                        r"^vmm: vm1: shutdown \(reason: none\)",
                        r"^vmm: vm0: shutdown \(reason: none\)", r"^rvh: power off \(success\)$"],
                  NO_BUG + [r"stopped:", r"^vm0\| => version"])


def case_trap_dump(log):
    """Make the hypervisor jump to address 0 (no memory there) and check that
    its own trap vector names the fault, dumps the CSRs and powers off."""
    console, _ = under_gdb(log, ["break report_hext", "continue", "set $pc = 0", "continue"])
    match_console(console, [
        r"^rvh: unexpected trap in the hypervisor: instruction access fault \(scause=0x1\)$",
        r"^rvh:   sepc=0x0 stval=0x0 sstatus=0x[0-9a-f]+$",
        r"^rvh:   htval=0x[0-9a-f]+ htinst=0x[0-9a-f]+ hstatus=0x[0-9a-f]+$",
        r"^rvh: +ra=[0-9a-f]{16} +sp=[0-9a-f]{16}",
        r"^rvh: panic: stopping: a trap in HS-mode is a hypervisor bug$",
        r"^rvh: power off \(failure\)$"], [r"can host guests"])


def case_offsets_guard(log):
    """Moving a field of struct vcpu_regs without its offset must stop the build."""
    files = subprocess.run(["git", "ls-files"], cwd=TOP, capture_output=True, text=True).stdout.split()
    with tempfile.TemporaryDirectory() as tmp:
        for f in files:
            if f.startswith(("chapters/", "tools/", "tests/", "guests/", "book/")) or f == "Makefile":
                os.makedirs(os.path.join(tmp, os.path.dirname(f)), exist_ok=True)
                shutil.copy2(os.path.join(TOP, f), os.path.join(tmp, f))
        must("make -s --no-print-directory build", log, cwd=tmp)
        ch = os.path.join(tmp, "chapters", "02-vcpu.nw")
        text = open(ch).read()
        old = "unsigned long sstatus, hstatus, sepc;"
        if old not in text:
            raise Failure("02-vcpu.nw no longer has the guest CSR line this test edits")
        open(ch, "w").write(text.replace(old, "unsigned long hstatus, sstatus, sepc;", 1))
        status, out = run("make -s --no-print-directory build", log, cwd=tmp)
        if status == 0:
            raise Failure("the build passed with struct vcpu_guest_csrs reordered")
        if "VCPU_GUEST_SSTATUS is stale" not in out:
            raise Failure("the build failed, but not on the offset check")


def case_labs(log):
    """Every lab's grader on its freshly generated starter tree (build/labs/labNN,
    labs N..9 stubbed): the earlier labs' tests pass, each of lab N's fails
    with lab N's stub message. Then tools/lab.py solve N on that starter: its
    code must be exactly lab N+1's starter's, just graded with labs 1..N
    passing; the last lab's, the book's code, is graded again in full. That the
    complete tree passes every lab's tests is shown by the other cases. Only in
    the book's tree (it needs chapters/)."""
    out = must("python3 tools/lab.py check -j 2", log, timeout=900)
    if not re.search(r"^lab 1: ok", out, re.M):
        raise Failure("tools/lab.py check checked no lab")
    if not re.search(r"^lab \d+: ok .*solved: the book's code, graded (\d+)/\1$", out, re.M):
        raise Failure("the last lab's solved tree was not graded in full")


def case_dist_labs(log):
    """make dist-labs: the students' tarball holds every lab's starter tree
    (its .lab, Makefile, tangled/, asm/) and every handout, and nothing of the
    chapters or the solutions."""
    must("make -s --no-print-directory dist-labs", log)
    labs = sorted(json.load(open(f))["lab"] for f in
                  glob.glob(os.path.join(TOP, "labs", "lab[0-9][0-9]-*", "lab.json")))
    handouts = sorted(os.path.basename(os.path.dirname(f)) for f in
                      glob.glob(os.path.join(TOP, "labs", "lab[0-9][0-9]-*", "README.md")))
    with tarfile.open(os.path.join(TOP, "build", "rvh-labs.tar.gz")) as tar:
        names = tar.getnames()
        with open(log, "a") as f:
            f.write("%d members\n" % len(names))
        for name in names:
            parts = name.split("/")
            if parts[0] != "rvh-labs":
                raise Failure("member outside rvh-labs/: %s" % name)
            if "chapters" in parts or "solutions" in parts or name.endswith(".nw"):
                raise Failure("the tarball holds the book or the solutions: %s" % name)
        for n in labs:
            d = "rvh-labs/lab%02d/" % n
            for need in ("Makefile", ".lab", "README.md", "tangled/lib/lab_stub.h", "asm/rvh.ld",
                         "tests/run.py", "labs/"):
                if not any(x == d + need or x.startswith(d + need) for x in names):
                    raise Failure("lab %d's starter lacks %s" % (n, need))
            if tar.extractfile(d + ".lab").read().decode().strip() != str(n):
                raise Failure("%s.lab does not say %d" % (d, n))
        for h in handouts:
            if "rvh-labs/handouts/%s/README.md" % h not in names:
                raise Failure("the handout of %s is missing" % h)
    if len(labs) < 8:
        raise Failure("only %d labs" % len(labs))


TIMER = "build/guests/timer.bin"
TIMER_EXITS = (r"^vmm: vm0: exits: sbi \d+, timer (\d+), tick \d+, external 0, software 0, guest-page fault 0, "
               r"virtual instruction 0, other 0$")


def timer_case(sstc):
    """The timer guest on one path: all its checks pass, it found the path the
    hypervisor chose, and the hypervisor's timer exits fit the alarms it took:
    none on the Sstc path, at least one per SBI alarm on the emulated path."""
    def case(log):
        status, out = run(qemu_make_args(guest=TIMER, bootargs="" if sstc else "sstc=off"), log, 60)
        match_console(out, [
            r"^# timer path: %s$" % ("sstc" if sstc else "emulated"),
            r"^# guest timer: \d+ passed, 0 failed$",
            r"^vmm: vm0: shutdown \(reason: none\)", TIMER_EXITS,
            r"^rvh: power off \(success\)$"],
            NO_BUG + [r"^not ok", r"stopped:"])
        alarms = re.search(r"^# alarms: sbi (\d+), stimecmp (\d+)$", out, re.M)
        if not alarms:
            raise Failure("the timer guest did not count its alarms")
        sbi, stimecmp = int(alarms.group(1)), int(alarms.group(2))
        timer_exits = int(re.search(TIMER_EXITS, out, re.M).group(1))
        if sstc and (timer_exits != 0 or stimecmp == 0):
            raise Failure("Sstc path: %d timer exits (want 0), %d stimecmp alarms (want > 0)"
                          % (timer_exits, stimecmp))
        if not sstc and (timer_exits < sbi or stimecmp != 0):
            raise Failure("emulated path: %d timer exits for %d SBI alarms, %d stimecmp alarms"
                          % (timer_exits, sbi, stimecmp))
    return case


IRQ = "build/guests/irq.bin"


def case_irq(log):
    """The irq guest: the virtual PLIC's registers, then console input taken
    by UART receive interrupts, whole and in order; held pending (no
    interrupt, no sip.SEIP) by the threshold and by priority 0, and let
    through when the threshold drops."""
    out = interactive(log, IRQ, [(r"^irq: ready for input$", "hello-irq-0123456789\n"),
                                 (r"^irq: masked, type again$", "x\n")])
    match_console(out, [
        r"^irq: checking the virtual PLIC, hart 0, ",
        r"^# PLIC context 0 \((device tree|default)\)$",
        r"^# guest irq: \d+ passed, 0 failed$",
        r"^vmm: vm0: shutdown \(reason: none\)",
        r"^vmm: all VMs stopped$", r"^rvh: power off \(success\)$"],
        NO_BUG + [r"^not ok", r"stopped:", r"unexpected trap"])


BENCH_CASES = ["empty-loop", "memory", "hypercall", "sbi-base", "set-timer", "stimecmp",
               "mmio-read", "mmio-write"]


def case_bench_smoke(log):
    """The bench guest of make bench, with 1000 iterations and no -icount:
    every case still runs and prints its line in the format tools/bench.py
    parses. The numbers mean nothing without -icount and are not checked."""
    status, out = run(qemu_make_args(guest="build/guests/bench-smoke.bin"), log, 60)
    match_console(out, [
        r"^bench: hart 0, 1000 iterations per case, timer path (sstc|emulated), 100 instructions per tick",
        r"^bench: done$", r"^vmm: vm0: shutdown \(reason: none\)", r"^rvh: power off \(success\)$"]
        + [r"^bench: %s (-?\d+\.\d insns|skipped \(.+\))$" % c for c in BENCH_CASES],
        NO_BUG + [r"stopped:", r"^bench: calls fail", r"unexpected trap"])


# --- Hostile guests (chapter "What a guest may do") ---------------------------------------------
# Each attacks the hypervisor from inside a VM and must end in order: its checks pass, the VM
# shuts down by SRST, the monitor finds its own code unchanged, and QEMU powers off with success.
HOSTILE_END = [r"^vmm: vm0: shutdown \(reason: none\)",
               r"^vmm: vm0: hypervisor code and read-only data unchanged \(FNV-1a [0-9a-f]{16}\)$",
               r"^vmm: all VMs stopped$", r"^rvh: power off \(success\)$"]
HOSTILE_FORBID = NO_BUG + [r"^not ok", r"stopped:", r"unexpected trap", r"CHANGED"]


def hostile_case(name, expect, bootargs="testdev", timeout=60):
    return qemu_case(guest="build/guests/%s.bin" % name, bootargs=bootargs, timeout=timeout,
                     expect=[r"^# guest %s: \d+ passed, 0 failed$" % name] + expect + HOSTILE_END,
                     forbid=HOSTILE_FORBID)


def case_hostile_vector(log):
    """A guest whose trap vector points where it has nothing cannot take the
    fault it earns: the monitor stops the VM and says why, and stays up."""
    qemu_case(guest="build/guests/hostile-vector.bin", expect=[
        r"^hostile-vector: hart 0, stvec -> 0x1000, then a load from 0x0$",
        r"^vmm: vm0: stopped: instruction fetch guest-page fault at gpa 0x1000, pc 0x1000: "
        r"no memory or device there$",
        r"^vmm: vm0: hypervisor code and read-only data unchanged",
        r"^vmm: all VMs stopped$", r"^rvh: power off \(failure\)$"],
        forbid=NO_BUG + [r"^ok", r"^not ok", r"CHANGED"])(log)


# The sbi guest on any number of vCPUs: its checks, what it printed, and its
# two reboots by SRST (upper bits set, an implementation-specific reason).
SBI_GUEST = [
    r"^# guest sbi: [1-9]\d\d passed, 0 failed$",
    r"^dbcn: console_write of 40 bytes, one go$",
    r"(?s)(^dbcn-1000 line \d\d/20 [a-z]{28}\n.*){20}",
    r"^dbcn: the first 256 bytes of RAM =+$", r"^dbcnEND$",
    r"^ok 1 - boot 2: SRST system_reset\(0x100000001 = cold reboot, bit 32 set, 0\) "
    r"rebooted the VM$",
    r"^ok 1 - boot 3: SRST system_reset\(2 = warm reboot, 0x1e0000000 = SBI implementation "
    r"specific reason, bit 32 set\) rebooted the VM$",
    r"(?s)^vmm: vm0: reboot$.*^vmm: vm0: reboot$",
    r"^vmm: vm0: hart 0 stopped; no hart of the VM is left running$",
    r"^rvh: power off \(success\)$"]

HELLO = "build/guests/hello.bin"
FAULT = "build/guests/fault.bin"

CASES = [
    ("build", case_build),
    ("unit", case_unit),
    ("fuzz", case_fuzz),
    ("check-compile", case_check_compile),
    ("check-tangle", case_check_tangle),
    ("tangle-drift", case_tangle_drift),
    ("book", case_book),
    ("boot", qemu_case(expect=BANNER + [
        r"^rvh: harts: 0 \(boot\)$",
        r"^rvh: H extension: present$",
        r"^rvh: G-stage modes: Sv39x4( Sv48x4)?( Sv57x4)?, VMID bits: \d+, Sstc: (yes|no)$",
        r"^rvh: hedeleg=0xb1ff hideleg=0x444 hcounteren=0x7 henvcfg=0x0 hvip=0x0$",
        r"^rvh: this hart can host guests$",
        r"^vmm: no guest image: start QEMU with -initrd IMAGE",
        r"^rvh: power off \(success\)$"], forbid=NO_BUG)),
    ("boot-smp4", qemu_case(smp=4, expect=BANNER + [
        r"^rvh: harts:( \d \((boot|stopped)\)){4}$", r"^rvh: harts:.* \d \(boot\)",
        r"^rvh: power off \(success\)$"], forbid=NO_BUG)),
    ("no-h", qemu_case(cpu="rv64,h=false", expect=BANNER + [
        r"^rvh: hart 0 has no hypervisor extension \(H\): cannot host guests; run QEMU with -cpu rv64",
        r"^rvh: power off \(failure\)$"], forbid=NO_BUG + [r"H extension: present"])),
    # Without Sv39x4 QEMU keeps hgatp's old mode: RVH must refuse, never run a guest.
    ("no-sv39x4", qemu_case(cpu="rv64,sv39=off,sv48=off,sv57=off", guest=HELLO, expect=BANNER + [
        r"^rvh: hart 0 has H but no Sv39x4 G-stage translation: cannot host guests$",
        r"^rvh: power off \(failure\)$"], forbid=NO_BUG + [r"^vmm: vm0", r"ok \d+ - "])),
    ("offsets-guard", case_offsets_guard),
    ("hello", qemu_case(guest=HELLO, expect=BANNER + [
        r"^vmm: vm0: 128 MiB at 0x80000000 \(host 0x[0-9a-f]+\), entry 0x80200000, device tree 0x87e00000",
        r"^ok \d+ - ", r"^# guest hello: \d+ passed, 0 failed$",
        r"^vmm: vm0: shutdown \(reason: none\) by hart 0 after \d+ exits$",
        r"^vmm: vm0: hypercall echo: 1000 calls in sequence, 1 out of sequence$",
        r"^vmm: all VMs stopped$", r"^rvh: power off \(success\)$"],
        forbid=NO_BUG + [r"^not ok", r"stopped:"])),
    ("hello-mem64", qemu_case(guest=HELLO, bootargs="mem=64M", expect=[
        r"^vmm: vm0: 64 MiB at 0x80000000 \(host 0x[0-9a-f]+\), entry 0x80200000, device tree 0x83e00000",
        r"^vmm: vm0: shutdown \(reason: none\)", r"^rvh: power off \(success\)$"],
        forbid=NO_BUG)),
    ("bad-mem", qemu_case(guest=HELLO, bootargs="mem=3M", expect=[
        r"^rvh: panic: cannot read the boot configuration", r"^rvh: power off \(failure\)$"])),
    ("guest-fault", case_guest_fault),
    ("sbi", qemu_case(guest="build/guests/sbi.bin", expect=SBI_GUEST + [
        r"^# one vCPU: the suspend checks on a secondary hart need two$",
        r"^vmm: vm0: exits: sbi \d+, timer 0, tick \d+, external 0, software 0, guest-page fault 0, "
        r"virtual instruction 0, other 0$"],
        forbid=NO_BUG + [r"not ok", r"SPANEND!", r"stopped:"])),
    ("sbi-smp4", qemu_case(guest="build/guests/sbi.bin", smp=4, expect=SBI_GUEST + [
        r"^sbi: checking the SBI, hart 0 of 4, ",
        r"^ok \d+ - hart 1: HSM hart_suspend\(0xffffffff80000000 = default non-retentive, "
        r"secondary_entry, 0x5ec2\) resumed at resume_addr"],
        forbid=NO_BUG + [r"not ok", r"SPANEND!", r"stopped:", r"one vCPU"], timeout=90)),
    ("smp", qemu_case(guest="build/guests/smp.bin", smp=4, expect=[
        r"^smp: 4 vCPUs$", r"^# guest smp: 76 passed, 0 failed$",
        r"^vmm: vm0: shutdown \(reason: none\) by hart 0 after \d+ exits$",
        r"^vmm: vm0: exits: .* virtual instruction 0, other 0$",
        r"^rvh: power off \(success\)$"],
        forbid=NO_BUG + [r"^not ok", r"stopped:"], timeout=120)),
    ("smp-shared", qemu_case(guest="build/guests/smp.bin", smp=1, bootargs="vcpus=4", expect=[
        r"^smp: 4 vCPUs$", r"^# guest smp: 76 passed, 0 failed$",
        r"^vmm: vm0: exits: .* software 0, guest-page fault 0, virtual instruction [1-9]\d*, other 0$",
        r"^rvh: power off \(success\)$"],
        forbid=NO_BUG + [r"^not ok", r"stopped:"], timeout=120)),
    ("mmio", qemu_case(guest="build/guests/mmio.bin", bootargs="testdev", expect=[
        r"^mmio: testing device accesses, hart 0, device tree at 0x[0-9a-f]+$",
        r"^uart: hello through the emulated 16550$",
        r"^# guest mmio: \d+ passed, 0 failed$",
        r"^vmm: vm0: shutdown \(reason: none\)",
        r"^vmm: vm0: exits: sbi \d+, timer 0, tick \d+, external 0, software 0, guest-page fault [1-9]\d*, ",
        r"^vmm: all VMs stopped$", r"^rvh: power off \(success\)$"],
        forbid=NO_BUG + [r"^not ok", r"stopped:"])),
    ("mmio-no-testdev", qemu_case(guest="build/guests/mmio.bin", expect=[
        r"^guest mmio: unexpected trap: scause=0x5 sepc=0x[0-9a-f]+ stval=0x10001000$",
        r"^vmm: vm0: shutdown \(reason: system failure\)", r"^rvh: power off \(failure\)$"],
        forbid=NO_BUG + [r"stopped:"])),
    ("uboot", case_uboot),
    ("reboot", qemu_case(guest="build/guests/reboot.bin", expect=[
        r"^reboot: first boot, hart 0; asking for a cold reboot$", r"^vmm: vm0: reboot$",
        r"^reboot: boot number 2$", r"^# guest reboot: 3 passed, 0 failed$",
        r"^vmm: vm0: shutdown \(reason: none\)", r"^rvh: power off \(success\)$"],
        forbid=NO_BUG + [r"^not ok", r"stopped:"])),
    ("hostile-mem", hostile_case("hostile-mem", [
        r"^ok \d+ - scan of 0-4 GiB by the MiB: \d+ accesses, all access faults",
        r"^ok \d+ - canary: 126 MiB of guest RAM"])),
    ("hostile-insn", hostile_case("hostile-insn", [
        r"^ok \d+ - 100000 wfi with the timer pending", r"^ok \d+ - csrr hstatus"])),
    ("hostile-sbi", hostile_case("hostile-sbi", [
        r"^ok \d+ - sweep: 100000 random calls returned a valid SBI error",
        r"^hostile-sbi: the console still prints$"], bootargs="")),
    ("hostile-reboot", hostile_case("hostile-reboot", [
        r"^# guest hostile-reboot: 3 passed, 0 failed$", r"^vmm: vm0: reboot$",
        r"^# guest hostile-reboot: 4 passed, 0 failed$",
        r"^hostile-reboot: boot number 2, hart 0$",
        "".join(r"^intact %02d/32 the quick brown fox jumps over the lazy dog 0123456789\n" % i
                for i in range(1, 33))])),
    ("hostile-vector", case_hostile_vector),
    ("linux", linux_case()),
    ("linux-max", linux_case(cpu="max")),
    ("linux-smp4", linux_case(4, smp=4)),
    ("linux-smp-shared", case_linux_shared),
    ("two-vms", case_two_vms),
    ("uboot-linux", case_uboot_linux),
    ("console-focus", case_console_focus),
    ("linux-sstc-off", case_linux_sstc_off),
    ("timer-sstc", timer_case(sstc=True)),
    ("timer-emulated", timer_case(sstc=False)),
    ("irq", case_irq),
    ("bench-smoke", case_bench_smoke),
    ("gdb", case_gdb),
    ("trap-dump", case_trap_dump),
    ("labs", case_labs),
    ("dist-labs", case_dist_labs),
]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--only", help="comma-separated case names")
    ap.add_argument("--list", action="store_true")
    args = ap.parse_args()
    if args.list:
        print("\n".join(name for name, _ in CASES))
        return 0
    chosen = CASES
    if args.only:
        names = args.only.split(",")
        chosen = [c for c in CASES if c[0] in names]
        chosen += [(n, unit_case(n[5:])) for n in names if re.fullmatch(r"unit:test_\w+", n)]
    os.makedirs(LOGS, exist_ok=True)
    passed = failed = 0
    for name, fn in chosen:
        log = os.path.join(LOGS, name.replace(":", "-") + ".log")
        open(log, "w").close()
        t0 = time.time()
        try:
            fn(log)
            passed += 1
            print("ok    %-14s %6.1fs" % (name, time.time() - t0), flush=True)
        except Exception as e:           # a broken case is a failed case, never a crash
            failed += 1
            with open(log, errors="replace") as f:      # a lab's stub says what is missing
                stub = re.search(r"^LAB \d+: not implemented: .*$", f.read(), re.M)
            print("FAIL  %-14s %6.1fs  %s%s" % (name, time.time() - t0, e,
                                                 "\n      " + stub.group(0) if stub else ""), flush=True)
            print("      log: %s (last lines below)" % os.path.relpath(log, TOP))
            with open(log, errors="replace") as f:
                for line in f.readlines()[-25:]:
                    print("      | " + line.rstrip())
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
