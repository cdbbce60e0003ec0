/*
 * smp: checks a VM with several vCPUs against the SBI specification v2.0:
 * HSM (§9), IPI (§7) and RFENCE (§8), one TAP line per check.
 *
 * The guest runs in VS-mode as hart 0 of a VM with N vCPUs, N being the
 * number of cpu@K nodes in its device tree (K = 0..7, counted from 0 while
 * they are there); it needs N >= 2.  It prints "smp: N vCPUs", then
 *
 *   1. HSM: every other hart is STOPPED; hart id N is refused (-3) by
 *      hart_get_status and hart_start; a start address outside RAM is
 *      refused (-5); hart_start(i, smp_secondary_entry, 0x5000 + i) starts
 *      hart i, a second hart_start of it, and one of hart 0, answer -6; its
 *      status is START_PENDING or STARTED, then STARTED; it entered with
 *      a0 = i, a1 = 0x5000 + i, satp = 0 and sstatus.SIE = 0 (§9.1);
 *   2. IPI: send_ipi to each hart by base, to harts 1..3 by mask, to all
 *      (base -1), with bad masks (-3, nobody interrupted), and legacy
 *      send_ipi to hart 1: every hart counts the interrupts it takes, and
 *      each must take exactly the ones sent to it;
 *   3. RFENCE: the S-mode fences on all harts answer 0, the hfence ones -2
 *      (the guest has no H extension), a bad mask -3; and a fence.i that
 *      matters: a secondary runs code that hart 0 rewrites in between, with
 *      remote_fence_i after each write, and must see the new code;
 *   4. stop and restart: each secondary calls hart_stop, which must not
 *      return; hart 0 sees STOPPED and starts it again, with opaque
 *      0x6000 + i;
 *   5. suspend (§9.4): hart 1 does a default retentive suspend (SUSPENDED,
 *      woken by an IPI, the call returns 0 with the IPI pending) and a
 *      default non-retentive one (SUSPENDED, woken by an IPI, it resumes at
 *      smp_secondary_entry with a0 = 1, a1 = 0x7001, satp = 0, SIE = 0);
 *   6. every secondary stops; none took an unexpected trap.
 *
 * How the harts work together.  Hart 0 drives; the others obey.  Each hart
 * has a record in smp_harts: entry.S fills its first fields at every entry;
 * the hart counts there the software interrupts it takes and acknowledges
 * commands; hart 0 posts commands in it, with a sequence number.  A
 * secondary sleeps in wfi and looks at its command only after it has taken
 * an IPI, so hart 0 posts a command and then sends the hart an IPI (the
 * "kick"): every IPI a hart takes is accounted for, kicks included.  The
 * secondaries never call picolibc; they only read and write their record
 * (with __atomic builtins) and make SBI calls.  Every wait of hart 0 is
 * bounded (2 s of the 10 MHz time CSR): a broken hypervisor gives "not ok",
 * never a hang, and a hart that did not answer once is not waited for again.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "guest.h"
#include "smp.h"

/* --- The SBI as this guest uses it ------------------------------------------ */

/* Error codes (SBI spec v2.0 §3.2); guest.h has 0, -2 and -3. */
#define SBI_ERR_INVALID_ADDRESS     (-5)
#define SBI_ERR_ALREADY_AVAILABLE   (-6)

#define SBI_EXT_IPI         0x735049            /* §7 */
#define SBI_EXT_RFENCE      0x52464E43          /* §8 */
#define SBI_EXT_HSM         0x48534D            /* §9 */
#define LEGACY_SEND_IPI     0x04                /* §5.4 */

#define IPI_SEND_IPI                    0
#define RFENCE_FENCE_I                  0
#define RFENCE_SFENCE_VMA               1
#define RFENCE_SFENCE_VMA_ASID          2
#define RFENCE_HFENCE_GVMA_VMID         3
#define RFENCE_HFENCE_VVMA              6
#define HSM_HART_START                  0
#define HSM_HART_STOP                   1
#define HSM_HART_GET_STATUS             2
#define HSM_HART_SUSPEND                3

/* hart_get_status values (§9.3). */
#define HSM_STARTED         0
#define HSM_STOPPED         1
#define HSM_START_PENDING   2
#define HSM_STOP_PENDING    3
#define HSM_SUSPENDED       4

