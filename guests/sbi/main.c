/*
 * sbi: checks the SBI implementation RVH gives its guests against the SBI
 * specification v2.0, one TAP line per check, extension by extension: Base
 * (§4), the legacy extensions (§5), TIME (§6), IPI (§7), RFENCE (§8), HSM
 * (§9), SRST (§10), DBCN (§12) and RVH's own hypercalls; last, that every
 * register but the results survives an ecall, whichever way it is answered.
 *
 * The guest runs on hart 0 with 128 MiB of RAM at 0x80000000, in a VM of N
 * vCPUs (the cpu@K nodes of its device tree); hart N is the first one the VM
 * lacks, which the hart-mask and hart-id checks name.  It first sweeps every
 * extension with hostile arguments (every call must come back with a valid
 * error code), then checks each function's answer, every error code of the
 * HSM suspend and SRST tables included, with the upper 32 bits of the 32-bit
 * parameters set as well as clear (§3: only the low 32 bits count).  With
 * N >= 2, hart 1 makes the same suspend checks on its own (secondary.S) and
 * hart 0 reports them.  A few calls print on the console; their lines start
 * with "# " or "dbcn", so that a runner can find them (and check that
 * "SPANEND!" never appears).
 *
 * The SRST calls that succeed come last, since they end this life of the VM:
 * when every check passed, the guest asks for a cold reboot with bit 32 of
 * reset_type set; on its second boot (the RVH hypercall BOOTS says 2) for a
 * warm reboot with an implementation-specific reset_reason that has bit 32
 * set; on its third it stops its hart with HSM hart_stop, which must not
 * return.  A failed check shuts the VM down with "system failure" instead.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "guest.h"

/* --- The SBI as this guest sees it --------------------------------------- */

/* Error codes (SBI spec v2.0 §3.2); guest.h has 0, -2 and -3. */
#define SBI_ERR_FAILED              (-1)
#define SBI_ERR_INVALID_ADDRESS     (-5)
#define SBI_ERR_ALREADY_AVAILABLE   (-6)
#define SBI_ERR_LAST                (-9)        /* SBI_ERR_NO_SHMEM */

/* Extension ids (SBI spec v2.0 §4-§15). */
#define SBI_EXT_BASE    0x10
#define SBI_EXT_TIME    0x54494D45
#define SBI_EXT_IPI     0x735049
#define SBI_EXT_RFENCE  0x52464E43
#define SBI_EXT_HSM     0x48534D
#define SBI_EXT_PMU     0x504D55
#define SBI_EXT_SUSP    0x53555350
#define SBI_EXT_CPPC    0x43505043
#define SBI_EXT_STA     0x535441

/* Legacy extension ids: one function each (SBI spec v2.0 §5). */
#define LEGACY_SET_TIMER            0x00
#define LEGACY_CONSOLE_PUTCHAR      0x01
#define LEGACY_CONSOLE_GETCHAR      0x02
#define LEGACY_CLEAR_IPI            0x03
#define LEGACY_SEND_IPI             0x04
#define LEGACY_REMOTE_FENCE_I       0x05
#define LEGACY_REMOTE_SFENCE_VMA    0x06
#define LEGACY_REMOTE_SFENCE_VMA_ASID 0x07
#define LEGACY_SHUTDOWN             0x08        /* never called here */

/* Function ids that are used more than once (SBI spec v2.0 §9, §12). */
#define HSM_HART_START      0
#define HSM_HART_STOP       1
#define HSM_HART_GET_STATUS 2
#define HSM_HART_SUSPEND    3
#define DBCN_WRITE          0
#define DBCN_READ           1

/* The answers this guest expects from RVH. */
#define SPEC_VERSION_2_0    0x02000000L         /* major 2 in bits 30:24 (§4.1) */
#define RVH_IMPL_ID         0x52564842L         /* "RVHB" */
#define RVH_IMPL_VERSION    0x00010000L
#define RAM_END             (GUEST_RAM_BASE + GUEST_RAM_SIZE)
#define DEADBEEF            0xdeadbeefdeadbeefUL

/* The guest's interrupt-pending bits (Priv. spec §4.1.3); in VS-mode, sip
   is vsip and sie is vsie. */
#define SIP_SSIP            (1UL << 1)
#define SIE_STIE            (1UL << 5)
#define SSTATUS_SIE         (1UL << 1)

/* suspend.S */
long hsm_suspend_nonretentive(unsigned long type, unsigned long resume_addr,
                              unsigned long opaque);
void suspend_resume(void);
extern volatile unsigned long suspend_resume_a0, suspend_resume_a1,
                              suspend_resume_satp, suspend_resume_sstatus;

/* secondary.S: hart 1's entry, and what it found there: a0, a1, satp,
   sstatus, and the scause of an unexpected trap (0: none). */
void secondary_entry(void);
extern volatile unsigned long secondary_regs[5];

/* The VM's vCPUs: harts 0 .. nharts - 1; hart nharts is the first it lacks. */
static unsigned nharts = 1;

/* A call with up to six arguments, the missing ones 0:
   CALL(SBI_EXT_IPI, 0, 1, 0) is send_ipi(hart_mask 1, hart_mask_base 0). */
#define CALL(eid, fid, ...) call_args((eid), (fid), (const unsigned long[6]){ __VA_ARGS__ })

static struct sbiret call_args(unsigned long eid, unsigned long fid, const unsigned long a[6])
{
    return sbi_call(eid, fid, a[0], a[1], a[2], a[3], a[4], a[5]);
}

/* A legacy call (SBI spec v2.0 §5): the result is a0 alone, and a1, like
   every other register, must come back as it went in. */
struct legacy_ret {
    long error;                 /* a0 after the call */
    unsigned long a1;           /* a1 after the call */
};

#define LEGACY_CANARY   0xa1a1c0dec0dea1a1UL

static struct legacy_ret legacy_call(unsigned long eid, unsigned long a0, unsigned long a1,
                                     unsigned long a2, unsigned long a3)
{
    unsigned long r[8] = { a0, a1, a2, a3, 0, 0, 0, eid };
    ecall_regs(r);
    return (struct legacy_ret){ .error = (long)r[0], .a1 = r[1] };
}

/* --- Checking answers ------------------------------------------------------ */

/* ok() for one call: "WHAT -> WANT (got error E, value V)". */
static bool __attribute__((format(printf, 4, 5)))
expect(struct sbiret r, long want_error, const long *want_value, const char *fmt, ...)
{
    char what[112];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    if (want_value)
        return ok(r.error == want_error && r.value == *want_value,
                  "%s -> %ld, value 0x%lx (got error %ld, value 0x%lx)",
                  what, want_error, *want_value, r.error, r.value);
    return ok(r.error == want_error, "%s -> %ld (got error %ld, value 0x%lx)",
              what, want_error, r.error, r.value);
}

#define EXPECT_ERR(r, err, ...)     expect((r), (err), NULL, __VA_ARGS__)
#define EXPECT_VAL(r, err, val, ...) expect((r), (err), &(const long){ (val) }, __VA_ARGS__)

/* ok() for one legacy call: the error in a0 and a1 kept. */
static bool legacy_expect(struct legacy_ret r, long want, unsigned long a1_in, const char *what)
{
    return ok(r.error == want && r.a1 == a1_in,
              "legacy %s -> %ld, a1 kept (got a0 %ld, a1 0x%lx)", what, want, r.error, r.a1);
}

static bool ssip_pending(void)
{
    return (csr_read(sip) & SIP_SSIP) != 0;
}

/* Clear our pending software interrupt as a guest's handler would. */
static void ssip_clear(void)
{
    csr_clear(sip, SIP_SSIP);
}

