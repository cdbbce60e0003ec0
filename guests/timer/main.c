/*
 * timer: checks the guest's clock and alarm (chapter 6) on whichever timer
 * path the hypervisor chose for the VM: the clock starts near zero and never
 * goes backwards; SBI set_timer (SBI spec v2.0 §6.1) raises one supervisor
 * timer interrupt per deadline, never before it; a deadline in the past
 * fires at once; all ones cancels; a new deadline clears a pending interrupt.
 * On the Sstc path (the device tree lists "sstc" in riscv,isa) the guest
 * also writes its own stimecmp (Sstc specification) and repeats the alarm
 * and cancel checks that way.
 *
 * The guest installs its own trap vector (vector.S) and takes its timer
 * interrupts for real.  Every wait is bounded by the guest's clock, so a
 * lost interrupt is a failed check rather than a hang, as long as something
 * wakes the hart from wfi (see wait_for_alarms).  The last comment line,
 * "# alarms: sbi N, stimecmp M", counts the interrupts taken for each way
 * of programming the timer, for a runner to compare with the hypervisor's
 * exit counts: on the Sstc path no alarm costs a timer exit, on the emulated
 * path every alarm costs one.
 */
#include <stdint.h>
#include <stdio.h>
#include "guest.h"

/* --- Registers and constants ---------------------------------------------- */

/* In VS-mode these names reach vsstatus, vsie, vsip, vscause (Priv. spec §8.2). */
#define SSTATUS_SIE     (1UL << 1)              /* Priv. spec §4.1.1 */
#define SIE_STIE        (1UL << 5)              /* §4.1.3 */
#define SIP_STIP        (1UL << 5)
#define SCAUSE_S_TIMER  0x8000000000000005UL    /* interrupt bit + code 5 (§4.1.9) */

/* stimecmp is CSR 0x14D (Sstc specification); the assembler may not know its name. */
#define write_stimecmp(v) __asm__ volatile("csrw 0x14d, %0" :: "r"(v) : "memory")

#define SBI_EXT_TIME        0x54494D45          /* SBI spec v2.0 §6 */
#define SBI_TIME_SET_TIMER  0
#define NEVER               (~0UL)              /* "no deadline" (§6.1) */

#define DEFAULT_TIMEBASE    10000000UL          /* QEMU virt: 10 MHz */
#define ALARMS              20                  /* per series */
#define MONOTONIC_READS     10000
#define STUCK_US            10                  /* the ack's grace, in microseconds */

/* Ticks per millisecond, from the device tree's timebase-frequency. */
static unsigned long tick_ms = DEFAULT_TIMEBASE / 1000;

static inline unsigned long now(void)
{
    return csr_read(time);
}

/* --- The device tree ------------------------------------------------------ */

/* The first 32-bit timebase-frequency in the /cpus subtree (§3.7, §3.8),
   or 0.  Every offset is checked against the blob's size before use. */
static unsigned long dtb_timebase(unsigned long dtb, unsigned long size)
{
    uint32_t off_struct = be32_at(dtb + 8), off_strings = be32_at(dtb + 12);
    uint32_t size_strings = be32_at(dtb + 32), size_struct = be32_at(dtb + 36);
    if (off_struct > size || size_struct > size - off_struct ||
        off_strings > size || size_strings > size - off_strings)
        return 0;
    uintptr_t p = dtb + off_struct, stop = p + size_struct;
    uintptr_t strings = dtb + off_strings, strings_end = strings + size_strings;
    int depth = 0, cpus_depth = -1;
    while (p + 4 <= stop) {
        uint32_t token = be32_at(p);
        p += 4;
        if (token == FDT_BEGIN_NODE) {
            uintptr_t name = p;
            while (p < stop && *(const volatile char *)p != 0)
                p++;
            if (p >= stop)
                return 0;
            depth++;
            if (depth == 2 && cpus_depth < 0 && dtb_str_at(name, stop, "cpus"))
                cpus_depth = depth;
            p = (p + 1 + 3) & ~(uintptr_t)3;
        } else if (token == FDT_END_NODE) {
            if (depth == cpus_depth)
                cpus_depth = -1;
            depth--;
        } else if (token == FDT_PROP) {
            if (stop - p < 8)
                return 0;
            uint32_t len = be32_at(p), nameoff = be32_at(p + 4);
            p += 8;
            if (len > stop - p || nameoff >= size_strings)
                return 0;
            if (cpus_depth > 0 && len == 4 &&
                dtb_str_at(strings + nameoff, strings_end, "timebase-frequency"))
                return be32_at(p);
            p = (p + len + 3) & ~(uintptr_t)3;
        } else if (token == FDT_END) {
            return 0;
        } else if (token != FDT_NOP) {
            return 0;
        }
    }
    return 0;
}

/* --- Programming the timer, and the interrupt handler ---------------------- */

/* Two ways to set the deadline: SBI set_timer (both paths) or stimecmp
   (Sstc path only; on the emulated path the write would trap). */
enum via { VIA_SBI, VIA_STIMECMP };

