/*
 * mmio: checks RVH's emulation of device accesses (chapter "Devices:
 * guest-page faults as MMIO").  Run with the boot argument testdev:
 *
 *   make qemu GUEST=build/guests/mmio.bin BOOTARGS=testdev
 *
 * The VM then has two devices: an NS16550A UART at 0x10000000 (byte
 * registers) and a 4 KiB scratch device at 0x10001000 that stores what is
 * written to it, little-endian, at every naturally aligned width.  Every
 * other address outside RAM answers with an access fault.  The guest
 *   1. stores and loads every width with the 32-bit instructions, signed
 *      and unsigned, on the scratch device;
 *   2. does the same with the compressed forms, sp-based ones included;
 *   3. loads into x0;
 *   4. checks the UART's scratch, line status, divisor latch and interrupt
 *      enable registers;
 *   5. prints "uart: hello through the emulated 16550" through the UART's
 *      transmit register;
 *   6. with its own trap vector (fault.S), expects access faults for loads,
 *      stores and fetches where nothing is, for misaligned accesses, AMOs
 *      and FP loads on the scratch device, and for a 4-byte UART access;
 *   7. checks that none of those faults changed the scratch device.
 *
 * The accesses are written in inline assembly, so that the instruction
 * under test is exactly the one named, never one the compiler or the
 * assembler picked: ".option norvc" keeps the assembler from compressing
 * the 32-bit forms, ".option rvc" with c.* mnemonics gives the 16-bit ones.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "fault.h"
#include "guest.h"

#define UART_BASE       0x10000000UL
#define TESTDEV_BASE    0x10001000UL
#define TESTDEV_SIZE    0x1000UL
#define NO_DEVICE       0x20000000UL    /* neither RAM nor a device */
#define NO_DEVICE_NEAR  0x10003000UL    /* a hole next to the devices */

#define SSTATUS_SIE         (1UL << 1)
#define SSTATUS_FS_INITIAL  (1UL << 13)     /* FS = 1 (Priv. spec §4.1.1.5) */
#define SSTATUS_FS          (3UL << 13)

#define DEV(off)        (TESTDEV_BASE + (off))

/* --- One access, one instruction ------------------------------------------ */

/* load_lb(addr) is exactly one "lb rd, 0(rs1)", 32 bits wide; and so on. */
#define DEFINE_LOAD(name, insn)                                                 \
    static inline uint64_t name(uintptr_t addr)                                 \
    {                                                                           \
        uint64_t v;                                                             \
        __asm__ volatile(".option push\n.option norvc\n"                        \
                         insn " %0, 0(%1)\n.option pop"                         \
                         : "=r"(v) : "r"(addr) : "memory");                     \
        return v;                                                               \
    }
#define DEFINE_STORE(name, insn)                                                \
    static inline void name(uintptr_t addr, uint64_t v)                         \
    {                                                                           \
        __asm__ volatile(".option push\n.option norvc\n"                        \
                         insn " %0, 0(%1)\n.option pop"                         \
                         :: "r"(v), "r"(addr) : "memory");                      \
    }
DEFINE_LOAD(load_lb, "lb")
DEFINE_LOAD(load_lbu, "lbu")
DEFINE_LOAD(load_lh, "lh")
DEFINE_LOAD(load_lhu, "lhu")
DEFINE_LOAD(load_lw, "lw")
DEFINE_LOAD(load_lwu, "lwu")
DEFINE_LOAD(load_ld, "ld")
DEFINE_STORE(store_sb, "sb")
DEFINE_STORE(store_sh, "sh")
DEFINE_STORE(store_sw, "sw")
DEFINE_STORE(store_sd, "sd")

/* --- 1. The test device with 32-bit instructions -------------------------- */

static void check_zeroed(void)
{
    unsigned long nonzero = 0, first = 0;
    for (unsigned long off = 0; off < TESTDEV_SIZE; off += 8) {
        uint64_t v = load_ld(DEV(off));
        if (v != 0 && nonzero++ == 0)
            first = off;
    }
    ok(nonzero == 0, "test device at 0x%lx starts zeroed (%lu nonzero dwords, first at +0x%lx)",
       TESTDEV_BASE, nonzero, first);
}