static unsigned long read_time(void)
{
    return csr_read(time);
}

/* --- Sweep: every call comes back with a valid error --------------------- */

/* SBI spec v2.0 §3: every call returns an error in a0, 0 or one of the
   codes of §3.2, and keeps every register but a0 and a1 (the legacy calls
   also keep a1, §5).  The sweep runs first, before any state it could
   disturb is checked: all six arguments are 0xdeadbeefdeadbeef, which is
   no valid hart, address, mask, reset type or suspend type. */
struct sweep {
    unsigned long calls, bad_error, clobbered;
    unsigned long bad_eid, bad_fid, clobbered_eid, clobbered_fid;
    long bad_value;
    long legacy_send_ipi, srst_reset, hsm_suspend, hsm_start;
};

static long sweep_call(struct sweep *s, unsigned long eid, unsigned long fid)
{
    unsigned long r[8] = { DEADBEEF, DEADBEEF, DEADBEEF, DEADBEEF, DEADBEEF, DEADBEEF, fid, eid };
    ecall_regs(r);
    long error = (long)r[0];
    s->calls++;
    if ((error > 0 || error < SBI_ERR_LAST) && s->bad_error++ == 0) {
        s->bad_eid = eid;
        s->bad_fid = fid;
        s->bad_value = error;
    }
    bool kept = eid > 0x0f || r[1] == DEADBEEF;
    for (int i = 2; i < 6; i++)
        kept = kept && r[i] == DEADBEEF;
    kept = kept && r[6] == fid && r[7] == eid;
    if (!kept && s->clobbered++ == 0) {
        s->clobbered_eid = eid;
        s->clobbered_fid = fid;
    }
    return error;
}

/* A fixed-seed linear congruential generator (Knuth's MMIX constants). */
static unsigned long lcg_state = 0x5b1e5eed5b1e5eedUL;

static unsigned long lcg_next(void)
{
    lcg_state = lcg_state * 6364136223846793005UL + 1442695040888963407UL;
    return lcg_state;
}

/* A random value of 64, 48, 32 or 16 bits, so that small numbers come up too. */
static unsigned long lcg_sized(void)
{
    unsigned shift = (unsigned)(lcg_next() >> 62) * 16;
    return lcg_next() >> shift;
}

static const unsigned long standard_eids[] = {
    SBI_EXT_BASE, SBI_EXT_TIME, SBI_EXT_IPI, SBI_EXT_RFENCE, SBI_EXT_HSM,
    SBI_EXT_SRST, SBI_EXT_DBCN, SBI_EXT_STA, RVH_EXT,
};
#define N_STANDARD (sizeof standard_eids / sizeof standard_eids[0])

static bool is_standard(unsigned long eid)
{
    for (unsigned i = 0; i < N_STANDARD; i++)
        if (standard_eids[i] == eid)
            return true;
    return false;
}

static void check_sweep(void)
{
    struct sweep s = { .calls = 0 };
    bool ssip_before = ssip_pending();
    /* Legacy console_putchar and DBCN write_byte print the low byte of a0:
       keep those bytes on one comment line. */
    printf("# sweep: console calls print byte 0x%02lx here: ", DEADBEEF & 0xff);
    for (unsigned long eid = 0x00; eid <= 0x0f; eid++) {
        if (eid == LEGACY_SHUTDOWN)
            continue;
        for (unsigned long fid = 0; fid <= 16; fid++) {
            long e = sweep_call(&s, eid, fid);
            /* send_ipi keeps the first answer other than -5, else -5 */
            if (eid == LEGACY_SEND_IPI && (fid == 0 || e != SBI_ERR_INVALID_ADDRESS))
                s.legacy_send_ipi = e;
        }
    }
    for (unsigned i = 0; i < N_STANDARD; i++) {
        unsigned long eid = standard_eids[i];
        for (unsigned long fid = 0; fid <= 16; fid++) {
            if (eid == SBI_EXT_HSM && fid == HSM_HART_STOP)
                continue;
            long e = sweep_call(&s, eid, fid);
            if (eid == SBI_EXT_SRST && fid == SBI_SRST_SYSTEM_RESET)
                s.srst_reset = e;
            if (eid == SBI_EXT_HSM && fid == HSM_HART_SUSPEND)
                s.hsm_suspend = e;
            if (eid == SBI_EXT_HSM && fid == HSM_HART_START)
                s.hsm_start = e;
        }
    }
    for (int n = 0; n < 200; ) {
        unsigned long eid = lcg_sized();
        if (eid <= SBI_EXT_BASE || is_standard(eid))
            continue;
        sweep_call(&s, eid, lcg_sized());
        n++;
    }
    putchar('\n');

    if (s.bad_error)
        printf("# sweep: first bad error %ld from eid 0x%lx fid 0x%lx\n",
               s.bad_value, s.bad_eid, s.bad_fid);
    ok(s.bad_error == 0, "sweep: %lu calls returned valid error codes (%lu did not)",
       s.calls, s.bad_error);
    if (s.clobbered)
        printf("# sweep: first call that changed a register: eid 0x%lx fid 0x%lx\n",
               s.clobbered_eid, s.clobbered_fid);
    ok(s.clobbered == 0, "sweep: a2..a7 (and a1 of legacy calls) kept by all %lu calls "
       "(%lu changed them)", s.calls, s.clobbered);
    bool ssip_after = ssip_pending();
    ok(s.legacy_send_ipi == SBI_ERR_INVALID_ADDRESS && !ssip_before && !ssip_after,
       "sweep: legacy send_ipi(0xdeadbeefdeadbeef) -> -5 for every fid, SSIP not set "
       "(got %ld, SSIP %d -> %d)", s.legacy_send_ipi, ssip_before, ssip_after);
    ok(s.srst_reset == SBI_ERR_INVALID_PARAM,
       "sweep: SRST system_reset(0xdeadbeefdeadbeef, ...) -> -3 (got %ld)", s.srst_reset);
    ok(s.hsm_suspend == SBI_ERR_INVALID_PARAM,
       "sweep: HSM hart_suspend(0xdeadbeefdeadbeef, ...) -> -3 (got %ld)", s.hsm_suspend);
    ok(s.hsm_start == SBI_ERR_INVALID_PARAM,
       "sweep: HSM hart_start(0xdeadbeefdeadbeef, ...) -> -3 (got %ld)", s.hsm_start);
    if (ssip_after)
        ssip_clear();
}

/* --- Steal-time accounting (SBI spec v2.0 §16) ------------------------------ */
static uint8_t sta_record[128] __attribute__((aligned(64)));