/* hart_suspend types (§9.4, table 5). */
#define SUSPEND_RETENTIVE       0x00000000UL
#define SUSPEND_NON_RETENTIVE   0x80000000UL

/* hart_mask_base -1: every hart, the mask ignored (§3.3). */
#define ALL_HARTS_MASK      0UL
#define ALL_HARTS_BASE      (~0UL)

#define OPAQUE_START        0x5000UL            /* + hart id */
#define OPAQUE_RESTART      0x6000UL            /* + hart id */
#define OPAQUE_RESUME       0x7001UL            /* hart 1's non-retentive suspend */
#define POISON              0xdeadbeefdeadbeefUL

/* --- Registers and time --------------------------------------------------- */

/* In VS-mode these names reach the vs* CSRs (Priv. spec §8.2). */
#define SSTATUS_SIE         (1UL << 1)                  /* Priv. spec §4.1.1 */
#define SIE_SSIE            (1UL << 1)                  /* §4.1.3 */
#define SIP_SSIP            (1UL << 1)
#define SCAUSE_S_SOFTWARE   0x8000000000000001UL        /* interrupt bit + code 1 */

#define TIMEOUT_TICKS       20000000UL          /* 2 s at QEMU virt's 10 MHz */
#define SETTLE_TICKS        500000UL            /* 50 ms for stray IPIs to show */

static unsigned long now(void)
{
    return csr_read(time);
}

/* Evaluate cond until it holds or TIMEOUT_TICKS have passed; its last value. */
#define WAIT_UNTIL(cond) ({                                             \
    unsigned long start_ = now();                                       \
    bool met_;                                                          \
    while (!(met_ = (cond)) && now() - start_ < TIMEOUT_TICKS) { }      \
    met_; })

static void settle(void)
{
    unsigned long start = now();
    while (now() - start < SETTLE_TICKS) { }
}

/* --- The per-hart records --------------------------------------------------- */

/* Commands hart 0 posts (struct hart's cmd). */
enum command {
    CMD_PING = 1,               /* result = the hart id */
    CMD_CALL_CODE,              /* result = what code_buf returns */
    CMD_STOP,                   /* hart_stop; result = its error if it returns */
    CMD_SUSPEND_RETENTIVE,      /* result = the error, ssip = SSIP after it */
    CMD_SUSPEND_NON_RETENTIVE,  /* arg = opaque; result = the error if it returns */
};

struct hart {
    /* Written by entry.S at every entry, before any C code runs. */
    unsigned long entry_a0, entry_a1, entry_satp, entry_sstatus, entry_sip;
    /* Written by the hart itself. */
    unsigned long entries;      /* times smp_secondary_main has begun */
    unsigned long ipis;         /* software interrupts taken (guest_interrupt) */
    unsigned long ack;          /* sequence number of the last command done */
    long result;                /* what that command gave */
    unsigned long ssip;         /* sip.SSIP after a retentive suspend */
    unsigned long trap_cause, trap_epc;     /* an unexpected trap; cause 0: none */
    /* Written by hart 0. */
    unsigned long seq, cmd, arg;
    unsigned long unused;
};

_Static_assert(sizeof(struct hart) == HART_SIZE, "struct hart is HART_SIZE bytes (smp.h)");
_Static_assert(offsetof(struct hart, entry_a0) == HART_ENTRY_A0, "entry_a0 (smp.h)");
_Static_assert(offsetof(struct hart, entry_a1) == HART_ENTRY_A1, "entry_a1 (smp.h)");
_Static_assert(offsetof(struct hart, entry_satp) == HART_ENTRY_SATP, "entry_satp (smp.h)");
_Static_assert(offsetof(struct hart, entry_sstatus) == HART_ENTRY_SSTATUS, "entry_sstatus");
_Static_assert(offsetof(struct hart, entry_sip) == HART_ENTRY_SIP, "entry_sip (smp.h)");

/* One record per hart id; entry.S finds a hart's as smp_harts + a0 * HART_SIZE. */
struct hart smp_harts[SMP_MAX_HARTS] __attribute__((aligned(HART_SIZE)));

#define LOAD(x)         __atomic_load_n(&(x), __ATOMIC_ACQUIRE)
#define STORE(x, v)     __atomic_store_n(&(x), (v), __ATOMIC_RELEASE)