static volatile enum via via;
static volatile unsigned long programmed = NEVER;   /* the last deadline set */
static volatile unsigned long sbi_errors;           /* set_timer calls refused */

static void set_deadline(unsigned long deadline)
{
    programmed = deadline;
    if (via == VIA_STIMECMP) {
        write_stimecmp(deadline);
    } else {
        struct sbiret r = sbi_call(SBI_EXT_TIME, SBI_TIME_SET_TIMER, deadline, 0, 0, 0, 0, 0);
        if (r.error != SBI_SUCCESS && sbi_errors++ == 0)
            printf("# set_timer(0x%lx): error %ld\n", deadline, r.error);
    }
}

/* What the handler records.  Written by the handler, read by main with
   sstatus.SIE clear (or as single loads while it is set). */
static volatile unsigned long irq_count;            /* interrupts since reset */
static volatile unsigned long irq_time;             /* clock at the last one */
static volatile unsigned long alarms[2];            /* interrupts taken, by via */
static volatile unsigned long irq_stuck;            /* not cleared by the ack */

/* A series of alarms that the handler chains: each interrupt checks its
   deadline and sets the next, step ticks later; the last one cancels. */
static volatile unsigned long series_left, series_deadline, series_step;
static volatile unsigned long series_early, series_max_late;


void guest_interrupt(unsigned long scause)
{
    unsigned long t = now();
    if (scause != SCAUSE_S_TIMER) {
        printf("guest timer: unexpected trap: scause=0x%lx sepc=0x%lx stval=0x%lx\n",
               scause, csr_read(sepc), csr_read(stval));
        sbi_shutdown(true);
    }
    irq_count++;
    irq_time = t;
    alarms[via]++;
    unsigned long next = NEVER;                     /* acknowledge by cancelling... */
    if (series_left != 0) {
        if (t < series_deadline)
            series_early++;
        else if (t - series_deadline > series_max_late)
            series_max_late = t - series_deadline;
        if (--series_left != 0) {
            series_deadline += series_step;         /* ...or by the next deadline */
            next = series_deadline;
        }
    }
    set_deadline(next);
    /* The new deadline must have cleared the pending bit (SBI spec v2.0
       §6.1; Sstc: STIP follows stimecmp), unless it is already due.  If
       it stays pending, sret would bring us straight back here, forever:
       count it and mask the interrupt, so that the waits time out. */
    unsigned long t0 = now();
    while ((csr_read(sip) & SIP_STIP) && (next == NEVER || now() < next)) {
        if (now() - t0 > STUCK_US * tick_ms / 1000) {
            if (irq_stuck++ == 0)
                printf("# timer interrupt still pending after the deadline 0x%lx was set\n",
                       next);
            csr_clear(sie, SIE_STIE);
            break;
        }
    }
}

/* --- Waiting ---------------------------------------------------------------- */

/*
 * Wait until the handler has counted `count` interrupts, or `limit` ticks.
 * sstatus.SIE stays clear while the loop decides, so that an interrupt
 * cannot slip in between the check and wfi; wfi wakes on an interrupt that
 * sie enables even with SIE clear (Priv. spec §3.3.3), and the short window
 * with SIE set lets it be taken.  wfi is used only while the programmed
 * deadline is ahead: once it has passed, the loop spins, so an interrupt
 * that does not arrive ends the wait at the limit.  (One that never
 * arrives while the hart sleeps, with nothing else to wake it, still hangs
 * in wfi: the runner's timeout catches that.)
 */
static bool wait_for_alarms(unsigned long count, unsigned long limit)
{
    unsigned long start = now();
    csr_set(sie, SIE_STIE);
    while (irq_count < count) {
        unsigned long t = now();
        if (t - start > limit)
            break;
        if (!(csr_read(sip) & SIP_STIP) && programmed != NEVER && t < programmed)
            __asm__ volatile("wfi");
        csr_set(sstatus, SSTATUS_SIE);
        csr_clear(sstatus, SSTATUS_SIE);
    }
    csr_clear(sie, SIE_STIE);
    return irq_count >= count;
}

/* Spin for `ticks` with the timer interrupt enabled: any interrupt that
   comes is counted.  (wfi would sleep forever if, rightly, none comes.) */
static void idle(unsigned long ticks)
{
    unsigned long start = now();
    csr_set(sie, SIE_STIE);
    csr_set(sstatus, SSTATUS_SIE);
    while (now() - start < ticks)
        ;
    csr_clear(sstatus, SSTATUS_SIE);
    csr_clear(sie, SIE_STIE);
}

/* --- The checks --------------------------------------------------------------- */

static void check_clock(unsigned long first)
{
    ok(first < 10000 * tick_ms, "the clock starts near zero: first read %lu ticks (< 10 s)",
       first);
    unsigned long prev = now(), back = 0;
    for (int i = 0; i < MONOTONIC_READS; i++) {
        unsigned long t = now();
        if (t < prev && back++ == 0)
            printf("# time went back from %lu to %lu\n", prev, t);
        prev = t;
    }
    ok(back == 0, "%d consecutive reads never decrease (%lu decreases)", MONOTONIC_READS, back);
}