static void check_bytes(void)
{
    store_sb(DEV(0x100), 0x80);
    store_sb(DEV(0x101), 0x7f);
    store_sb(DEV(0x102), 0x1234);           /* only the low byte is stored */
    uint64_t b0 = load_lb(DEV(0x100)), u0 = load_lbu(DEV(0x100));
    uint64_t b1 = load_lb(DEV(0x101)), u2 = load_lbu(DEV(0x102));
    ok(b0 == 0xffffffffffffff80UL && u0 == 0x80 && b1 == 0x7f && u2 == 0x34,
       "sb/lb/lbu: lb 0x80 -> 0xffffffffffffff80 (got 0x%lx), lbu 0x80 -> 0x80 (got 0x%lx), "
       "lb 0x7f -> 0x7f (got 0x%lx), sb 0x1234 stores 0x34 (got 0x%lx)", b0, u0, b1, u2);
}

static void check_halves(void)
{
    store_sh(DEV(0x110), 0x8001);
    store_sh(DEV(0x112), 0x7ffe);
    store_sh(DEV(0x114), 0xabcd1234);       /* only the low half is stored */
    uint64_t h0 = load_lh(DEV(0x110)), u0 = load_lhu(DEV(0x110));
    uint64_t h1 = load_lh(DEV(0x112)), u2 = load_lhu(DEV(0x114));
    ok(h0 == 0xffffffffffff8001UL && u0 == 0x8001 && h1 == 0x7ffe && u2 == 0x1234,
       "sh/lh/lhu: lh 0x8001 -> 0xffffffffffff8001 (got 0x%lx), lhu -> 0x8001 (got 0x%lx), "
       "lh 0x7ffe -> 0x7ffe (got 0x%lx), sh 0xabcd1234 stores 0x1234 (got 0x%lx)",
       h0, u0, h1, u2);
}

static void check_words(void)
{
    store_sw(DEV(0x120), 0x80000001);
    store_sw(DEV(0x124), 0x7ffffffe);
    store_sw(DEV(0x128), 0x0123456789abcdefUL);     /* only the low word */
    uint64_t w0 = load_lw(DEV(0x120)), u0 = load_lwu(DEV(0x120));
    uint64_t w1 = load_lw(DEV(0x124)), u2 = load_lwu(DEV(0x128));
    ok(w0 == 0xffffffff80000001UL && u0 == 0x80000001 && w1 == 0x7ffffffe && u2 == 0x89abcdef,
       "sw/lw/lwu: lw 0x80000001 -> 0xffffffff80000001 (got 0x%lx), lwu -> 0x80000001 "
       "(got 0x%lx), lw 0x7ffffffe -> 0x7ffffffe (got 0x%lx), sw stores the low word "
       "0x89abcdef (got 0x%lx)", w0, u0, w1, u2);
}

/* One dword, then its parts: the device is little-endian. */
static void check_dword_parts(void)
{
    store_sd(DEV(0x130), 0x8877665544332211UL);
    uint64_t d = load_ld(DEV(0x130));
    ok(d == 0x8877665544332211UL, "sd/ld: 0x8877665544332211 (got 0x%lx)", d);

    unsigned long bad = 0;
    for (unsigned i = 0; i < 8; i++)
        bad += load_lbu(DEV(0x130 + i)) != 0x11UL * (i + 1);
    uint64_t b7 = load_lb(DEV(0x137)), h3 = load_lh(DEV(0x136)), hu3 = load_lhu(DEV(0x136));
    uint64_t w1 = load_lw(DEV(0x134)), wu0 = load_lwu(DEV(0x130)), h0 = load_lh(DEV(0x130));
    ok(bad == 0 && b7 == 0xffffffffffffff88UL && h3 == 0xffffffffffff8877UL && hu3 == 0x8877 &&
       w1 == 0xffffffff88776655UL && wu0 == 0x44332211 && h0 == 0x2211,
       "little-endian parts of 0x8877665544332211: lbu +0..7 = 0x11..0x88 (%lu wrong), "
       "lb +7 0x%lx, lh +6 0x%lx, lhu +6 0x%lx, lw +4 0x%lx, lwu +0 0x%lx, lh +0 0x%lx",
       bad, b7, h3, hu3, w1, wu0, h0);
}

