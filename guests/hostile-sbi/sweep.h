/*
 * sweep.h: a deterministic random sweep of SBI calls, for hostile-sbi and
 * hostile-reboot (which reaches this file through a symbolic link).
 *
 * Each call takes an EID that is half the time one the hypervisor implements
 * (or a legacy one) and half the time any 64-bit value; a FID that is half the
 * time small (0..7) and half the time any value; and six arguments, each half
 * the time an "interesting" value (0, ~0, 2^63, the ends of RAM, a device, a
 * length near 2^64, ...) and half the time random.  The generator is
 * xorshift64 with a fixed seed, so every run makes the same calls.
 *
 * A call must come back with a0 a valid SBI error (SBI spec v2.0 §3: 0 or
 * -1 .. -10; legacy clear_ipi may also answer 1, an IPI was pending, §5.4),
 * and with a2..a7 as they went in (§3: only a0 and a1 are results; a legacy
 * call, EIDs 0x00-0x0f, also keeps a1, §5).
 *
 * Some calls are taken out of the random space, because their success would
 * end the test rather than attack the hypervisor; each is made with crafted
 * arguments elsewhere instead:
 *   - SRST system_reset with a type and reason the hypervisor accepts (types
 *     0-2 with reasons 0, 1 or 0xe0000000-0xefffffff, judged by the low 32
 *     bits of each register): a shutdown or reboot;
 *   - legacy shutdown (EID 8);
 *   - HSM hart_stop: it stops the only hart, which ends the VM;
 *   - HSM hart_suspend of type 0 (retentive: sleeps until an interrupt) or
 *     0x80000000 (non-retentive: resumes at a1, wherever that is), again by
 *     the low 32 bits;
 *   - legacy console_putchar (EID 1) and DBCN console_write_byte: all they do
 *     is print a0's low byte, which would fill the console with noise.
 * Addresses in RAM among the interesting values point at bytes the guest
 * filled with '.', so a console_write that succeeds prints dots, and a
 * console_read that succeeds writes where nothing of the guest lives.
 */
#ifndef SWEEP_H
#define SWEEP_H

#include "hostile.h"

#define SBI_EXT_BASE    0x10
#define SBI_EXT_TIME    0x54494D45
#define SBI_EXT_IPI     0x735049
#define SBI_EXT_RFENCE  0x52464E43
#define SBI_EXT_HSM     0x48534D
#define LEGACY_PUTCHAR  0x01
#define LEGACY_CLEAR_IPI 0x03
#define LEGACY_SHUTDOWN 0x08
#define HSM_HART_STOP   1
#define HSM_HART_SUSPEND 3
#define DBCN_WRITE_BYTE 2

/* Dots the interesting addresses point into: the first and last pages of
   RAM (unused by the guest: its image is at 0x80200000, and the device tree
   at the start of the last 2 MiB) and a buffer of the guest's own. */
static char sweep_scratch[8192] __attribute__((aligned(4096)));

static void sweep_prepare(void)
{
    for (unsigned long i = 0; i < 4096; i++) {
        ((volatile char *)GUEST_RAM_BASE)[i] = '.';
        ((volatile char *)GUEST_RAM_END - 4096)[i] = '.';
    }
    for (unsigned long i = 0; i < sizeof sweep_scratch; i++)
        sweep_scratch[i] = '.';
}

static unsigned long xorshift_state = 0x2545f4914f6cdd1dUL;

static unsigned long xorshift(void)
{
    unsigned long x = xorshift_state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return xorshift_state = x;
}

/* A random value of 64, 48, 32 or 16 bits: small numbers come up too. */
static unsigned long random_sized(void)
{
    return xorshift() >> (16 * (xorshift() >> 62));
}

static unsigned long interesting_arg(void)
{
    const unsigned long v[] = {
        0, 1, 2, 3, 0xff, 0x100, 0x101, 0xfff, 0x1000, 64 * 4096, 64 * 4096 + 1,
        0x7fffffffUL, 0x80000000UL, 0xefffffffUL, 0xf0000000UL, 0xffffffffUL,
        0x100000000UL, GUEST_RAM_BASE, GUEST_RAM_BASE - 1, GUEST_RAM_END - 1,
        GUEST_RAM_END - 8, GUEST_RAM_END, (unsigned long)sweep_scratch,
        (unsigned long)sweep_scratch + 4096, UART_BASE, 1UL << 63, (1UL << 63) - 1,
        ~0UL, ~0UL - 1, ~0xfffUL, 0x20000000000UL,
    };
    return v[xorshift() % (sizeof v / sizeof v[0])];
}