/* entry.S */
void smp_secondary_entry(void);
noreturn void smp_secondary_main(unsigned long hartid, unsigned long opaque);
/* guest.c: prints the trap and shuts down */
noreturn void guest_trap_report(void);

/* A function in RAM for the fence.i check: "addi a0, zero, K; ret". */
static uint32_t code_buf[2] __attribute__((aligned(8)));

/* --- Interrupts, on every hart ---------------------------------------------- */

/*
 * The one vector (interrupt.S) for every hart; sscratch holds the hart id.
 * A supervisor software interrupt is an IPI: clear it and count it.  Anything
 * else is a bug: hart 0 reports it; a secondary, which must not print,
 * records it for hart 0 and parks with its interrupts off.
 */
void guest_interrupt(unsigned long scause)
{
    unsigned long id = csr_read(sscratch);
    struct hart *h = &smp_harts[id < SMP_MAX_HARTS ? id : 0];
    if (scause == SCAUSE_S_SOFTWARE) {
        csr_clear(sip, SIP_SSIP);
        __atomic_fetch_add(&h->ipis, 1, __ATOMIC_RELEASE);
        return;
    }
    if (id == 0)
        guest_trap_report();
    STORE(h->trap_epc, csr_read(sepc));
    STORE(h->trap_cause, scause);
    csr_clear(sstatus, SSTATUS_SIE);
    csr_write(sie, 0);
    for (;;)
        __asm__ volatile("wfi");
}

/* --- The secondary harts ---------------------------------------------------- */

static struct sbiret hsm_call(unsigned long fid, unsigned long a0, unsigned long a1,
                              unsigned long a2)
{
    return sbi_call(SBI_EXT_HSM, fid, a0, a1, a2, 0, 0, 0);
}

/* Sleep until the hart has taken another IPI.  The count is read with
   sstatus.SIE off, so that an IPI cannot slip in between the test and the
   wfi (wfi wakes on a pending interrupt enabled in sie, whatever SIE says);
   the IPI traps, and is counted, when SIE is set again.  Returns with SIE
   off: commands run with interrupts disabled, SSIE on. */
static void wait_for_ipi(struct hart *h, unsigned long *seen)
{
    for (;;) {
        csr_clear(sstatus, SSTATUS_SIE);
        unsigned long n = LOAD(h->ipis);
        if (n != *seen) {
            *seen = n;
            return;
        }
        __asm__ volatile("wfi" ::: "memory");
        csr_set(sstatus, SSTATUS_SIE);
    }
}

static long run_command(struct hart *h, unsigned long hartid, unsigned long cmd,
                        unsigned long arg)
{
    struct sbiret r;
    switch (cmd) {
    case CMD_PING:
        return (long)hartid;
    case CMD_CALL_CODE:
        /* No fence.i here: making the new code visible is remote_fence_i's job. */
        return ((long (*)(void))(uintptr_t)code_buf)();
    case CMD_STOP:
        return hsm_call(HSM_HART_STOP, 0, 0, 0).error;      /* only if refused */
    case CMD_SUSPEND_RETENTIVE:
        r = hsm_call(HSM_HART_SUSPEND, SUSPEND_RETENTIVE, 0, 0);
        STORE(h->ssip, csr_read(sip) & SIP_SSIP ? 1UL : 0UL);
        csr_clear(sip, SIP_SSIP);               /* the IPI that woke us */
        return r.error;
    case CMD_SUSPEND_NON_RETENTIVE:
        r = hsm_call(HSM_HART_SUSPEND, SUSPEND_NON_RETENTIVE,
                     (uintptr_t)smp_secondary_entry, arg);
        return r.error;                         /* only if refused */
    default:
        return -1000;
    }
}

/* Called by entry.S on the hart's own stack, at every start and resume. */
noreturn void smp_secondary_main(unsigned long hartid, unsigned long opaque)
{
    (void)opaque;                               /* entry.S recorded it */
    struct hart *h = &smp_harts[hartid];
    csr_clear(sip, SIP_SSIP);                   /* left from before a stop or suspend */
    csr_set(sie, SIE_SSIE);
    STORE(h->ack, LOAD(h->seq));                /* the stop or suspend command is done */
    unsigned long seen = LOAD(h->ipis);
    __atomic_fetch_add(&h->entries, 1, __ATOMIC_RELEASE);
    for (;;) {
        wait_for_ipi(h, &seen);
        unsigned long seq = LOAD(h->seq);
        if (seq != LOAD(h->ack)) {
            STORE(h->result, run_command(h, hartid, LOAD(h->cmd), LOAD(h->arg)));
            STORE(h->ack, seq);
        }
    }
}