static void check_sta(void)
{
    unsigned long rec = (uintptr_t)sta_record;
    memset(sta_record, 0xa5, sizeof sta_record);
    EXPECT_ERR(CALL(SBI_EXT_STA, 0, rec, 0, 1), SBI_ERR_INVALID_PARAM,
               "STA set_shmem(record, 0, flags 1) -> -3");
    EXPECT_ERR(CALL(SBI_EXT_STA, 0, rec + 8, 0, 0), SBI_ERR_INVALID_PARAM,
               "STA set_shmem(record + 8: not 64-byte aligned) -> -3");
    EXPECT_ERR(CALL(SBI_EXT_STA, 0, rec, 1, 0), SBI_ERR_INVALID_ADDRESS,
               "STA set_shmem(record, hi 1) -> -5");
    EXPECT_ERR(CALL(SBI_EXT_STA, 0, 0x1000, 0, 0), SBI_ERR_INVALID_ADDRESS,
               "STA set_shmem(0x1000: no RAM) -> -5");
    EXPECT_ERR(CALL(SBI_EXT_STA, 0, 0x10000000, 0, 0), SBI_ERR_INVALID_ADDRESS,
               "STA set_shmem(0x10000000: the UART) -> -5");
    EXPECT_ERR(CALL(SBI_EXT_STA, 0, RAM_END - 64, 0, 0), SBI_SUCCESS,
               "STA set_shmem(the last 64 bytes of RAM) -> 0");
    ok(sta_record[0] == 0xa5, "STA: a refused call wrote nothing");
    EXPECT_VAL(CALL(SBI_EXT_STA, 0, rec, 0, 0), SBI_SUCCESS, 0, "STA set_shmem(record) -> 0");
    bool zeroed = true;
    for (unsigned i = 0; i < 64; i++)
        zeroed &= sta_record[i] == 0;
    ok(zeroed && sta_record[64] == 0xa5, "STA: the record's 64 bytes zeroed, no more");
    EXPECT_ERR(CALL(SBI_EXT_STA, 0, ~0UL, ~0UL, 0), SBI_SUCCESS, "STA set_shmem(-1, -1): off");
    EXPECT_ERR(CALL(SBI_EXT_STA, 0, ~0UL, ~0UL, 2), SBI_ERR_INVALID_PARAM,
               "STA set_shmem(-1, -1, flags 2) -> -3");
    EXPECT_ERR(CALL(SBI_EXT_STA, 1, 0), SBI_ERR_NOT_SUPPORTED, "STA fid 1");
}

/* --- Base extension (SBI spec v2.0 §4) ------------------------------------ */

static const struct { unsigned long eid; const char *name; long available; } probes[] = {
    { SBI_EXT_BASE, "BASE", 1 },
    { 0x00, "legacy set_timer", 1 }, { 0x01, "legacy console_putchar", 1 },
    { 0x02, "legacy console_getchar", 1 }, { 0x03, "legacy clear_ipi", 1 },
    { 0x04, "legacy send_ipi", 1 }, { 0x05, "legacy remote_fence_i", 1 },
    { 0x06, "legacy remote_sfence_vma", 1 }, { 0x07, "legacy remote_sfence_vma_asid", 1 },
    { 0x08, "legacy shutdown", 1 },
    { SBI_EXT_TIME, "TIME", 1 }, { SBI_EXT_IPI, "IPI", 1 }, { SBI_EXT_RFENCE, "RFENCE", 1 },
    { SBI_EXT_HSM, "HSM", 1 }, { SBI_EXT_SRST, "SRST", 1 }, { SBI_EXT_DBCN, "DBCN", 1 },
    { RVH_EXT, "RVH", 1 },
    { 0x09, "legacy 0x09", 0 }, { 0x0f, "legacy 0x0f", 0 },
    { SBI_EXT_PMU, "PMU", 0 }, { SBI_EXT_SUSP, "SUSP", 0 }, { SBI_EXT_CPPC, "CPPC", 0 },
    { SBI_EXT_STA, "STA", 1 }, { 0x12345678, "unknown", 0 },
};

static void check_base(void)
{
    EXPECT_VAL(CALL(SBI_EXT_BASE, 0, 0), SBI_SUCCESS, SPEC_VERSION_2_0, "BASE get_spec_version");
    EXPECT_VAL(CALL(SBI_EXT_BASE, 1, 0), SBI_SUCCESS, RVH_IMPL_ID, "BASE get_impl_id");
    EXPECT_VAL(CALL(SBI_EXT_BASE, 2, 0), SBI_SUCCESS, RVH_IMPL_VERSION, "BASE get_impl_version");
    for (unsigned i = 0; i < sizeof probes / sizeof probes[0]; i++)
        EXPECT_VAL(CALL(SBI_EXT_BASE, 3, probes[i].eid), SBI_SUCCESS, probes[i].available,
                   "BASE probe_extension(0x%lx, %s)", probes[i].eid, probes[i].name);
    /* Any value is allowed, 0 included (§4.5-§4.7). */
    EXPECT_ERR(CALL(SBI_EXT_BASE, 4, 0), SBI_SUCCESS, "BASE get_mvendorid");
    EXPECT_ERR(CALL(SBI_EXT_BASE, 5, 0), SBI_SUCCESS, "BASE get_marchid");
    EXPECT_ERR(CALL(SBI_EXT_BASE, 6, 0), SBI_SUCCESS, "BASE get_mimpid");
    EXPECT_ERR(CALL(SBI_EXT_BASE, 7, 0), SBI_ERR_NOT_SUPPORTED, "BASE fid 7");
}

/* --- Legacy extensions (SBI spec v2.0 §5) --------------------------------- */

/* Hart masks are passed by address (§5.4-§5.7); they live in .data.
   hart_mask_absent names hart N, which the VM lacks (set by main). */
static unsigned long hart_mask_1 = 1, hart_mask_absent = 2;

static void check_legacy(void)
{
    struct legacy_ret r;
    const unsigned long c = LEGACY_CANARY;
    uintptr_t mask1 = (uintptr_t)&hart_mask_1, mask2 = (uintptr_t)&hart_mask_absent;

    legacy_expect(legacy_call(LEGACY_SET_TIMER, ~0UL, c, 0, 0), 0, c, "set_timer(~0)");

    printf("# legacy console_putchar prints: ");
    r = legacy_call(LEGACY_CONSOLE_PUTCHAR, 'L', c, 0, 0);
    putchar('\n');
    legacy_expect(r, 0, c, "console_putchar('L')");
    /* ch is an int (§5.2): the byte is its low 8 bits, whatever is above. */
    printf("# legacy console_putchar(0x...4d) prints: ");
    r = legacy_call(LEGACY_CONSOLE_PUTCHAR, 0x5a5a5a5a0000004dUL, c, 0, 0);
    putchar('\n');
    legacy_expect(r, 0, c, "console_putchar(0x5a5a5a5a0000004d = 'M', upper bits set)");

    legacy_expect(legacy_call(LEGACY_CONSOLE_GETCHAR, 0, c, 0, 0), -1, c,
                  "console_getchar with no input");

    r = legacy_call(LEGACY_SEND_IPI, mask1, c, 0, 0);
    bool set = ssip_pending();
    ok(r.error == 0 && r.a1 == c && set,
       "legacy send_ipi(&mask 1) -> 0, a1 kept, SSIP set (got a0 %ld, a1 0x%lx, SSIP %d)",
       r.error, r.a1, set);
    /* clear_ipi answers whether an IPI was pending: 0 if none, a positive
       value of the implementation's choosing if one was (§5.4). */
    r = legacy_call(LEGACY_CLEAR_IPI, 0, c, 0, 0);
    set = ssip_pending();
    ok(r.error > 0 && r.a1 == c && !set,
       "legacy clear_ipi with an IPI pending -> positive, a1 kept, SSIP clear "
       "(got a0 %ld, a1 0x%lx, SSIP %d)", r.error, r.a1, set);
    r = legacy_call(LEGACY_CLEAR_IPI, 0, c, 0, 0);
    ok(r.error == 0 && r.a1 == c, "legacy clear_ipi with none pending -> 0, a1 kept "
       "(got a0 %ld, a1 0x%lx)", r.error, r.a1);

    r = legacy_call(LEGACY_SEND_IPI, 0, c, 0, 0);
    set = ssip_pending();
    ssip_clear();
    bool cleared = !ssip_pending();
    ok(r.error == 0 && r.a1 == c && set && cleared,
       "legacy send_ipi(NULL = all harts) -> 0, a1 kept, SSIP set, cleared by csrc sip "
       "(got a0 %ld, a1 0x%lx, SSIP %d, after csrc %d)", r.error, r.a1, set, !cleared);

    r = legacy_call(LEGACY_SEND_IPI, 0x10, c, 0, 0);
    set = ssip_pending();
    ok(r.error == SBI_ERR_INVALID_ADDRESS && r.a1 == c && !set,
       "legacy send_ipi(0x10, outside RAM) -> -5, a1 kept, SSIP clear "
       "(got a0 %ld, a1 0x%lx, SSIP %d)", r.error, r.a1, set);
    r = legacy_call(LEGACY_SEND_IPI, mask2, c, 0, 0);
    set = ssip_pending();
    ok(r.error == SBI_ERR_INVALID_PARAM && r.a1 == c && !set,
       "legacy send_ipi(&mask 0x%lx, no hart %u) -> -3, a1 kept, SSIP clear "
       "(got a0 %ld, a1 0x%lx, SSIP %d)", hart_mask_absent, nharts, r.error, r.a1, set);
    if (set)
        ssip_clear();

    legacy_expect(legacy_call(LEGACY_REMOTE_FENCE_I, mask1, c, 0, 0), 0, c,
                  "remote_fence_i(&mask 1)");
    /* remote_sfence_vma's a1 is start: it must come back as it went in. */
    legacy_expect(legacy_call(LEGACY_REMOTE_SFENCE_VMA, mask1, 0, 0, 0), 0, 0,
                  "remote_sfence_vma(&mask 1, 0, 0)");
    legacy_expect(legacy_call(LEGACY_REMOTE_SFENCE_VMA_ASID, mask1, GUEST_LOAD_ADDR, 4096, 1),
                  0, GUEST_LOAD_ADDR, "remote_sfence_vma_asid(&mask 1, 0x80200000, 4096, 1)");

    /* 0x09-0x0F are in the legacy range but defined by nobody. */
    long got[7];
    bool all = true;
    for (unsigned long eid = 0x09; eid <= 0x0f; eid++) {
        r = legacy_call(eid, 0, c, 0, 0);
        got[eid - 0x09] = r.error;
        all = all && r.error == SBI_ERR_NOT_SUPPORTED && r.a1 == c;
    }
    ok(all, "legacy EIDs 0x09..0x0f -> -2, a1 kept (got %ld %ld %ld %ld %ld %ld %ld)",
       got[0], got[1], got[2], got[3], got[4], got[5], got[6]);
}