/* Narrow stores make up a dword, and leave their neighbours alone. */
static void check_compose(void)
{
    for (unsigned i = 0; i < 8; i++)
        store_sb(DEV(0x140 + i), 0xf0 | i);
    for (unsigned i = 0; i < 4; i++)
        store_sh(DEV(0x150 + 2 * i), 0xa000 | i);
    store_sw(DEV(0x160), 0xdeadbeef);
    store_sw(DEV(0x164), 0x0badf00d);
    uint64_t bytes = load_ld(DEV(0x140)), halves = load_ld(DEV(0x150)), words = load_ld(DEV(0x160));
    ok(bytes == 0xf7f6f5f4f3f2f1f0UL && halves == 0xa003a002a001a000UL &&
       words == 0x0badf00ddeadbeefUL,
       "sb x8, sh x4, sw x2 read as one ld: 0x%lx, 0x%lx, 0x%lx", bytes, halves, words);

    store_sd(DEV(0x170), ~0UL);
    store_sb(DEV(0x173), 0);
    store_sh(DEV(0x176), 0x1234);
    uint64_t mixed = load_ld(DEV(0x170));
    ok(mixed == 0x1234ffff00ffffffUL,
       "sb and sh into 0xffffffffffffffff change only their bytes: 0x1234ffff00ffffff "
       "(got 0x%lx)", mixed);
}

static void check_store_x0(void)
{
    store_sd(DEV(0x180), 0xcafef00ddeadbeefUL);
    __asm__ volatile(".option push\n.option norvc\nsw x0, 0(%0)\n.option pop"
                     :: "r"(DEV(0x180)) : "memory");
    uint64_t d = load_ld(DEV(0x180));
    ok(d == 0xcafef00d00000000UL, "sw x0 stores zero: 0xcafef00d00000000 (got 0x%lx)", d);
}

/* The last dword of the device, and its last byte. */
static void check_end(void)
{
    store_sd(DEV(TESTDEV_SIZE - 8), 0xfedcba9876543210UL);
    uint64_t d = load_ld(DEV(TESTDEV_SIZE - 8)), b = load_lbu(DEV(TESTDEV_SIZE - 1));
    ok(d == 0xfedcba9876543210UL && b == 0xfe,
       "last dword at +0x%lx: 0xfedcba9876543210 (got 0x%lx), last byte 0xfe (got 0x%lx)",
       TESTDEV_SIZE - 8, d, b);
}

/* --- 2. Compressed forms ---------------------------------------------------- */

/* c.sw, c.lw, c.sd, c.ld take their registers from x8..x15: a0..a3 are
   x10..x13.  The offsets are the largest each encoding has (Unpriv. spec
   §16.3), so that every immediate bit counts. */
static void c_word_dword(uintptr_t base, uint64_t w, uint64_t d, uint64_t *gw, uint64_t *gd)
{
    register uintptr_t a0 __asm__("a0") = base;
    register uint64_t a1 __asm__("a1") = w;
    register uint64_t a2 __asm__("a2") = d;
    register uint64_t a3 __asm__("a3");
    register uint64_t a4 __asm__("a4");
    __asm__ volatile(".option push\n.option rvc\n"
                     "c.sw %[w], 124(%[b])\n"
                     "c.sd %[d], 248(%[b])\n"
                     "c.lw %[gw], 124(%[b])\n"
                     "c.ld %[gd], 248(%[b])\n"
                     ".option pop"
                     : [gw] "=&r"(a3), [gd] "=&r"(a4)
                     : [b] "r"(a0), [w] "r"(a1), [d] "r"(a2)
                     : "memory");
    *gw = a3;
    *gd = a4;
}