/* --- Hart 0: the bookkeeping -------------------------------------------------- */

static unsigned nharts;                         /* N */
static bool alive[SMP_MAX_HARTS];               /* answered when last asked */
static unsigned long expected_ipis[SMP_MAX_HARTS];

static struct sbiret hart_status(unsigned long i)
{
    return hsm_call(HSM_HART_GET_STATUS, i, 0, 0);
}

static bool status_is(unsigned long i, long state)
{
    struct sbiret r = hart_status(i);
    return r.error == SBI_SUCCESS && r.value == state;
}

static struct sbiret send_ipi(unsigned long mask, unsigned long base)
{
    return sbi_call(SBI_EXT_IPI, IPI_SEND_IPI, mask, base, 0, 0, 0, 0);
}

/* ok() for a call that must give one error code. */
static bool expect_error(struct sbiret r, long want, const char *what)
{
    return ok(r.error == want, "%s -> %ld (got error %ld, value 0x%lx)",
              what, want, r.error, r.value);
}

/* Post a command to a live hart and kick it with an IPI. */
static bool post(unsigned i, unsigned long cmd, unsigned long arg)
{
    struct hart *h = &smp_harts[i];
    if (!alive[i])
        return false;
    STORE(h->cmd, cmd);
    STORE(h->arg, arg);
    STORE(h->seq, h->seq + 1);
    expected_ipis[i]++;
    return send_ipi(1, i).error == SBI_SUCCESS;
}

/* Wait until hart i has done the last command and taken every IPI sent. */
static bool done(unsigned i)
{
    struct hart *h = &smp_harts[i];
    if (alive[i])
        alive[i] = WAIT_UNTIL(LOAD(h->ack) == h->seq && LOAD(h->ipis) == expected_ipis[i]);
    return alive[i];
}

/* A command and its result; false if the hart did not answer. */
static bool command(unsigned i, unsigned long cmd, unsigned long arg, long *result)
{
    if (!post(i, cmd, arg) || !done(i))
        return false;
    *result = LOAD(smp_harts[i].result);
    return true;
}

/* Before starting hart i: its record as a hart that never ran. */
static void reset_record(unsigned i)
{
    struct hart *h = &smp_harts[i];
    STORE(h->entry_a0, POISON);
    STORE(h->entry_a1, POISON);
    STORE(h->entry_satp, POISON);
    STORE(h->entry_sstatus, POISON);
    STORE(h->entry_sip, POISON);
    STORE(h->entries, 0);
    STORE(h->ipis, 0);
    STORE(h->trap_cause, 0);
    expected_ipis[i] = 0;
}

/* Check what entry.S recorded: a0, a1, satp and sstatus.SIE (§9.1). */
static void check_entry(unsigned i, unsigned long opaque, const char *how)
{
    struct hart *h = &smp_harts[i];
    unsigned long a0 = LOAD(h->entry_a0), a1 = LOAD(h->entry_a1);
    unsigned long satp = LOAD(h->entry_satp), sstatus = LOAD(h->entry_sstatus);
    ok(a0 == i && a1 == opaque && satp == 0 && (sstatus & SSTATUS_SIE) == 0,
       "hart %u %s: a0 = %u, a1 = 0x%lx, satp = 0, sstatus.SIE = 0 "
       "(got a0 0x%lx, a1 0x%lx, satp 0x%lx, sstatus 0x%lx, sip 0x%lx)",
       i, how, i, opaque, a0, a1, satp, sstatus, LOAD(h->entry_sip));
}