/* --- TIME (SBI spec v2.0 §6) ------------------------------------------------ */

static void check_time(void)
{
    unsigned long when = read_time() + 1000000000UL;
    EXPECT_ERR(CALL(SBI_EXT_TIME, 0, when), SBI_SUCCESS, "TIME set_timer(now + 10^9 = 0x%lx)", when);
    EXPECT_ERR(CALL(SBI_EXT_TIME, 0, ~0UL), SBI_SUCCESS, "TIME set_timer(~0)");
    EXPECT_ERR(CALL(SBI_EXT_TIME, 1, 0), SBI_ERR_NOT_SUPPORTED, "TIME fid 1");
}

/* --- IPI (SBI spec v2.0 §7) ------------------------------------------------- */

/* send_ipi to a set that includes hart 0: our SSIP must be pending. */
static void ipi_to_self(unsigned long mask, unsigned long base)
{
    struct sbiret r = CALL(SBI_EXT_IPI, 0, mask, base);
    bool set = ssip_pending();
    ssip_clear();
    bool cleared = !ssip_pending();
    ok(r.error == 0 && set && cleared,
       "IPI send_ipi(0x%lx, 0x%lx) -> 0, SSIP set, cleared by csrc sip "
       "(got error %ld, SSIP %d, after csrc %d)", mask, base, r.error, set, !cleared);
}

/* send_ipi to nobody, or refused: SSIP stays clear. */
static void ipi_not_to_self(unsigned long mask, unsigned long base, long want)
{
    struct sbiret r = CALL(SBI_EXT_IPI, 0, mask, base);
    bool set = ssip_pending();
    ok(r.error == want && !set, "IPI send_ipi(0x%lx, 0x%lx) -> %ld, SSIP clear "
       "(got error %ld, SSIP %d)", mask, base, want, r.error, set);
    if (set)
        ssip_clear();
}

static void check_ipi(void)
{
    ipi_to_self(1, 0);
    ipi_to_self(0, ~0UL);                       /* base -1: every hart (§7.1) */
    ipi_not_to_self(0, 0, SBI_SUCCESS);         /* an empty set */
    ipi_not_to_self(1UL << nharts, 0, SBI_ERR_INVALID_PARAM);     /* hart N */
    ipi_not_to_self(1, nharts, SBI_ERR_INVALID_PARAM);
    ipi_not_to_self(1, 1UL << 63, SBI_ERR_INVALID_PARAM);
    EXPECT_ERR(CALL(SBI_EXT_IPI, 1, 0), SBI_ERR_NOT_SUPPORTED, "IPI fid 1");
}

/* --- RFENCE (SBI spec v2.0 §8) ---------------------------------------------- */

static void check_rfence(void)
{
    EXPECT_ERR(CALL(SBI_EXT_RFENCE, 0, 1, 0), SBI_SUCCESS, "RFENCE remote_fence_i(1, 0)");
    EXPECT_ERR(CALL(SBI_EXT_RFENCE, 1, 1, 0, 0, 0), SBI_SUCCESS,
               "RFENCE remote_sfence_vma(1, 0, 0, 0)");
    EXPECT_ERR(CALL(SBI_EXT_RFENCE, 1, 1, 0, GUEST_LOAD_ADDR, 8192), SBI_SUCCESS,
               "RFENCE remote_sfence_vma(1, 0, 0x80200000, 8192)");
    EXPECT_ERR(CALL(SBI_EXT_RFENCE, 1, 1, 0, 0, ~0UL), SBI_SUCCESS,
               "RFENCE remote_sfence_vma(1, 0, 0, ~0 = everything)");
    EXPECT_ERR(CALL(SBI_EXT_RFENCE, 1, 0, ~0UL, 0, 0), SBI_SUCCESS,
               "RFENCE remote_sfence_vma(0, ~0 = all harts, 0, 0)");
    EXPECT_ERR(CALL(SBI_EXT_RFENCE, 2, 1, 0, GUEST_LOAD_ADDR, 4096, 7), SBI_SUCCESS,
               "RFENCE remote_sfence_vma_asid(1, 0, 0x80200000, 4096, 7)");
    for (unsigned long fid = 0; fid <= 2; fid++)
        EXPECT_ERR(CALL(SBI_EXT_RFENCE, fid, 1UL << nharts, 0, 0, 0), SBI_ERR_INVALID_PARAM,
                   "RFENCE fid %lu with hart mask 0x%lx (no hart %u)", fid, 1UL << nharts,
                   nharts);
    EXPECT_ERR(CALL(SBI_EXT_RFENCE, 1, 1, 0, 0xFFFFFFFFFFFFF000UL, 0x2000),
               SBI_ERR_INVALID_ADDRESS,
               "RFENCE remote_sfence_vma(1, 0, 0xfffffffffffff000, 0x2000: wraps)");
    /* The hfence variants need the H extension, which the guest lacks (§8.4). */
    for (unsigned long fid = 3; fid <= 7; fid++)
        EXPECT_ERR(CALL(SBI_EXT_RFENCE, fid, 1, 0, 0, 0, 0), SBI_ERR_NOT_SUPPORTED,
                   "RFENCE fid %lu%s", fid, fid < 7 ? " (hfence, no H in the guest)" : "");
}