/* c.swsp, c.lwsp, c.sdsp, c.ldsp address through sp: for these four
   instructions sp points at the device, with interrupts off (they are off
   anyway; a trap here would reach the common vector, which does not use
   the guest's sp).  t0 keeps the real sp. */
static void c_sp(uintptr_t base, uint64_t w, uint64_t d, uint64_t *gw, uint64_t *gd)
{
    uint64_t rw, rd;
    __asm__ volatile(".option push\n.option rvc\n"
                     "csrrci t1, sstatus, 2\n"
                     "mv     t0, sp\n"
                     "mv     sp, %[b]\n"
                     "c.swsp %[w], 252(sp)\n"
                     "c.sdsp %[d], 504(sp)\n"
                     "c.lwsp %[gw], 252(sp)\n"
                     "c.ldsp %[gd], 504(sp)\n"
                     "mv     sp, t0\n"
                     "andi   t1, t1, 2\n"
                     "csrs   sstatus, t1\n"
                     ".option pop"
                     : [gw] "=&r"(rw), [gd] "=&r"(rd)
                     : [b] "r"(base), [w] "r"(w), [d] "r"(d)
                     : "t0", "t1", "memory");
    *gw = rw;
    *gd = rd;
}

static void check_compressed(void)
{
    uint64_t gw, gd;
    c_word_dword(DEV(0x200), 0x80000002, 0x8000000000000003UL, &gw, &gd);
    uint64_t w32 = load_lwu(DEV(0x200 + 124)), d32 = load_ld(DEV(0x200 + 248));
    ok(gw == 0xffffffff80000002UL && gd == 0x8000000000000003UL &&
       w32 == 0x80000002 && d32 == 0x8000000000000003UL,
       "c.sw/c.lw 0x80000002 at +124 -> 0xffffffff80000002 (got 0x%lx; lwu 0x%lx), "
       "c.sd/c.ld 0x8000000000000003 at +248 (got 0x%lx; ld 0x%lx)", gw, w32, gd, d32);

    store_sw(DEV(0x400 + 124), 0x7fff0004);     /* 32-bit stores, compressed loads */
    store_sd(DEV(0x400 + 248), 0x0000000500000006UL);
    c_word_dword(DEV(0x400), 0x7fff0004, 0x0000000500000006UL, &gw, &gd);
    ok(gw == 0x7fff0004 && gd == 0x0000000500000006UL,
       "c.lw of a positive word 0x7fff0004 (got 0x%lx), c.ld 0x500000006 (got 0x%lx)", gw, gd);

    c_sp(DEV(0x600), 0x80000007, 0x0123456789abcdefUL, &gw, &gd);
    w32 = load_lwu(DEV(0x600 + 252));
    d32 = load_ld(DEV(0x600 + 504));
    ok(gw == 0xffffffff80000007UL && gd == 0x0123456789abcdefUL &&
       w32 == 0x80000007 && d32 == 0x0123456789abcdefUL,
       "c.swsp/c.lwsp 0x80000007 at sp+252 -> 0xffffffff80000007 (got 0x%lx; lwu 0x%lx), "
       "c.sdsp/c.ldsp 0x0123456789abcdef at sp+504 (got 0x%lx; ld 0x%lx)", gw, w32, gd, d32);
}

/* --- 3. A load into x0 ------------------------------------------------------ */

/* The loads' values go nowhere; every other register keeps its value (a
   decoder that got rd wrong would clobber one of them). */