/* hart_start(i, smp_secondary_entry, opaque) and everything that follows. */
static void start_hart(unsigned i, unsigned long opaque, const char *how)
{
    char what[80];
    struct hart *h = &smp_harts[i];
    uintptr_t entry = (uintptr_t)smp_secondary_entry;
    reset_record(i);
    snprintf(what, sizeof what, "HSM hart_start(%u, entry, 0x%lx)", i, opaque);
    alive[i] = expect_error(hsm_call(HSM_HART_START, i, entry, opaque), SBI_SUCCESS, what);
    snprintf(what, sizeof what, "HSM hart_start(%u, entry, 0x%lx) again at once", i, opaque);
    expect_error(hsm_call(HSM_HART_START, i, entry, opaque), SBI_ERR_ALREADY_AVAILABLE, what);
    struct sbiret r = hart_status(i);
    ok(r.error == SBI_SUCCESS && (r.value == HSM_START_PENDING || r.value == HSM_STARTED),
       "HSM hart_get_status(%u) right after hart_start -> START_PENDING (2) or STARTED (0) "
       "(got error %ld, value %ld)", i, r.error, r.value);
    bool started = alive[i] && WAIT_UNTIL(status_is(i, HSM_STARTED));
    bool entered = alive[i] && WAIT_UNTIL(LOAD(h->entries) == 1);
    alive[i] = started && entered;
    ok(alive[i], "hart %u %s: STARTED and running its code (status %s, entries %lu)",
       i, how, started ? "STARTED" : "not STARTED", LOAD(h->entries));
    check_entry(i, opaque, how);
}

/* --- 1. HSM: starting the secondaries (SBI spec v2.0 §9.1-§9.3) -------------- */

static void check_start(void)
{
    char what[80];
    uintptr_t entry = (uintptr_t)smp_secondary_entry;
    for (unsigned i = 1; i < nharts; i++) {
        struct sbiret r = hart_status(i);
        ok(r.error == SBI_SUCCESS && r.value == HSM_STOPPED,
           "HSM hart_get_status(%u) at boot -> STOPPED (1) (got error %ld, value %ld)",
           i, r.error, r.value);
    }
    snprintf(what, sizeof what, "HSM hart_get_status(%u = N)", nharts);
    expect_error(hart_status(nharts), SBI_ERR_INVALID_PARAM, what);
    snprintf(what, sizeof what, "HSM hart_start(%u = N, entry, 0)", nharts);
    expect_error(hsm_call(HSM_HART_START, nharts, entry, 0), SBI_ERR_INVALID_PARAM, what);
    expect_error(hsm_call(HSM_HART_START, 1, 0x1000, 0), SBI_ERR_INVALID_ADDRESS,
                 "HSM hart_start(1, 0x1000 = outside RAM, 0)");
    for (unsigned i = 1; i < nharts; i++)
        start_hart(i, OPAQUE_START + i, "started");
    expect_error(hsm_call(HSM_HART_START, 0, entry, 0), SBI_ERR_ALREADY_AVAILABLE,
                 "HSM hart_start(0 = the caller, entry, 0)");
}

/* --- 2. IPI (SBI spec v2.0 §7, §5.4) ------------------------------------------- */

static unsigned long legacy_mask;               /* legacy send_ipi takes its address */

/*
 * One send_ipi: it must answer want and interrupt exactly the harts in
 * targets (a bit per hart id).  Before the call every hart has taken the IPIs
 * it was sent; after it, hart 0 waits for the targets, gives strays
 * SETTLE_TICKS to show, and compares every count.
 */
static void ipi_case(bool legacy, unsigned long mask, unsigned long base, long want,
                     unsigned long targets, const char *what)
{
    bool quiet = true;
    for (unsigned i = 0; i < nharts; i++)
        if (alive[i])
            quiet = quiet && WAIT_UNTIL(LOAD(smp_harts[i].ipis) == expected_ipis[i]);
    long error;
    if (legacy) {
        STORE(legacy_mask, mask);
        error = sbi_call(LEGACY_SEND_IPI, 0, (uintptr_t)&legacy_mask, 0, 0, 0, 0, 0).error;
    } else {
        error = send_ipi(mask, base).error;
    }
    for (unsigned i = 0; i < nharts; i++)
        if (targets >> i & 1)
            expected_ipis[i]++;
    for (unsigned i = 0; i < nharts; i++)
        if ((targets >> i & 1) && alive[i])
            WAIT_UNTIL(LOAD(smp_harts[i].ipis) >= expected_ipis[i]);
    settle();

    char got[64], want_counts[64];
    int g = 0, w = 0;
    bool exact = true;
    for (unsigned i = 0; i < nharts; i++) {
        unsigned long n = LOAD(smp_harts[i].ipis);
        exact = exact && n == expected_ipis[i];
        if (g < (int)sizeof got)
            g += snprintf(got + g, sizeof got - (size_t)g, " %lu", n);
        if (w < (int)sizeof want_counts)
            w += snprintf(want_counts + w, sizeof want_counts - (size_t)w, " %lu",
                          expected_ipis[i]);
        expected_ipis[i] = n;                   /* one miss does not fail the next cases */
    }
    ok(quiet && error == want && exact,
       "%s -> %ld, IPIs taken per hart:%s (got error %ld, counts:%s%s)",
       what, want, want_counts, error, got, quiet ? "" : ", not quiet before");
}