/* --- HSM (SBI spec v2.0 §9) ------------------------------------------------- */

#define HSM_STARTED             0
#define HSM_STOPPED             1
#define SUSPEND_RETENTIVE       0x00000000UL
#define SUSPEND_NON_RETENTIVE   0x80000000UL
#define UPPER_BITS              0xffffffff00000000UL    /* ignored in a 32-bit parameter */
#define SUSPEND_OPAQUE          0x1234UL
#define NO_RESUME               0x1000UL        /* no RAM: no hart can resume there */
#define TEN_MS_OF_TICKS         100000UL        /* QEMU virt: timebase 10 MHz */
#define TWO_S_OF_TICKS          20000000UL

/* suspend_type is 32-bit (§9.4), so only its low 32 bits count (§3).  These
   types must be refused with INVALID_PARAM, by the table of §9.4: they are
   reserved, or platform-specific and not implemented (RVH implements the two
   defaults and no other).  The last two have upper bits set. */
static const unsigned long refused_types[] = {
    0x00000001, 0x0fffffff,             /* reserved */
    0x10000000, 0x7fffffff,             /* platform-specific retentive */
    0x80000001, 0x8fffffff,             /* reserved */
    0x90000000, 0xffffffff,             /* platform-specific non-retentive */
    UPPER_BITS | 0x00000001, ~0UL,      /* the same, upper bits set */
};
#define N_REFUSED (sizeof refused_types / sizeof refused_types[0])

static const char *suspend_type_name(unsigned long type)
{
    uint32_t t = (uint32_t)type;
    if (t == SUSPEND_RETENTIVE || t == SUSPEND_NON_RETENTIVE)
        return "default";
    if (t < 0x10000000 || (t > SUSPEND_NON_RETENTIVE && t < 0x90000000))
        return "reserved";
    return "platform-specific";
}

/* A suspend ends when an interrupt enabled in sie becomes pending (§9.4).
   So that one comes, a timer is armed 10 ms ahead and sie.STIE set;
   sstatus.SIE stays 0, so nothing traps. */
static void arm_wakeup(void)
{
    CALL(SBI_EXT_TIME, 0, read_time() + TEN_MS_OF_TICKS);
    csr_set(sie, SIE_STIE);
}

static void disarm_wakeup(void)
{
    csr_clear(sie, SIE_STIE);
    CALL(SBI_EXT_TIME, 0, ~0UL);
}

/* Each refused type, with resume_addr NO_RESUME: a type wrongly taken for a
   non-retentive suspend still returns (-5), one wrongly taken for a
   retentive suspend ends with the timer.  Runs on any hart: no printing. */
static void try_refused_types(long err[N_REFUSED])
{
    arm_wakeup();
    for (unsigned i = 0; i < N_REFUSED; i++)
        err[i] = CALL(SBI_EXT_HSM, HSM_HART_SUSPEND, refused_types[i], NO_RESUME, 0).error;
    disarm_wakeup();
}

/* A retentive suspend returns like wfi (§9.4); the ticks it took. */
static long retentive_suspend(unsigned long type, unsigned long *ticks)
{
    unsigned long t0 = read_time();
    arm_wakeup();
    long e = CALL(SBI_EXT_HSM, HSM_HART_SUSPEND, type, 0, 0).error;
    *ticks = read_time() - t0;
    disarm_wakeup();
    return e;
}

static void check_retentive_suspend(unsigned long type)
{
    unsigned long ticks;
    long e = retentive_suspend(type, &ticks);
    ok(e == SBI_SUCCESS, "HSM hart_suspend(0x%lx = default retentive, 0, 0) -> 0 "
       "(got error %ld, back after %lu ticks)", type, e, ticks);
}

/* A default non-retentive suspend resumes at resume_addr with a0 = hart id
   and a1 = opaque; suspend.S catches it there and brings us back. */
static void check_non_retentive_suspend(unsigned long type)
{
    suspend_resume_a0 = suspend_resume_a1 = ~0UL;
    suspend_resume_satp = suspend_resume_sstatus = ~0UL;
    arm_wakeup();
    long r = hsm_suspend_nonretentive(type, (uintptr_t)suspend_resume, SUSPEND_OPAQUE);
    disarm_wakeup();
    ok(r == 1, "HSM hart_suspend(0x%lx = default non-retentive, 0x%lx, 0x%lx) resumed at "
       "resume_addr (got %s %ld)", type, (unsigned long)(uintptr_t)suspend_resume,
       SUSPEND_OPAQUE, r == 1 ? "resume" : "error", r);
    if (r != 1)
        return;
    ok(suspend_resume_a0 == 0 && suspend_resume_a1 == SUSPEND_OPAQUE,
       "HSM resume: a0 = hart id 0, a1 = opaque 0x%lx (got a0 0x%lx, a1 0x%lx)",
       SUSPEND_OPAQUE, suspend_resume_a0, suspend_resume_a1);
    ok(suspend_resume_satp == 0 && (suspend_resume_sstatus & SSTATUS_SIE) == 0,
       "HSM resume: satp = 0, sstatus.SIE = 0 (got satp 0x%lx, sstatus 0x%lx)",
       suspend_resume_satp, suspend_resume_sstatus);
}

/* Every row of the error table of §9.4 that RVH can give: SUCCESS (both
   defaults, with and without upper bits), INVALID_PARAM (reserved and
   platform-specific types) and INVALID_ADDRESS.  NOT_SUPPORTED (a type
   implemented but lacking a dependency) and FAILED have no cause here. */
static void check_suspend(void)
{
    long err[N_REFUSED];
    check_retentive_suspend(SUSPEND_RETENTIVE);
    check_retentive_suspend(UPPER_BITS | SUSPEND_RETENTIVE);
    try_refused_types(err);
    for (unsigned i = 0; i < N_REFUSED; i++)
        EXPECT_ERR(((struct sbiret){ err[i], 0 }), SBI_ERR_INVALID_PARAM,
                   "HSM hart_suspend(0x%lx = %s, 0x1000, 0)", refused_types[i],
                   suspend_type_name(refused_types[i]));
    EXPECT_ERR(CALL(SBI_EXT_HSM, HSM_HART_SUSPEND, SUSPEND_NON_RETENTIVE, NO_RESUME, 0),
               SBI_ERR_INVALID_ADDRESS, "HSM hart_suspend(0x80000000, 0x1000, 0)");
    EXPECT_ERR(CALL(SBI_EXT_HSM, HSM_HART_SUSPEND, UPPER_BITS | SUSPEND_NON_RETENTIVE,
                    NO_RESUME, 0),
               SBI_ERR_INVALID_ADDRESS, "HSM hart_suspend(0x%lx, 0x1000, 0)",
               UPPER_BITS | SUSPEND_NON_RETENTIVE);
    check_non_retentive_suspend(SUSPEND_NON_RETENTIVE);
    check_non_retentive_suspend(UPPER_BITS | SUSPEND_NON_RETENTIVE);
}