static void check_load_x0(void)
{
    store_sd(DEV(0x800), 0x5555aaaa5555aaaaUL);
    register uint64_t a0 __asm__("a0") = DEV(0x800);
    register uint64_t a1 __asm__("a1") = 0x1111;
    register uint64_t a2 __asm__("a2") = 0x2222;
    register uint64_t t0 __asm__("t0") = 0x3333;
    register uint64_t t1 __asm__("t1") = 0x4444;
    __asm__ volatile(".option push\n.option norvc\n"
                     "lw  x0, 0(%[b])\n"
                     "ld  x0, 0(%[b])\n"
                     "lbu x0, 7(%[b])\n"
                     ".option pop"
                     : [b] "+r"(a0), "+r"(a1), "+r"(a2), "+r"(t0), "+r"(t1)
                     :: "memory");
    uint64_t r[5] = { a0, a1, a2, t0, t1 };
    uint64_t d = load_ld(DEV(0x800));
    ok(r[0] == DEV(0x800) && r[1] == 0x1111 && r[2] == 0x2222 && r[3] == 0x3333 &&
       r[4] == 0x4444 && d == 0x5555aaaa5555aaaaUL,
       "lw/ld/lbu into x0 discard the value (a0 0x%lx a1 0x%lx a2 0x%lx t0 0x%lx t1 0x%lx "
       "kept; device still 0x%lx)", r[0], r[1], r[2], r[3], r[4], d);
}

/* --- 4. The UART's registers ------------------------------------------------- */

#define UART_THR    0       /* write; DLL when LCR.DLAB */
#define UART_IER    1       /* DLM when LCR.DLAB */
#define UART_LCR    3
#define UART_LSR    5
#define UART_SCR    7
#define LCR_DLAB    0x80
#define LSR_THRE    0x20
#define LSR_TEMT    0x40

static uint8_t uart_in(unsigned reg) { return (uint8_t)load_lbu(UART_BASE + reg); }
static void uart_out(unsigned reg, uint8_t v) { store_sb(UART_BASE + reg, v); }

static void check_uart_regs(void)
{
    static const uint8_t values[] = { 0x00, 0x55, 0xaa, 0xff };
    unsigned bad = 0;
    uint8_t got[4];
    for (unsigned i = 0; i < 4; i++) {
        uart_out(UART_SCR, values[i]);
        got[i] = uart_in(UART_SCR);
        bad += got[i] != values[i];
    }
    ok(bad == 0, "UART SCR reads back 0x00 0x55 0xaa 0xff (got 0x%02x 0x%02x 0x%02x 0x%02x)",
       got[0], got[1], got[2], got[3]);

    uint8_t lsr = uart_in(UART_LSR);
    ok((lsr & (LSR_THRE | LSR_TEMT)) == (LSR_THRE | LSR_TEMT),
       "UART LSR has THRE and TEMT (0x60) set (got 0x%02x)", lsr);

    uint8_t lcr = uart_in(UART_LCR), ier = uart_in(UART_IER);
    uart_out(UART_IER, 0x05);
    uart_out(UART_LCR, lcr | LCR_DLAB);
    uint8_t lcr_dlab = uart_in(UART_LCR);
    uint8_t dll = uart_in(UART_THR), dlm = uart_in(UART_IER);
    uart_out(UART_THR, 0x5a);
    uart_out(UART_IER, 0xa5);
    uint8_t dll2 = uart_in(UART_THR), dlm2 = uart_in(UART_IER);
    uart_out(UART_THR, dll);                    /* the divisor as it was */
    uart_out(UART_IER, dlm);
    uart_out(UART_LCR, lcr & ~LCR_DLAB);
    uint8_t lcr2 = uart_in(UART_LCR), ier2 = uart_in(UART_IER);
    uart_out(UART_IER, ier);
    uart_out(UART_LCR, lcr);
    ok(lcr_dlab == (lcr | LCR_DLAB) && dll2 == 0x5a && dlm2 == 0xa5,
       "UART with LCR.DLAB: LCR 0x%02x (got 0x%02x), DLL 0x5a (got 0x%02x), DLM 0xa5 "
       "(got 0x%02x)", lcr | LCR_DLAB, lcr_dlab, dll2, dlm2);
    ok(lcr2 == (lcr & ~LCR_DLAB) && ier2 == 0x05,
       "UART after DLAB: LCR 0x%02x (got 0x%02x), IER keeps 0x05 (got 0x%02x)",
       lcr & ~LCR_DLAB, lcr2, ier2);
}