static void check_ipi(void)
{
    char what[80];
    unsigned long all = (1UL << nharts) - 1;
    for (unsigned i = 0; i < nharts; i++) {
        snprintf(what, sizeof what, "IPI send_ipi(1, %u)", i);
        ipi_case(false, 1, i, SBI_SUCCESS, 1UL << i, what);
    }
    snprintf(what, sizeof what, "IPI send_ipi(0x%lx, 0)", 0xeUL & all);
    ipi_case(false, 0xeUL & all, 0, SBI_SUCCESS, 0xeUL & all, what);
    ipi_case(false, ALL_HARTS_MASK, ALL_HARTS_BASE, SBI_SUCCESS, all,
             "IPI send_ipi(0, -1 = all harts)");
    snprintf(what, sizeof what, "IPI send_ipi(1, %u = N)", nharts);
    ipi_case(false, 1, nharts, SBI_ERR_INVALID_PARAM, 0, what);
    snprintf(what, sizeof what, "IPI send_ipi(0x%lx = bit N, 0)", 1UL << nharts);
    ipi_case(false, 1UL << nharts, 0, SBI_ERR_INVALID_PARAM, 0, what);
    ipi_case(true, 2, 0, SBI_SUCCESS, 2, "legacy send_ipi(&mask 2)");
}

/* --- 3. RFENCE (SBI spec v2.0 §8) ----------------------------------------------- */

static struct sbiret rfence(unsigned long fid, unsigned long mask, unsigned long base,
                            unsigned long start, unsigned long size, unsigned long id)
{
    return sbi_call(SBI_EXT_RFENCE, fid, mask, base, start, size, id, 0);
}

/* Make code_buf "addi a0, zero, k; ret" (RV64I: I-type addi, jalr x0, 0(ra)). */
static void write_code(long k)
{
    volatile uint32_t *p = code_buf;
    p[0] = (uint32_t)(k & 0xfff) << 20 | 10u << 7 | 0x13u;
    p[1] = 0x00008067u;
    __asm__ volatile("fence rw, rw" ::: "memory");
}

/* Hart i runs code_buf, which hart 0 rewrites between two calls; each write
   is followed by remote_fence_i for hart i alone. */
static void check_fence_i(unsigned i)
{
    long first = 100 + (long)i, second = 200 + (long)i, got1 = -1, got2 = -1;
    write_code(first);
    long e1 = rfence(RFENCE_FENCE_I, 1, i, 0, 0, 0).error;
    bool ran1 = command(i, CMD_CALL_CODE, 0, &got1);
    write_code(second);
    long e2 = rfence(RFENCE_FENCE_I, 1, i, 0, 0, 0).error;
    bool ran2 = command(i, CMD_CALL_CODE, 0, &got2);
    ok(e1 == 0 && e2 == 0 && ran1 && ran2 && got1 == first && got2 == second,
       "hart %u runs code rewritten by hart 0 after remote_fence_i(1, %u): %ld, then %ld "
       "(got errors %ld %ld, values %ld %ld%s)", i, i, first, second, e1, e2, got1, got2,
       ran1 && ran2 ? "" : ", hart did not answer");
}