static unsigned long random_arg(void)
{
    return xorshift() & 1 ? interesting_arg() : random_sized();
}

static const unsigned long sweep_eids[] = {
    SBI_EXT_BASE, SBI_EXT_TIME, SBI_EXT_IPI, SBI_EXT_RFENCE, SBI_EXT_HSM, SBI_EXT_SRST,
    SBI_EXT_DBCN, RVH_EXT, 0x00, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x09,
};

/* The calls kept out of the random space (see the top of the file). */
static bool sweep_excluded(unsigned long eid, unsigned long fid, const unsigned long a[6])
{
    uint32_t type = (uint32_t)a[0], reason = (uint32_t)a[1];    /* 32-bit (§3) */
    if (eid == LEGACY_SHUTDOWN || eid == LEGACY_PUTCHAR)
        return true;
    if (eid == SBI_EXT_SRST && fid == SBI_SRST_SYSTEM_RESET && type <= 2 &&
        (reason <= 1 || (reason >= 0xe0000000U && reason <= 0xefffffffU)))
        return true;
    if (eid == SBI_EXT_HSM && (fid == HSM_HART_STOP ||
        (fid == HSM_HART_SUSPEND && (type == 0 || type == 0x80000000UL))))
        return true;
    return eid == SBI_EXT_DBCN && fid == DBCN_WRITE_BYTE;
}

struct sweep_stats {
    unsigned long calls, excluded, bad_error, clobbered;
    unsigned long first_bad[8];         /* the registers of the first bad call */
    long first_bad_error;
};

static bool valid_sbi_error(long e)
{
    return e <= 0 && e >= SBI_ERR_LAST;
}

/* The registers of the call in progress, for a debugger to read should a
   call never come back (hostile-sbi's header says how). */
static volatile unsigned long sweep_last[8];

/* Make n random calls (excluded ones are drawn again and counted). */
static void sweep_run(struct sweep_stats *s, unsigned long n)
{
    while (s->calls < n) {
        unsigned long eid = xorshift() & 1 ? sweep_eids[xorshift() % 16] : random_sized();
        unsigned long fid = xorshift() & 1 ? xorshift() % 8 : random_sized();
        unsigned long a[6], r[8];
        for (int i = 0; i < 6; i++)
            a[i] = random_arg();
        if (sweep_excluded(eid, fid, a)) {
            s->excluded++;
            continue;
        }
        for (int i = 0; i < 6; i++)
            r[i] = a[i];
        r[6] = fid;
        r[7] = eid;
        for (int i = 0; i < 8; i++)
            sweep_last[i] = r[i];
        ecall_regs(r);
        s->calls++;
        bool kept = (eid > 0x0f || r[1] == a[1]) && r[6] == fid && r[7] == eid;
        for (int i = 2; i < 6; i++)
            kept = kept && r[i] == a[i];
        bool valid = valid_sbi_error((long)r[0]) || (eid == LEGACY_CLEAR_IPI && r[0] == 1);
        if ((!valid || !kept) && s->bad_error + s->clobbered == 0) {
            for (int i = 0; i < 6; i++)
                s->first_bad[i] = a[i];
            s->first_bad[6] = fid;
            s->first_bad[7] = eid;
            s->first_bad_error = (long)r[0];
        }
        s->bad_error += !valid;
        s->clobbered += !kept;
    }
}

static void sweep_report(const struct sweep_stats *s)
{
    if (s->bad_error + s->clobbered)
        printf("# sweep: first bad call: eid 0x%lx fid 0x%lx a0..a5 0x%lx 0x%lx 0x%lx 0x%lx "
               "0x%lx 0x%lx -> %ld\n", s->first_bad[7], s->first_bad[6], s->first_bad[0],
               s->first_bad[1], s->first_bad[2], s->first_bad[3], s->first_bad[4],
               s->first_bad[5], s->first_bad_error);
    ok(s->bad_error == 0, "sweep: %lu random calls returned a valid SBI error (%lu did not; "
       "%lu drawn and left out)", s->calls, s->bad_error, s->excluded);
    ok(s->clobbered == 0, "sweep: a2..a7 (and a1 of legacy calls) kept by all %lu calls "
       "(%lu changed them)", s->calls, s->clobbered);
}

#endif