/* --- 5. Printing through the UART ------------------------------------------- */

#define UART_POLLS  1000000     /* LSR reads per byte before giving up */

static void check_uart_print(void)
{
    static const char line[] = "uart: hello through the emulated 16550\n";
    unsigned long sent = 0, timeouts = 0;
    for (const char *p = line; *p; p++) {
        unsigned long n = 0;
        while (!(uart_in(UART_LSR) & LSR_THRE) && ++n < UART_POLLS)
            ;
        if (n == UART_POLLS)
            timeouts++;
        uart_out(UART_THR, (uint8_t)*p);
        sent++;
    }
    ok(timeouts == 0, "UART: %lu bytes written to THR, each after LSR.THRE (%lu timeouts)",
       sent, timeouts);
}

/* --- 6. Access faults, in the guest's own handler ---------------------------- */

static void expect_fault(const char *what, unsigned long cause, unsigned long addr,
                         unsigned long pc, unsigned long v)
{
    const volatile struct fault_record *r = &fault_record;
    ok(fault_was(cause, addr, pc, v),
       "%s 0x%lx: one trap (got %lu), scause %lu (got %ld), stval 0x%lx (got 0x%lx), "
       "sepc 0x%lx (got 0x%lx), register untouched (got 0x%lx)",
       what, addr, r->count, cause, (long)r->cause, addr, r->tval, pc, r->epc, v);
}

static void check_load_store_faults(void)
{
    unsigned long v, pc;

    v = SENTINEL;
    pc = FAULT_AT("ld %[v], 0(%[a])", NO_DEVICE, v);
    expect_fault("ld from nothing at", EXC_LOAD_ACCESS, NO_DEVICE, pc, v);

    v = SENTINEL;
    pc = FAULT_AT("sw %[v], 0(%[a])", NO_DEVICE_NEAR, v);
    expect_fault("sw to nothing at", EXC_STORE_ACCESS, NO_DEVICE_NEAR, pc, v);

    v = SENTINEL;
    pc = FAULT_AT("lw %[v], 0(%[a])", DEV(2), v);
    expect_fault("misaligned lw on the test device at", EXC_LOAD_ACCESS, DEV(2), pc, v);

    v = SENTINEL;
    pc = FAULT_AT("sd %[v], 0(%[a])", DEV(4), v);
    expect_fault("misaligned sd on the test device at", EXC_STORE_ACCESS, DEV(4), pc, v);

    v = SENTINEL;
    pc = FAULT_AT("amoadd.w %[v], %[v], (%[a])", DEV(0), v);
    expect_fault("amoadd.w on the test device at", EXC_STORE_ACCESS, DEV(0), pc, v);

    v = SENTINEL;
    pc = FAULT_AT("lw %[v], 0(%[a])", UART_BASE, v);
    expect_fault("4-byte lw from the UART at", EXC_LOAD_ACCESS, UART_BASE, pc, v);

    /* FP loads and stores need sstatus.FS on (Priv. spec §4.1.1.5); the
       guest starts with it Off.  The assembler is told about F only here. */
    csr_set(sstatus, SSTATUS_FS_INITIAL);
    v = SENTINEL;
    pc = FAULT_AT(".option arch, +f\nflw ft0, 0(%[a])", DEV(0), v);
    expect_fault("flw from the test device at", EXC_LOAD_ACCESS, DEV(0), pc, v);
    v = SENTINEL;
    pc = FAULT_AT(".option arch, +d\nfsd ft0, 0(%[a])", DEV(8), v);
    expect_fault("fsd to the test device at", EXC_STORE_ACCESS, DEV(8), pc, v);
    csr_clear(sstatus, SSTATUS_FS);
}