static void check_rfence(void)
{
    char what[96];
    expect_error(rfence(RFENCE_FENCE_I, ALL_HARTS_MASK, ALL_HARTS_BASE, 0, 0, 0), SBI_SUCCESS,
                 "RFENCE remote_fence_i(all)");
    expect_error(rfence(RFENCE_SFENCE_VMA, ALL_HARTS_MASK, ALL_HARTS_BASE, 0, 0, 0),
                 SBI_SUCCESS, "RFENCE remote_sfence_vma(all, 0, 0)");
    expect_error(rfence(RFENCE_SFENCE_VMA, ALL_HARTS_MASK, ALL_HARTS_BASE, GUEST_LOAD_ADDR,
                        4096, 0), SBI_SUCCESS, "RFENCE remote_sfence_vma(all, 0x80200000, 4096)");
    expect_error(rfence(RFENCE_SFENCE_VMA_ASID, ALL_HARTS_MASK, ALL_HARTS_BASE, 0, ~0UL, 1),
                 SBI_SUCCESS, "RFENCE remote_sfence_vma_asid(all, 0, ~0 = everything, asid 1)");
    /* The hfence functions need the H extension in the guest (§8.4-§8.7). */
    for (unsigned long fid = RFENCE_HFENCE_GVMA_VMID; fid <= RFENCE_HFENCE_VVMA; fid++) {
        snprintf(what, sizeof what, "RFENCE fid %lu (hfence, no H in the guest)(all, 0, 0, 0)",
                 fid);
        expect_error(rfence(fid, ALL_HARTS_MASK, ALL_HARTS_BASE, 0, 0, 0),
                     SBI_ERR_NOT_SUPPORTED, what);
    }
    snprintf(what, sizeof what, "RFENCE remote_fence_i(1, %u = N)", nharts);
    expect_error(rfence(RFENCE_FENCE_I, 1, nharts, 0, 0, 0), SBI_ERR_INVALID_PARAM, what);
    snprintf(what, sizeof what, "RFENCE remote_sfence_vma(0x%lx = bit N, 0, 0, 0)",
             1UL << nharts);
    expect_error(rfence(RFENCE_SFENCE_VMA, 1UL << nharts, 0, 0, 0, 0), SBI_ERR_INVALID_PARAM,
                 what);
    for (unsigned i = 1; i < nharts; i++)
        check_fence_i(i);
}

/* --- 4. Stop and restart (SBI spec v2.0 §9.2) ---------------------------------- */

/* Command hart i to hart_stop, which must not return; wait for STOPPED. */
static void stop_hart(unsigned i)
{
    struct hart *h = &smp_harts[i];
    bool posted = post(i, CMD_STOP, 0);
    bool stopped = posted && WAIT_UNTIL(status_is(i, HSM_STOPPED));
    bool returned = LOAD(h->ack) == h->seq;
    struct sbiret r = hart_status(i);
    ok(stopped && !returned && LOAD(h->ipis) == expected_ipis[i],
       "hart %u calls hart_stop: it does not return, hart_get_status(%u) -> STOPPED (1) "
       "(got %s, %s, status error %ld value %ld)", i, i, posted ? "posted" : "not posted",
       returned ? "returned" : "no return", r.error, r.value);
    if (returned)
        printf("# hart %u: hart_stop returned %ld\n", i, LOAD(h->result));
    alive[i] = false;
}

static void check_restart(void)
{
    for (unsigned i = 1; i < nharts; i++) {
        stop_hart(i);
        start_hart(i, OPAQUE_RESTART + i, "restarted");
    }
}

/* --- 5. Suspend (SBI spec v2.0 §9.4) ------------------------------------------- */

/* Hart 1 suspends (the command runs with SIE off, SSIE on); hart 0 waits for
   SUSPENDED and wakes it with an IPI, which hart 1 does not take as a trap. */
static bool suspend_and_wake(unsigned long cmd, unsigned long arg, const char *what)
{
    bool posted = post(1, cmd, arg);
    bool suspended = posted && WAIT_UNTIL(status_is(1, HSM_SUSPENDED));
    struct sbiret r = hart_status(1);
    ok(suspended, "hart 1 in a default %s suspend: hart_get_status(1) -> SUSPENDED (4) "
       "(got error %ld, value %ld%s)", what, r.error, r.value, posted ? "" : ", not posted");
    long e = send_ipi(1, 1).error;
    ok(e == SBI_SUCCESS, "IPI send_ipi(1, 1) to wake hart 1 -> 0 (got %ld)", e);
    return posted;
}

