#!/usr/bin/env python3
"""Write the seed corpora tests/fuzz/corpus/NAME/ and the inputs of the known
bugs tests/fuzz/known/NAME/: a few inputs per harness that reach each part of
the code, in the input layout the harness reads (see each fuzz_NAME.c).

    python3 tests/fuzz/mkseeds.py      (from the top of the tree; needs dtc)

The files are committed; run this again only when a harness's layout changes.
"""
import os
import struct
import subprocess

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def put(kind, name, data):
    d = os.path.join(TOP, "tests", "fuzz", kind)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def u64(v):
    return struct.pack("<Q", v & (2**64 - 1))


# ---- insn: records of htinst (8), instruction word (4), address offset (1)
def insn_rec(htinst, word, off=0):
    return u64(htinst) + struct.pack("<I", word) + bytes([off])


put("corpus/insn", "loads-stores", b"".join([
    insn_rec(0x3303, 0x00053303),          # ld t1, 0(a0); htinst = transformed ld
    insn_rec(0x0, 0x00b52023),             # sw a1, 0(a0)
    insn_rec(0x2000, 0x00054583),          # lbu; htinst = a pseudoinstruction
    insn_rec(0x1_0000_3303, 0x4188),       # c.lw a0, 0(a1); htinst beyond 32 bits
    insn_rec(0x2081, 0xe008, 5),           # transformed c.lw s1; c.sd
    insn_rec(0x0, 0x4502 | 0x6502 << 16),  # c.lwsp a0 / c.ldsp a0
]))
put("corpus/insn", "others", b"".join([
    insn_rec(0x3020, 0x00000013),          # addi x0; htinst = RV64 VS-stage walk
    insn_rec(0x3, 0x0000702f),             # an AMO (opcode 0x2f)
    insn_rec(0x7, 0x00007007),             # a floating-point load
]))

# ---- sbi: header, then exit records
EIDS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0x0f, 0x10, 0x11, 0x54494D45, 0x735049, 0x52464E43,
        0x48534D, 0x53525354, 0x4442434E, 0x0A525648, 0x504D55]
RAM = 0x80000000


def sbi_header(flags=0, ram=b"", ram_off=0x200, text=b""):
    return (bytes([flags]) + struct.pack("<H", 0) + struct.pack("<H", ram_off) +
            bytes([len(ram)]) + ram + bytes([len(text)]) + text)


def ecall(eid, fid, *args):
    esel = EIDS.index(eid) if eid in EIDS else 0xff
    fsel = fid if fid < 8 else 0xff
    rec = bytes([0, esel, fsel]) + struct.pack("<H", 0)       # kind 0: an ecall; raw args
    if esel == 0xff:
        rec += u64(eid)
    if fsel == 0xff:
        rec += u64(fid)
    args = list(args) + [0] * (6 - len(args))
    return rec + b"".join(u64(a) for a in args)


def page_fault(store, htinst, gpa, value=0x1122334455667788):
    how = 2                                 # htinst: 8 bytes, htval: 2 bytes, sepc: RAM
    rec = bytes([0xa0 | (1 if store else 0), how]) + u64(htinst)
    rec += struct.pack("<H", (gpa >> 2) & 0xffff) + u64(gpa & 3)
    rec += struct.pack("<8H", 0x3303, 0x0005, 0x4188, 0, 0, 0, 0, 0)   # ld t1; c.lw
    rec += bytes(range(1, 32)) + u64(value)
    return rec


DBCN, HSM, RFENCE, SRST, BASE = 0x4442434E, 0x48534D, 0x52464E43, 0x53525354, 0x10
put("corpus/sbi", "base-time-ipi", sbi_header() + b"".join([
    ecall(BASE, 0), ecall(BASE, 3, DBCN), ecall(BASE, 4), ecall(BASE, 9),
    ecall(0x54494D45, 0, 12345), ecall(0x735049, 0, 1, 0), ecall(0x12345678, 0),
    ecall(0, 0, 777), ecall(3, 0), ecall(4, 0, RAM + 0x200), ecall(4, 0, 0),
]))
put("corpus/sbi", "dbcn", sbi_header(ram=b"hello, world", text=b"ab") + b"".join([
    ecall(DBCN, 2, ord("h")), ecall(DBCN, 0, 12, RAM + 0x200, 0),
    ecall(DBCN, 0, 1000, RAM, 0), ecall(DBCN, 0, 16, RAM + 0x10000 - 8, 0),
    ecall(DBCN, 1, 2, RAM + 0x300, 0), ecall(DBCN, 1, 8, 0x1000, 0), ecall(1, 0, ord("!")),
    ecall(2, 0),
]))
put("corpus/sbi", "hsm-srst", sbi_header(flags=0x30) + b"".join([
    ecall(HSM, 0, 1, RAM + 0x40, 42), ecall(HSM, 2, 3), ecall(HSM, 3, 0),
    ecall(HSM, 3, 0x80000000, RAM + 0x40, 0x1234), ecall(HSM, 3, 0x80000000, 0x1000),
    ecall(HSM, 3, 1), ecall(HSM, 1), ecall(SRST, 0, 0, 0), ecall(SRST, 0, 2, 0xf0000001),
    ecall(SRST, 0, 3), ecall(8, 0),
]))
put("corpus/sbi", "rfence", sbi_header() + b"".join([
    ecall(RFENCE, 0, 1, 0), ecall(RFENCE, 1, 1, 0, 0x80200000, 8192),
    ecall(RFENCE, 2, 1, 0, 0x80200000, 4096, 7), ecall(RFENCE, 1, 1, 0, 2**64 - 4096, 8192),
    ecall(RFENCE, 1, 1, 0, 5, 2**64 - 1), ecall(RFENCE, 3, 1, 0),
    ecall(6, 0, 0, 0x1000, 0x2000), ecall(7, 0, RAM + 0x200, 0x1000, 0x2000, 9),
]))
put("corpus/sbi", "mmio", sbi_header(flags=2) + b"".join([
    page_fault(False, 0x3303, 0x10000000), page_fault(True, 0x00b52023 & ~0 | 0, 0x10000004),
    page_fault(False, 0, 0x10000001), page_fault(True, 0x2000, 0x10000008),
    bytes([0xc1]) + u64(5 | 0) + u64(0), bytes([0xc2, 9]) + u64(0),
]))
# The known bugs (tests/fuzz/known/README): each fails under FUZZ_STRICT=1.
put("known/sbi", "dbcn-read-zeroes", sbi_header(ram=b"\x55" * 16, ram_off=0x300) +
    ecall(DBCN, 1, 8, RAM + 0x300, 0))
