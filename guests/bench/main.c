/*
 * bench: what a VM exit costs, counted in instructions.
 *
 * Run under QEMU with -icount shift=0 (make bench), every instruction the
 * machine executes -- the guest's, the hypervisor's, the firmware's --
 * advances virtual time by exactly 1 ns.  The guest's clock, rdtime, counts
 * at the virt board's 10 MHz, so one tick is 100 instructions, wherever they
 * were executed.  Each case below runs one operation BENCH_N times in the
 * same loop (a call through a function pointer) and reads the clock before
 * and after; the loop with an empty operation is measured too and
 * subtracted, so what is left is the operation itself, with every exit it
 * causes.  One line per case:
 *
 *     bench: <case> <instructions per operation, one decimal> insns
 *     bench: <case> skipped (<why>)
 *
 * then "bench: done".  The first case, empty-loop, is the loop's own cost,
 * absolute; the others are differences from it.  Without -icount the numbers are nonsense (time then
 * follows the host's clock), but the lines keep their format: the test
 * bench-smoke builds this file with a small BENCH_N and checks just that.
 */
#include <stdint.h>
#include <stdio.h>
#include "guest.h"

#ifndef BENCH_N
#define BENCH_N             100000UL    /* iterations per case */
#endif

#define TIMEBASE_HZ         10000000UL  /* QEMU virt's time counter */
#define INSNS_PER_TICK      (1000000000UL / TIMEBASE_HZ)   /* icount shift=0 */

#define SBI_EXT_BASE        0x10        /* SBI spec v2.0 §4 */
#define SBI_BASE_SPEC_VERSION 0
#define SBI_EXT_TIME        0x54494D45  /* SBI spec v2.0 §6 */
#define SBI_TIME_SET_TIMER  0
#define FAR_AWAY            (~0UL - 1)  /* a deadline that never comes, but not "cancel" */

#define UART_SCR            0x10000007UL    /* the 16550's scratch register */

static inline unsigned long now(void)
{
    unsigned long t;
    __asm__ volatile("rdtime %0" : "=r"(t));
    return t;
}

/* --- The operations: each one call, the same loop around it ---------------- */

/* The ecall itself, with the registers the SBI convention wants (a7 = EID,
   a6 = FID, a0 = first argument); a0 and a1 come back. */
#define ECALL(eid, fid, arg0)                                                   \
    do {                                                                        \
        register unsigned long a0_ __asm__("a0") = (arg0);                      \
        register unsigned long a1_ __asm__("a1");                               \
        register unsigned long a6_ __asm__("a6") = (fid);                       \
        register unsigned long a7_ __asm__("a7") = (eid);                       \
        __asm__ volatile("ecall" : "+r"(a0_), "=r"(a1_) : "r"(a6_), "r"(a7_) : "memory"); \
    } while (0)

static void op_empty(void)
{
    __asm__ volatile("");
}

static void op_hypercall(void)
{
    ECALL(RVH_EXT, RVH_FID_VERSION, 0);
}

static void op_sbi_base(void)
{
    ECALL(SBI_EXT_BASE, SBI_BASE_SPEC_VERSION, 0);
}

static void op_set_timer(void)
{
    ECALL(SBI_EXT_TIME, SBI_TIME_SET_TIMER, FAR_AWAY);
}

static void op_stimecmp(void)
{
    __asm__ volatile("csrw 0x14d, %0" :: "r"(FAR_AWAY) : "memory");
}

static void op_mmio_read(void)
{
    uint8_t v;
    __asm__ volatile("lbu %0, 0(%1)" : "=r"(v) : "r"(UART_SCR) : "memory");
    (void)v;
}

static void op_mmio_write(void)
{
    __asm__ volatile("sb %0, 0(%1)" :: "r"(0x5a), "r"(UART_SCR) : "memory");
}

/* One load and one store in guest RAM, walking through a 4 KiB buffer. */
static volatile unsigned long mem_buf[512];
static unsigned long mem_i;

static void op_memory(void)
{
    unsigned long i = mem_i++ & 511;
    mem_buf[i] = mem_buf[i] + 1;
}