static void check_suspend(void)
{
    struct hart *h = &smp_harts[1];
    struct sbiret r;

    STORE(h->ssip, POISON);
    bool posted = suspend_and_wake(CMD_SUSPEND_RETENTIVE, 0, "retentive");
    bool back = posted && done(1);
    long result = LOAD(h->result);
    unsigned long ssip = LOAD(h->ssip);
    ok(back && result == SBI_SUCCESS && ssip == 1,
       "hart 1: hart_suspend(0 = default retentive, 0, 0) -> 0, woken with SSIP pending "
       "(got %s, error %ld, SSIP %lu)", back ? "back" : "no answer", result, ssip);
    r = hart_status(1);
    ok(r.error == SBI_SUCCESS && r.value == HSM_STARTED,
       "HSM hart_get_status(1) after the retentive suspend -> STARTED (0) "
       "(got error %ld, value %ld)", r.error, r.value);

    unsigned long entries = LOAD(h->entries);
    STORE(h->entry_a0, POISON);
    STORE(h->entry_a1, POISON);
    STORE(h->entry_satp, POISON);
    STORE(h->entry_sstatus, POISON);
    posted = suspend_and_wake(CMD_SUSPEND_NON_RETENTIVE, OPAQUE_RESUME, "non-retentive");
    bool resumed = posted && WAIT_UNTIL(LOAD(h->entries) == entries + 1);
    back = resumed && done(1);
    ok(back, "hart 1: hart_suspend(0x80000000 = default non-retentive, entry, 0x%lx) "
       "resumes at entry (got %s, entries %lu -> %lu, result %ld)", OPAQUE_RESUME,
       resumed ? "resumed" : "no resume", entries, LOAD(h->entries), LOAD(h->result));
    check_entry(1, OPAQUE_RESUME, "resumed");
    r = hart_status(1);
    ok(r.error == SBI_SUCCESS && r.value == HSM_STARTED,
       "HSM hart_get_status(1) after the non-retentive suspend -> STARTED (0) "
       "(got error %ld, value %ld)", r.error, r.value);
    long id = -1;
    bool answered = command(1, CMD_PING, 0, &id);
    ok(answered && id == 1, "hart 1 obeys commands after resuming (got %s, %ld)",
       answered ? "an answer" : "no answer", id);
}

/* --- 6. The end ------------------------------------------------------------------ */

static void check_end(void)
{
    for (unsigned i = 1; i < nharts; i++)
        stop_hart(i);
    bool clean = true;
    for (unsigned i = 1; i < nharts; i++) {
        unsigned long cause = LOAD(smp_harts[i].trap_cause);
        if (cause != 0) {
            printf("# hart %u: unexpected trap scause 0x%lx at sepc 0x%lx\n",
                   i, cause, LOAD(smp_harts[i].trap_epc));
            clean = false;
        }
    }
    ok(clean, "no secondary hart took an unexpected trap");
}

/* --- main ---------------------------------------------------------------------- */

/* N: the cpu@K nodes of the device tree, K = 0, 1, ... while there is one. */
static unsigned count_harts(unsigned long dtb)
{
    unsigned long size = dtb_size(dtb);
    unsigned n = 0;
    char name[8];
    while (n < SMP_MAX_HARTS && size != 0) {
        snprintf(name, sizeof name, "cpu@%u", n);
        if (!dtb_contains(dtb, size, name))
            break;
        n++;
    }
    return n;
}

int main(unsigned long hartid, unsigned long dtb)
{
    nharts = count_harts(dtb);
    printf("smp: %u vCPUs\n", nharts);
    if (hartid != 0 || nharts < 2) {
        printf("# smp: needs 2+ vCPUs\n");
        ok(false, "a VM with 2+ vCPUs, started on hart 0 (got %u vCPUs, hart %lu)",
           nharts, hartid);
        return tap_done();
    }
    /* Hart 0 takes IPIs too: the same vector, counted in smp_harts[0]. */
    csr_write(sscratch, 0UL);
    csr_write(stvec, (uintptr_t)guest_interrupt_vector);
    csr_set(sie, SIE_SSIE);
    csr_set(sstatus, SSTATUS_SIE);
    alive[0] = true;

    check_start();
    check_ipi();
    check_rfence();
    check_restart();
    check_suspend();
    check_end();
    csr_clear(sstatus, SSTATUS_SIE);
    return tap_done();
}