put("known/sbi", "rfence-last-page", sbi_header() +
    ecall(RFENCE, 1, 1, 0, 2**64 - 0x800, 0x7ff))
put("known/sbi", "rfence-legacy-wrap", sbi_header() +
    ecall(6, 0, 0, 2**64 - 0x100, 0x200))

# ---- fdt: mode 0 = reader (path length, path, blob); mode 1 = writer (cap, calls)
dtb = subprocess.run(["dtc", "-I", "dts", "-O", "dtb", "-o", "-",
                      os.path.join(TOP, "tests", "unit", "fdt-test.dts")],
                     check=True, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL).stdout
put("corpus/fdt", "reader-test-dtb", b"\x00" + bytes([len(b"cpus/cpu@0")]) + b"cpus/cpu@0" + dtb)
put("corpus/fdt", "reader-memory", b"\x00\x06memory" + dtb)


def wcall(op, a=0, b=0):
    return bytes([op, a, b])


put("corpus/fdt", "writer", b"\x01\x04\x00" + b"".join([
    wcall(0, 0), wcall(2, 1, 4), wcall(3, 0, 8), wcall(2, 2, 5), wcall(0, 3, 1),
    wcall(3, 3, 0), wcall(2, 0, 4), wcall(1), wcall(0, 5, 2), wcall(1), wcall(1),
]))
put("corpus/fdt", "writer-small", b"\x01\x00\x40" + wcall(0, 0) + wcall(2, 4, 12) + wcall(1))

# ---- uart: records of (op, value): op bits 5:4 = read, write, receive, host input
R, W, RX, HOST = 0x00, 0x10, 0x20, 0x30
put("corpus/uart", "setup-and-echo", bytes([
    W | 3, 0x83, W | 0, 0x01, W | 1, 0x00, W | 3, 0x03, W | 2, 0x07, W | 4, 0x0b,
    W | 1, 0x07, R | 2, 0, W | 0, ord("h"), R | 2, 0, R | 5, 0, HOST, ord("x"),
    HOST, ord("y"), R | 5, 0, R | 0, 0, R | 0, 0, R | 0, 0, R | 6, 0, W | 7, 0x5a, R | 7, 0,
]))
put("corpus/uart", "loopback-overrun", bytes([W | 4, 0x1f, W | 1, 0x05]) +
    bytes([W | 0, 0x41] * 18) + bytes([R | 2, 0, R | 5, 0, R | 5, 0, R | 6, 0]) +
    bytes([RX, 0x42] * 3) + bytes([W | 2, 0x03, R | 0, 0, W | 2, 0x00, R | 9, 0]))

# ---- vplic: contexts, then records (op, index[, width][, misalign], value 4 bytes)
def plic(write, kind, index, value=0):
    return bytes([(0x20 if write else 0) | kind, index]) + struct.pack("<I", value)


def line(src, level):
    return bytes([0xc0 | (0x20 if level else 0) | src])


put("corpus/vplic", "claim-complete", bytes([2]) + b"".join([
    plic(True, 0, 1, 1), plic(True, 0, 10, 5), plic(True, 0, 3, 5),
    plic(True, 2, 1, (1 << 1) | (1 << 10) | (1 << 3)), plic(True, 3, 1, 0),
    line(1, True), line(10, True), line(3, True), plic(False, 1, 0),
    plic(False, 4, 1), plic(False, 4, 1), plic(True, 4, 1, 3), plic(False, 4, 1),
    line(3, False), plic(True, 4, 1, 3), plic(True, 4, 1, 10), plic(False, 4, 0),
    plic(True, 3, 1, 7), plic(False, 3, 1), plic(False, 2, 1), plic(False, 0, 10),
]))
put("corpus/vplic", "bad-accesses", bytes([9]) + b"".join([
    bytes([0x08, 1, 2]) + struct.pack("<I", 0), bytes([0x10, 1, 3]) + struct.pack("<I", 0),
    bytes([0x26]) + b"\x00" + struct.pack("<I", 0x4000000) + struct.pack("<I", 1),
    plic(True, 5, 0x21, 1), plic(False, 1, 1),
]))