static const char *const via_name[] = { "set_timer", "stimecmp" };

/* ALARMS alarms, 2 ms apart, the first 2 ms from now; the handler chains them. */
static void check_series(enum via v)
{
    const char *how = via_name[v];
    irq_count = series_early = series_max_late = 0;
    via = v;
    series_step = 2 * tick_ms;
    series_left = ALARMS;
    series_deadline = now() + series_step;
    set_deadline(series_deadline);
    wait_for_alarms(ALARMS, 2000 * tick_ms);
    unsigned long got = irq_count;
    if (series_left != 0) {                         /* one was lost: stop the rest */
        series_left = 0;
        set_deadline(NEVER);
    }
    ok(got == ALARMS, "%s: %d alarms 2 ms apart, %d interrupts (got %lu)",
       how, ALARMS, ALARMS, got);
    ok(series_early == 0, "%s: no alarm before its deadline (%lu early, latest %lu ticks late)",
       how, series_early, series_max_late);
    idle(50 * tick_ms);
    ok(irq_count == got, "%s: no interrupt in the 50 ms after the last alarm (%lu)",
       how, irq_count - got);
}

/* A deadline in the past is due at once (SBI spec v2.0 §6.1). */
static void check_past(void)
{
    irq_count = 0;
    via = VIA_SBI;
    unsigned long t0 = now();
    set_deadline(t0 - 1);
    bool came = wait_for_alarms(1, 2000 * tick_ms);
    unsigned long delay = irq_time - t0;
    /* "At once" is measured in real time (QEMU's clock follows the host's
       without -icount), so allow for a loaded build machine: 20 ms. */
    ok(came && delay < 20 * tick_ms, "set_timer(now - 1): interrupt within 20 ms (%s, after %lu ticks)",
       came ? "came" : "none", came ? delay : 0);
}

/* All ones: no interrupt (the way to cancel, SBI spec v2.0 §6.1). */
static void check_cancel(enum via v)
{
    irq_count = 0;
    via = v;
    set_deadline(now() + 5 * tick_ms);
    set_deadline(NEVER);
    idle(20 * tick_ms);
    ok(irq_count == 0, "%s: a deadline 5 ms ahead, then all ones: no interrupt in 20 ms (%lu)",
       via_name[v], irq_count);
}

/* With interrupts off, a past deadline leaves STIP pending; a new deadline
   clears it (SBI spec v2.0 §6.1: set_timer clears the pending bit). */
static void check_pending(void)
{
    via = VIA_SBI;
    set_deadline(now() - 1);
    unsigned long start = now();
    bool pending;
    while (!(pending = csr_read(sip) & SIP_STIP) && now() - start < tick_ms)
        ;
    ok(pending, "set_timer(now - 1) with interrupts off: sip.STIP reads 1");
    set_deadline(NEVER);
    ok(!(csr_read(sip) & SIP_STIP), "then set_timer(all ones): sip.STIP reads 0");
}

int main(unsigned long hartid, unsigned long dtb)
{
    unsigned long first = now();
    printf("timer: guest running, hart %lu, device tree at 0x%lx, clock %lu\n",
           hartid, dtb, first);

    unsigned long size = dtb_size(dtb);
    unsigned long tb = size ? dtb_timebase(dtb, size) : 0;
    if (tb >= 1000)
        tick_ms = tb / 1000;
    printf("# timebase: %lu Hz%s\n", tick_ms * 1000,
           tb >= 1000 ? " (device tree)" : " (assumed: no timebase-frequency found)");
    check_clock(first);
    ok(!(csr_read(sip) & SIP_STIP), "no timer interrupt pending at entry (sip 0x%lx)",
       csr_read(sip));

    bool sstc = size != 0 && dtb_contains(dtb, size, "_sstc");
    ok(size != 0, "a device tree at a1 (0x%lx, %lu bytes)", dtb, size);
    printf("# timer path: %s\n", sstc ? "sstc" : "emulated");

    unsigned long old_stvec = csr_read(stvec);
    csr_write(stvec, (unsigned long)guest_interrupt_vector);  /* direct mode */

    check_series(VIA_SBI);
    check_past();
    check_cancel(VIA_SBI);
    check_pending();
    ok(sbi_errors == 0, "every set_timer call succeeded (%lu errors)", sbi_errors);
    if (sstc) {
        check_series(VIA_STIMECMP);
        check_cancel(VIA_STIMECMP);
        printf("# stimecmp: %lu alarms\n", alarms[VIA_STIMECMP]);
    }
    ok(irq_stuck == 0, "every acknowledged interrupt stopped pending (%lu did not)", irq_stuck);

    via = VIA_SBI;
    set_deadline(NEVER);
    csr_write(stvec, old_stvec);
    printf("# alarms: sbi %lu, stimecmp %lu\n", alarms[VIA_SBI], alarms[VIA_STIMECMP]);
    return tap_done();
}