/* --- Timing -------------------------------------------------------------- */

/* noinline: every case runs exactly this code, whatever op is. */
static unsigned long __attribute__((noinline)) ticks_for(void (*op)(void), unsigned long n)
{
    unsigned long t0 = now();
    for (unsigned long i = 0; i < n; i++)
        op();
    return now() - t0;
}

static unsigned long empty_ticks;

/* Instructions per operation in tenths, the empty loop subtracted, rounded
   to the nearest tenth (towards zero for a negative difference). */
static void report(const char *name, unsigned long ticks)
{
    long diff = (long)ticks - (long)empty_ticks;
    unsigned long mag = (unsigned long)(diff < 0 ? -diff : diff);
    unsigned long tenths = (mag * INSNS_PER_TICK * 10 + BENCH_N / 2) / BENCH_N;
    printf("bench: %s %s%lu.%lu insns\n", name, diff < 0 ? "-" : "", tenths / 10, tenths % 10);
}

/* The best of three runs: the monitor's 10 ms tick, a few thousand
   instructions, falls into one run or another, and would otherwise show in
   the last digit. */
static unsigned long best_of_3(void (*op)(void))
{
    unsigned long best = ticks_for(op, BENCH_N);
    for (int k = 1; k < 3; k++) {
        unsigned long t = ticks_for(op, BENCH_N);
        if (t < best)
            best = t;
    }
    return best;
}

static void run(const char *name, void (*op)(void))
{
    report(name, best_of_3(op));
}

/* --- Which timer path: does the device tree say "_sstc"? ------------------ */



/* --- The cases ----------------------------------------------------------- */

/* Each call is made once and checked before it is timed: a number for a call
   that failed would measure the wrong path. */
static bool calls_work(void)
{
    struct sbiret v = rvh_hypercall(RVH_FID_VERSION, 0, 0, 0, 0, 0, 0);
    struct sbiret b = sbi_call(SBI_EXT_BASE, SBI_BASE_SPEC_VERSION, 0, 0, 0, 0, 0, 0);
    struct sbiret t = sbi_call(SBI_EXT_TIME, SBI_TIME_SET_TIMER, FAR_AWAY, 0, 0, 0, 0, 0);
    *(volatile uint8_t *)UART_SCR = 0xa5;
    uint8_t scr = *(volatile uint8_t *)UART_SCR;
    bool good = v.error == SBI_SUCCESS && v.value == RVH_VERSION && b.error == SBI_SUCCESS &&
                b.value > 0 && t.error == SBI_SUCCESS && scr == 0xa5;
    if (!good)
        printf("bench: calls fail: version %ld/0x%lx, base %ld/0x%lx, set_timer %ld, scr 0x%02x\n",
               v.error, v.value, b.error, b.value, t.error, scr);
    return good;
}

int main(unsigned long hartid, unsigned long dtb)
{
    unsigned long size = dtb_size(dtb);
    bool sstc = size != 0 && dtb_contains(dtb, size, "_sstc");
    printf("bench: hart %lu, %lu iterations per case, timer path %s, "
           "%lu instructions per tick at icount shift=0\n",
           hartid, BENCH_N, sstc ? "sstc" : "emulated", INSNS_PER_TICK);
    if (!calls_work())
        return 1;

    empty_ticks = best_of_3(op_empty);
    printf("bench: empty-loop %lu.%lu insns\n",          /* absolute, not a difference */
           empty_ticks * INSNS_PER_TICK * 10 / BENCH_N / 10,
           empty_ticks * INSNS_PER_TICK * 10 / BENCH_N % 10);
    run("memory", op_memory);
    run("hypercall", op_hypercall);
    run("sbi-base", op_sbi_base);
    run("set-timer", op_set_timer);
    if (sstc)
        run("stimecmp", op_stimecmp);
    else
        printf("bench: stimecmp skipped (no Sstc in the device tree)\n");
    run("mmio-read", op_mmio_read);
    run("mmio-write", op_mmio_write);
    printf("bench: done\n");
    return 0;
}