static void check_hsm(void)
{
    EXPECT_VAL(CALL(SBI_EXT_HSM, HSM_HART_GET_STATUS, 0), SBI_SUCCESS, HSM_STARTED,
               "HSM hart_get_status(0)");
    EXPECT_ERR(CALL(SBI_EXT_HSM, HSM_HART_GET_STATUS, nharts), SBI_ERR_INVALID_PARAM,
               "HSM hart_get_status(%u = N)", nharts);
    EXPECT_ERR(CALL(SBI_EXT_HSM, HSM_HART_GET_STATUS, ~0UL), SBI_ERR_INVALID_PARAM,
               "HSM hart_get_status(~0)");

    EXPECT_ERR(CALL(SBI_EXT_HSM, HSM_HART_START, nharts, GUEST_LOAD_ADDR, 0),
               SBI_ERR_INVALID_PARAM, "HSM hart_start(%u = N, 0x80200000, 0)", nharts);
    /* The address is checked before the hart's state (§9.1). */
    EXPECT_ERR(CALL(SBI_EXT_HSM, HSM_HART_START, 0, 0x1000, 0), SBI_ERR_INVALID_ADDRESS,
               "HSM hart_start(0, 0x1000, 0)");
    EXPECT_ERR(CALL(SBI_EXT_HSM, HSM_HART_START, 0, RAM_END, 0), SBI_ERR_INVALID_ADDRESS,
               "HSM hart_start(0, 0x%lx = end of RAM, 0)", RAM_END);
    EXPECT_ERR(CALL(SBI_EXT_HSM, HSM_HART_START, 0, GUEST_LOAD_ADDR, 0),
               SBI_ERR_ALREADY_AVAILABLE, "HSM hart_start(0, 0x80200000, 0)");

    check_suspend();
    EXPECT_ERR(CALL(SBI_EXT_HSM, 4, 0), SBI_ERR_NOT_SUPPORTED, "HSM fid 4");
}

/* --- HSM suspend on a secondary hart (SBI spec v2.0 §9.4) ------------------- */

#define SEC_FIRST       0x5ec1UL        /* opaque of hart_start */
#define SEC_RESUMED     0x5ec2UL        /* opaque of the non-retentive suspend */

/* What hart 1 found, for hart 0 to report. */
static struct {
    long refused[N_REFUSED];
    long retentive;
    unsigned long retentive_ticks;
    long bad_resume;            /* non-retentive, upper bits, resume_addr 0x1000 */
    long non_retentive;         /* the same to secondary_entry, if it returned */
    unsigned long stage;        /* 1: that suspend returned; 2: it resumed */
} sec;

/* Hart 1, started at secondary_entry with opaque SEC_FIRST: the suspend
   checks of check_suspend, with upper bits set; then a non-retentive suspend
   that resumes at secondary_entry with opaque SEC_RESUMED; then hart_stop. */
noreturn void secondary_main(unsigned long hartid, unsigned long opaque);
noreturn void secondary_main(unsigned long hartid, unsigned long opaque)
{
    (void)hartid;                       /* secondary.S recorded it */
    if (opaque == SEC_FIRST) {
        try_refused_types(sec.refused);
        sec.retentive = retentive_suspend(UPPER_BITS | SUSPEND_RETENTIVE,
                                          &sec.retentive_ticks);
        sec.bad_resume = CALL(SBI_EXT_HSM, HSM_HART_SUSPEND,
                              UPPER_BITS | SUSPEND_NON_RETENTIVE, NO_RESUME, 0).error;
        arm_wakeup();
        sec.non_retentive = CALL(SBI_EXT_HSM, HSM_HART_SUSPEND,
                                 UPPER_BITS | SUSPEND_NON_RETENTIVE,
                                 (uintptr_t)secondary_entry, SEC_RESUMED).error;
        __atomic_store_n(&sec.stage, 1, __ATOMIC_RELEASE);
    } else {
        __atomic_store_n(&sec.stage, 2, __ATOMIC_RELEASE);
    }
    disarm_wakeup();
    CALL(SBI_EXT_HSM, HSM_HART_STOP, 0);
    for (;;)
        __asm__ volatile("wfi");
}

static bool hart1_done(void)
{
    struct sbiret r = CALL(SBI_EXT_HSM, HSM_HART_GET_STATUS, 1);
    return __atomic_load_n(&sec.stage, __ATOMIC_ACQUIRE) != 0 &&
           r.error == SBI_SUCCESS && r.value == HSM_STOPPED;
}

static void check_secondary(void)
{
    if (nharts < 2) {
        printf("# one vCPU: the suspend checks on a secondary hart need two\n");
        return;
    }
    EXPECT_ERR(CALL(SBI_EXT_HSM, HSM_HART_START, 1, (uintptr_t)secondary_entry, SEC_FIRST),
               SBI_SUCCESS, "HSM hart_start(1, secondary_entry, 0x%lx)", SEC_FIRST);
    unsigned long t0 = read_time();
    bool done;
    while (!(done = hart1_done()) && read_time() - t0 < TWO_S_OF_TICKS) { }
    ok(done, "hart 1 made its suspend checks and stopped (stage %lu, trap scause 0x%lx)",
       __atomic_load_n(&sec.stage, __ATOMIC_ACQUIRE), secondary_regs[4]);
    if (!done)
        return;
    for (unsigned i = 0; i < N_REFUSED; i++)
        EXPECT_ERR(((struct sbiret){ sec.refused[i], 0 }), SBI_ERR_INVALID_PARAM,
                   "hart 1: HSM hart_suspend(0x%lx = %s, 0x1000, 0)", refused_types[i],
                   suspend_type_name(refused_types[i]));
    ok(sec.retentive == SBI_SUCCESS, "hart 1: HSM hart_suspend(0x%lx = default retentive, "
       "0, 0) -> 0 (got error %ld, back after %lu ticks)", UPPER_BITS | SUSPEND_RETENTIVE,
       sec.retentive, sec.retentive_ticks);
    EXPECT_ERR(((struct sbiret){ sec.bad_resume, 0 }), SBI_ERR_INVALID_ADDRESS,
               "hart 1: HSM hart_suspend(0x%lx, 0x1000, 0)", UPPER_BITS | SUSPEND_NON_RETENTIVE);
    ok(sec.stage == 2, "hart 1: HSM hart_suspend(0x%lx = default non-retentive, "
       "secondary_entry, 0x%lx) resumed at resume_addr (got %s, error %ld)",
       UPPER_BITS | SUSPEND_NON_RETENTIVE, SEC_RESUMED,
       sec.stage == 2 ? "a resume" : "a return", sec.non_retentive);
    ok(secondary_regs[0] == 1 && secondary_regs[1] == SEC_RESUMED && secondary_regs[2] == 0 &&
       (secondary_regs[3] & SSTATUS_SIE) == 0 && secondary_regs[4] == 0,
       "hart 1 resumed with a0 = 1, a1 = 0x%lx, satp = 0, sstatus.SIE = 0, no trap "
       "(got a0 0x%lx, a1 0x%lx, satp 0x%lx, sstatus 0x%lx, scause 0x%lx)", SEC_RESUMED,
       secondary_regs[0], secondary_regs[1], secondary_regs[2], secondary_regs[3],
       secondary_regs[4]);
}

/* --- SRST (SBI spec v2.0 §10) -------------------------------------------------- */

#define SRST_COLD_REBOOT        1
#define SRST_WARM_REBOOT        2
#define SRST_REASON_SBI_IMPL    0xe0000000UL    /* SBI implementation specific */

/* reset_type and reset_reason are 32-bit (§10.1): only the low 32 bits
   count (§3).  A type or reason that is reserved, or platform-specific
   and not implemented (RVH implements none), is INVALID_PARAM.  Every
   call here has a reserved type, or a valid type and a reserved reason;
   NOT_SUPPORTED (a type implemented but lacking a dependency) and FAILED
   have no cause here. */