/* The same with compressed instructions: the handler must step over 2 bytes. */
static void check_compressed_faults(void)
{
    for (int store = 0; store <= 1; store++) {
        unsigned long pc, addr = store ? NO_DEVICE_NEAR : NO_DEVICE;
        fault_reset();              /* a call: before a0 and a1 are set */
        register unsigned long a0 __asm__("a0") = addr;
        register unsigned long a1 __asm__("a1") = SENTINEL;
        if (store)
            __asm__ volatile(".option push\n.option rvc\n"
                             "la %[pc], 1f\n"
                             "1: c.sd %[v], 8(%[a])\n"
                             ".option pop"
                             : [pc] "=&r"(pc), [v] "+r"(a1) : [a] "r"(a0) : "memory");
        else
            __asm__ volatile(".option push\n.option rvc\n"
                             "la %[pc], 1f\n"
                             "1: c.lw %[v], 4(%[a])\n"
                             ".option pop"
                             : [pc] "=&r"(pc), [v] "+r"(a1) : [a] "r"(a0) : "memory");
        unsigned long v = a1;
        expect_fault(store ? "c.sd to nothing at" : "c.lw from nothing at",
                     store ? EXC_STORE_ACCESS : EXC_LOAD_ACCESS,
                     addr + (store ? 8 : 4), pc, v);
    }
}

/* A jump to where there is no memory: the fault is taken at the target, so
   the handler cannot step over it; it resumes at the label after the jalr,
   which fault_fetch gives it in fault_record.recover. */
static void check_fetch_fault(void)
{
    unsigned long back = fault_fetch(NO_DEVICE);
    const volatile struct fault_record *r = &fault_record;
    ok(r->count == 1 && r->cause == EXC_INST_ACCESS && r->tval == NO_DEVICE &&
       r->epc == NO_DEVICE && r->recover == 0,
       "jump to nothing at 0x%lx: one trap (got %lu), scause 1 (got %ld), stval 0x%lx "
       "(got 0x%lx), sepc 0x%lx (got 0x%lx), back at 0x%lx",
       NO_DEVICE, r->count, (long)r->cause, NO_DEVICE, r->tval, NO_DEVICE, r->epc, back);
}

/* --- 7. What the faults left behind ------------------------------------------ */

static uint64_t snapshot[TESTDEV_SIZE / 8];

static void take_snapshot(void)
{
    store_sd(DEV(0), 0x0706050403020100UL);     /* where the faults aim */
    store_sd(DEV(8), 0x0f0e0d0c0b0a0908UL);
    for (unsigned long i = 0; i < TESTDEV_SIZE / 8; i++)
        snapshot[i] = load_ld(DEV(8 * i));
}

static void check_snapshot(void)
{
    unsigned long changed = 0, first = 0;
    for (unsigned long i = 0; i < TESTDEV_SIZE / 8; i++) {
        if (load_ld(DEV(8 * i)) != snapshot[i] && changed++ == 0)
            first = 8 * i;
    }
    uint64_t d0 = load_ld(DEV(0)), d1 = load_ld(DEV(8));
    ok(changed == 0 && d0 == 0x0706050403020100UL && d1 == 0x0f0e0d0c0b0a0908UL,
       "after the faults the test device is unchanged (%lu dwords changed, first at +0x%lx; "
       "+0 0x%lx, +8 0x%lx)", changed, first, d0, d1);
}

static void check_faults(void)
{
    take_snapshot();
    unsigned long common = fault_vector_on();
    check_load_store_faults();
    check_compressed_faults();
    check_fetch_fault();
    csr_write(stvec, common);
    check_snapshot();
}

int main(unsigned long hartid, unsigned long dtb)
{
    printf("mmio: testing device accesses, hart %lu, device tree at 0x%lx\n", hartid, dtb);
    check_zeroed();
    check_bytes();
    check_halves();
    check_words();
    check_dword_parts();
    check_compose();
    check_store_x0();
    check_end();
    check_compressed();
    check_load_x0();
    check_uart_regs();
    check_uart_print();
    check_faults();
    return tap_done();
}