static void check_srst(void)
{
    static const struct { unsigned long type, reason; } refused[] = {
        { 3, 0 }, { 0xefffffff, 0 },                    /* reserved types */
        { 0xf0000000, 0 }, { 0xffffffff, 0 },           /* vendor or platform types */
        { UPPER_BITS | 3, 0 },                          /* reserved, upper bits set */
        { 3, SRST_REASON_SBI_IMPL },                    /* a reserved type wins */
        { 0, 2 }, { 0, 0xdfffffff },                    /* reserved reasons */
        { 0, UPPER_BITS | 2 },                          /* reserved, upper bits set */
    };
    for (unsigned i = 0; i < sizeof refused / sizeof refused[0]; i++)
        EXPECT_ERR(CALL(SBI_EXT_SRST, SBI_SRST_SYSTEM_RESET, refused[i].type,
                        refused[i].reason), SBI_ERR_INVALID_PARAM,
                   "SRST system_reset(0x%lx, 0x%lx)", refused[i].type, refused[i].reason);
    EXPECT_ERR(CALL(SBI_EXT_SRST, 1, 0), SBI_ERR_NOT_SUPPORTED, "SRST fid 1");
}

/* A vendor or platform reason with a valid type: refused as well, but a
   hypervisor that wrongly accepted one would end the VM here, so these
   come after every other check. */
static void check_srst_vendor_reasons(void)
{
    EXPECT_ERR(CALL(SBI_EXT_SRST, SBI_SRST_SYSTEM_RESET, SBI_SRST_TYPE_SHUTDOWN, 0xf0000000),
               SBI_ERR_INVALID_PARAM, "SRST system_reset(0, 0xf0000000 = vendor reason)");
    EXPECT_ERR(CALL(SBI_EXT_SRST, SBI_SRST_SYSTEM_RESET, SRST_COLD_REBOOT, 0xffffffff),
               SBI_ERR_INVALID_PARAM, "SRST system_reset(1, 0xffffffff = vendor reason)");
}

/* --- DBCN (SBI spec v2.0 §12) ----------------------------------------------- */

static char dbcn_text[] = "dbcn: console_write of 40 bytes, one go\n";
_Static_assert(sizeof dbcn_text - 1 == 40, "dbcn_text is 40 bytes");

/* 1000 bytes: 20 lines "dbcn-1000 line NN/20 " + 28 letters + "\n". */
#define LONG_LINES  20
#define LONG_LINE   50
static char dbcn_long[LONG_LINES * LONG_LINE];
static char dbcn_input[16];

static void fill_long(void)
{
    for (int i = 0; i < LONG_LINES; i++) {
        char *line = &dbcn_long[i * LONG_LINE];
        int n = snprintf(line, LONG_LINE, "dbcn-1000 line %02d/%d ", i + 1, LONG_LINES);
        for (int j = n; j < LONG_LINE - 1; j++)
            line[j] = (char)('a' + (i + j) % 26);
        line[LONG_LINE - 1] = '\n';
    }
}

/* console_write may write fewer bytes than asked (§12.1): write the rest
   until all is out, and count. */
static void check_dbcn_long(void)
{
    unsigned long done = 0, calls = 0, bad = 0;
    long bad_error = 0, bad_value = 0;
    fill_long();
    while (done < sizeof dbcn_long && calls < sizeof dbcn_long) {
        struct sbiret r = CALL(SBI_EXT_DBCN, DBCN_WRITE, sizeof dbcn_long - done,
                               (uintptr_t)dbcn_long + done, 0);
        calls++;
        if (r.error != 0 || r.value < 1 || (unsigned long)r.value > sizeof dbcn_long - done) {
            bad++;
            bad_error = r.error;
            bad_value = r.value;
            break;
        }
        done += (unsigned long)r.value;
    }
    ok(bad == 0 && done == sizeof dbcn_long,
       "DBCN console_write of %lu bytes: %lu written in %lu calls (%lu bad: error %ld, value %ld)",
       (unsigned long)sizeof dbcn_long, done, calls, bad, bad_error, bad_value);
}

/* §12.1, §12.2: a buffer any byte of which is not the guest's memory is
   INVALID_PARAM, as a whole: [base, base + num_bytes), however long, must
   lie in RAM, or nothing is written or read.  The last 8 bytes of RAM
   first hold a line to print, then a marker a runner must never see. */
static void check_dbcn_ranges(unsigned long fid, const char *name, uintptr_t buf)
{
    const unsigned long to_end = RAM_END - buf;         /* buf .. the end of RAM */
    const struct { unsigned long n, base; const char *what; } refused[] = {
        { ~0UL, buf, "2^64-1 bytes from a buffer in RAM" },
        { 1UL << 63, buf, "2^63 bytes from a buffer in RAM" },
        { to_end + 1, buf, "to one byte past the end of RAM" },
        { 16, RAM_END - 8, "across the end of RAM" },
        { 16, GUEST_RAM_BASE - 8, "from 8 bytes below RAM" },
        { 0x100000, GUEST_RAM_BASE - 0x1000, "from below RAM, deep into it" },
        { 0 - buf + 16, buf, "from a buffer in RAM, wrapping past 2^64 to 16" },
        { 8, 0xfffffffffffffffcUL, "from 2^64-4, wrapping" },
        { 8, 0x1000, "at 0x1000, outside RAM" },
    };
    for (unsigned i = 0; i < sizeof refused / sizeof refused[0]; i++)
        EXPECT_ERR(CALL(SBI_EXT_DBCN, fid, refused[i].n, refused[i].base, 0),
                   SBI_ERR_INVALID_PARAM, "DBCN %s(0x%lx, 0x%lx, 0): %s", name,
                   refused[i].n, refused[i].base, refused[i].what);
    EXPECT_ERR(CALL(SBI_EXT_DBCN, fid, 8, buf, 1), SBI_ERR_INVALID_PARAM,
               "DBCN %s(8, buf, base_addr_hi 1)", name);
    EXPECT_VAL(CALL(SBI_EXT_DBCN, fid, 0, 0x1000, 0), SBI_SUCCESS, 0,
               "DBCN %s(0, 0x1000, 0): no bytes, nothing to check", name);
}

/* The first 256 bytes of RAM, a line of its own: a write of all of RAM. */
static void fill_ram_line(void)
{
    static const char head[] = "dbcn: the first 256 bytes of RAM ";
    char *ram = (char *)GUEST_RAM_BASE;
    memcpy(ram, head, sizeof head - 1);
    for (unsigned i = sizeof head - 1; i < 255; i++)
        ram[i] = '=';
    ram[255] = '\n';
}

static void check_dbcn(void)
{
    EXPECT_VAL(CALL(SBI_EXT_DBCN, DBCN_WRITE, 40, (uintptr_t)dbcn_text, 0), SBI_SUCCESS, 40,
               "DBCN console_write(40, text, 0)");
    EXPECT_VAL(CALL(SBI_EXT_DBCN, DBCN_WRITE, 0, (uintptr_t)dbcn_text, 0), SBI_SUCCESS, 0,
               "DBCN console_write(0, text, 0)");
    check_dbcn_long();
    fill_ram_line();
    EXPECT_VAL(CALL(SBI_EXT_DBCN, DBCN_WRITE, GUEST_RAM_SIZE, GUEST_RAM_BASE, 0),
               SBI_SUCCESS, 256, "DBCN console_write(all of RAM): the first 256 bytes");
    memcpy((void *)(RAM_END - 8), "dbcnEND\n", 8);
    EXPECT_VAL(CALL(SBI_EXT_DBCN, DBCN_WRITE, 8, RAM_END - 8, 0), SBI_SUCCESS, 8,
               "DBCN console_write(8, 0x%lx, 0): the last 8 bytes of RAM", RAM_END - 8);
    memcpy((void *)(RAM_END - 8), "SPANEND!", 8);
    check_dbcn_ranges(DBCN_WRITE, "console_write", (uintptr_t)dbcn_text);
    EXPECT_VAL(CALL(SBI_EXT_DBCN, DBCN_READ, sizeof dbcn_input, (uintptr_t)dbcn_input, 0),
               SBI_SUCCESS, 0, "DBCN console_read(16, buf, 0) with no input");
    check_dbcn_ranges(DBCN_READ, "console_read", (uintptr_t)dbcn_input);
    /* byte is a uint8_t (§12.3): the low 8 bits of a0, whatever is above. */
    printf("# DBCN console_write_byte prints: ");
    struct sbiret r = CALL(SBI_EXT_DBCN, SBI_DBCN_WRITE_BYTE, 'Z');
    struct sbiret r2 = CALL(SBI_EXT_DBCN, SBI_DBCN_WRITE_BYTE, 0x5a5a5a5a5a5a5a59UL);
    putchar('\n');
    EXPECT_VAL(r, SBI_SUCCESS, 0, "DBCN console_write_byte('Z')");
    EXPECT_VAL(r2, SBI_SUCCESS, 0, "DBCN console_write_byte(0x5a5a5a5a5a5a5a59 = 'Y')");
    EXPECT_ERR(CALL(SBI_EXT_DBCN, 3, 0), SBI_ERR_NOT_SUPPORTED, "DBCN fid 3");
}

/* --- RVH hypercalls ---------------------------------------------------------- */

static void check_rvh(void)
{
    EXPECT_VAL(CALL(RVH_EXT, RVH_FID_VERSION, 0), SBI_SUCCESS, RVH_VERSION, "RVH VERSION");
    EXPECT_ERR(CALL(RVH_EXT, 99, 0), SBI_ERR_NOT_SUPPORTED, "RVH fid 99");
}

/* --- Every register but the results kept (SBI spec v2.0 §3) ------------------ */

void ecall_keeps(const unsigned long in[32], unsigned long out[32]);    /* keeps.S */

/* One call with each of x1..x31 set to a value of its own (the call's
   arguments in a0..a7): every register but a0 and a1 -- a0 alone for a legacy
   extension (§5) -- must come back as it was, whichever way the hypervisor
   answered. */
static void expect_keeps(const char *what, unsigned long eid, unsigned long fid,
                         const unsigned long a[6], long want_error)
{
    unsigned long in[32], out[32];
    for (unsigned long n = 0; n < 32; n++)
        in[n] = 0x5eed000000000000UL | n << 40 | n * 0x01010101UL;
    for (unsigned i = 0; i < 6; i++)
        in[10 + i] = a[i];
    in[16] = fid;
    in[17] = eid;
    ecall_keeps(in, out);
    bool legacy = eid <= 0x0f;
    unsigned changed = 0, first = 0;
    for (unsigned n = 1; n < 32; n++)
        if (n != 10 && (n != 11 || legacy) && out[n] != in[n] && changed++ == 0)
            first = n;
    if (changed)
        ok(false, "%s: every register but a0%s kept (%u changed, the first x%u: 0x%lx -> 0x%lx)",
           what, legacy ? "" : " and a1", changed, first, in[first], out[first]);
    else
        ok((long)out[10] == want_error, "%s -> %ld, every register but a0%s kept (got %ld)",
           what, want_error, legacy ? "" : " and a1", (long)out[10]);
}

static char keeps_line[] = "# ecall_keeps: a DBCN write with every register set\n";

static void check_keeps(void)
{
    const unsigned long none[6] = { 0 };
    const unsigned long far[6] = { ~0UL - 1 };
    const unsigned long line[6] = { sizeof keeps_line - 1, (unsigned long)keeps_line };
    const unsigned long newline[6] = { '\n' };
    expect_keeps("BASE get_spec_version (answered in the vCPU)", SBI_EXT_BASE, 0, none,
                 SBI_SUCCESS);
    expect_keeps("an extension nobody implements", 0x09000000, 0, none, SBI_ERR_NOT_SUPPORTED);
    expect_keeps("TIME set_timer, far away", SBI_EXT_TIME, 0, far, SBI_SUCCESS);
    expect_keeps("DBCN write (guest memory read by the hypervisor)", SBI_EXT_DBCN, DBCN_WRITE,
                 line, SBI_SUCCESS);
    expect_keeps("legacy console_putchar", LEGACY_CONSOLE_PUTCHAR, 0, newline, 0);
    expect_keeps("HSM hart_get_status(0) (answered by the monitor)", SBI_EXT_HSM,
                 HSM_HART_GET_STATUS, none, SBI_SUCCESS);
    expect_keeps("RVH VERSION (answered by the monitor)", RVH_EXT, RVH_FID_VERSION, none,
                 SBI_SUCCESS);
}

/* --- The end: SRST reboots, then HSM hart_stop (SBI spec v2.0 §10.1, §9.2) -- */

/* N: the cpu@K nodes of the device tree, K = 0, 1, ... while there is one. */
static unsigned count_harts(unsigned long dtb)
{
    unsigned long size = dtb_size(dtb);
    unsigned n = 0;
    char name[8];
    while (n < 8 && size != 0) {
        snprintf(name, sizeof name, "cpu@%u", n);
        if (!dtb_contains(dtb, size, name))
            break;
        n++;
    }
    return n ? n : 1;
}

/* A system_reset that must reboot the VM, so must not return. */
static int reboot(unsigned long type, unsigned long reason, const char *what)
{
    struct sbiret r = CALL(SBI_EXT_SRST, SBI_SRST_SYSTEM_RESET, type, reason);
    printf("not ok - SRST system_reset(0x%lx = %s, 0x%lx) returned (error %ld)\n",
           type, what, reason, r.error);
    return 1;
}

/* The second and third boots: the reboot asked for in the last one
   happened; ask for the next, or stop. */
static int later_boot(long boot)
{
    static const char *const asked[] = {
        [2] = "SRST system_reset(0x100000001 = cold reboot, bit 32 set, 0)",
        [3] = "SRST system_reset(2 = warm reboot, 0x1e0000000 = SBI implementation "
              "specific reason, bit 32 set)",
    };
    ok(true, "boot %ld: %s rebooted the VM", boot, asked[boot]);
    if (tap_done() != 0)
        return 1;
    if (boot == 2)
        return reboot(SRST_WARM_REBOOT, 1UL << 32 | SRST_REASON_SBI_IMPL, "warm reboot");
    struct sbiret r = CALL(SBI_EXT_HSM, HSM_HART_STOP, 0);
    printf("not ok - hart_stop returned (error %ld)\n", r.error);
    return 1;
}

int main(unsigned long hartid, unsigned long dtb)
{
    struct sbiret boot = rvh_hypercall(RVH_FID_BOOTS, 0, 0, 0, 0, 0, 0);
    nharts = count_harts(dtb);
    hart_mask_absent = 1UL << nharts;
    printf("sbi: checking the SBI, hart %lu of %u, device tree at 0x%lx, boot %ld\n",
           hartid, nharts, dtb, boot.value);
    if (boot.error == SBI_SUCCESS && (boot.value == 2 || boot.value == 3))
        return later_boot(boot.value);
    check_sweep();
    check_base();
    check_legacy();
    check_time();
    check_ipi();
    check_rfence();
    check_hsm();
    check_secondary();
    check_srst();
    check_dbcn();
    check_sta();
    check_rvh();
    check_keeps();
    check_srst_vendor_reasons();
    if (tap_done() != 0)
        return 1;
    /* Every check passed: reboot with bit 32 of reset_type set (§3). */
    return reboot(1UL << 32 | SRST_COLD_REBOOT, SBI_SRST_REASON_NONE, "cold reboot");
}
