/*
 * hostile-sbi: 100 000 random SBI calls (sweep.h), then crafted ones aimed at
 * the checks the hypervisor must make: buffers that run off the end of RAM,
 * lengths near 2^64, addresses that wrap, hart masks with huge bases, harts
 * and entry points that do not exist, fence ranges that overflow, reset
 * types and reasons that are reserved or a vendor's, and 32-bit parameters
 * whose upper bits are set (only the low 32 bits count, §3).  Each crafted call must return the
 * exact error the SBI spec v2.0 gives for it; then the hypervisor must still
 * answer a hypercall and print through the debug console.
 *
 *   make qemu GUEST=build/guests/hostile-sbi.bin
 *
 * No trap is expected: the guest keeps the common vector, which stops it on
 * any.  The sweep's console writes print dots on one comment line.
 */
#include <string.h>
#include "sweep.h"

#define SWEEP_CALLS     100000UL
#define DBCN_WRITE      0
#define DBCN_READ       1
#define RFENCE_SFENCE_VMA       1
#define RFENCE_SFENCE_VMA_ASID  2
#define HSM_HART_START  0
#define HSM_HART_STATUS 2
#define LEGACY_SEND_IPI 0x04
#define LEGACY_SFENCE_VMA 0x06
#define SBI_ERR_ALREADY_AVAILABLE (-6)

static unsigned long crafted;

/* One crafted call: it must return want (and, if value_ok, value). */
static void expect_call(const char *what, long want, unsigned long eid, unsigned long fid,
                        unsigned long a0, unsigned long a1, unsigned long a2,
                        unsigned long a3, unsigned long a4)
{
    struct sbiret r = sbi_call(eid, fid, a0, a1, a2, a3, a4, 0);
    crafted++;
    ok(r.error == want, "%s -> %ld (got %ld)", what, want, r.error);
}

/* A legacy call: the result is a0 alone (SBI spec v2.0 §5). */
static void expect_legacy(const char *what, long want, unsigned long eid,
                          unsigned long a0, unsigned long a1, unsigned long a2)
{
    unsigned long r[8] = { a0, a1, a2, 0, 0, 0, 0, eid };
    ecall_regs(r);
    crafted++;
    ok((long)r[0] == want, "%s -> %ld (got %ld)", what, want, (long)r[0]);
}

static void crafted_dbcn(void)
{
    unsigned long buf = (unsigned long)sweep_scratch;
    /* §12.1: "SBI_ERR_INVALID_PARAM: The memory pointed to by the num_bytes,
       base_addr_lo and base_addr_hi parameters does not satisfy the
       requirements" -- the bytes must all be the caller's memory. */
    expect_call("DBCN write of 16 bytes, 8 past the end of RAM", SBI_ERR_INVALID_PARAM,
                SBI_EXT_DBCN, DBCN_WRITE, 16, GUEST_RAM_END - 8, 0, 0, 0);
    expect_call("DBCN write of 16 bytes starting 8 below RAM", SBI_ERR_INVALID_PARAM,
                SBI_EXT_DBCN, DBCN_WRITE, 16, GUEST_RAM_BASE - 8, 0, 0, 0);
    expect_call("DBCN write from the UART's registers", SBI_ERR_INVALID_PARAM,
                SBI_EXT_DBCN, DBCN_WRITE, 8, UART_BASE, 0, 0, 0);
    expect_call("DBCN write whose address wraps past 2^64 to 0", SBI_ERR_INVALID_PARAM,
                SBI_EXT_DBCN, DBCN_WRITE, 16, ~0UL - 7, 0, 0, 0);
    expect_call("DBCN write with base_addr_hi 1", SBI_ERR_INVALID_PARAM,
                SBI_EXT_DBCN, DBCN_WRITE, 16, buf, 1, 0, 0);
    expect_call("DBCN write at 2 TiB (beyond the G-stage)", SBI_ERR_INVALID_PARAM,
                SBI_EXT_DBCN, DBCN_WRITE, 16, 0x20000000000UL, 0, 0, 0);
    /* The whole range counts, however long: [base, base + num_bytes) must lie
       in RAM even if the hypervisor would move only part of it. */
    expect_call("DBCN write of 2^64-1 bytes from a buffer in RAM", SBI_ERR_INVALID_PARAM,
                SBI_EXT_DBCN, DBCN_WRITE, ~0UL, buf, 0, 0, 0);
    expect_call("DBCN write from a buffer in RAM, wrapping past 2^64", SBI_ERR_INVALID_PARAM,
                SBI_EXT_DBCN, DBCN_WRITE, 0 - buf + 16, buf, 0, 0, 0);
    printf("# DBCN write of 8192 bytes of dots (the hypervisor takes what it can): ");
    struct sbiret r = sbi_call(SBI_EXT_DBCN, DBCN_WRITE, sizeof sweep_scratch, buf, 0, 0, 0, 0);
    printf("\n");
    crafted++;
    ok(r.error == SBI_SUCCESS && r.value > 0 && r.value <= 4096,
       "DBCN write of 8192 bytes from a buffer -> 0, a part written (got %ld, %ld bytes)",
       r.error, r.value);
    expect_call("DBCN read of 16 bytes into the end of RAM and past", SBI_ERR_INVALID_PARAM,
                SBI_EXT_DBCN, DBCN_READ, 16, GUEST_RAM_END - 8, 0, 0, 0);
    expect_call("DBCN read into the test device's window", SBI_ERR_INVALID_PARAM,
                SBI_EXT_DBCN, DBCN_READ, 16, TESTDEV_BASE, 0, 0, 0);
    expect_call("DBCN read whose address wraps", SBI_ERR_INVALID_PARAM,
                SBI_EXT_DBCN, DBCN_READ, 64, ~0UL - 31, 0, 0, 0);
    expect_call("DBCN read of 2^63 bytes into a buffer in RAM", SBI_ERR_INVALID_PARAM,
                SBI_EXT_DBCN, DBCN_READ, 1UL << 63, buf, 0, 0, 0);
    r = sbi_call(SBI_EXT_DBCN, DBCN_READ, sizeof sweep_scratch, buf, 0, 0, 0, 0);
    crafted++;
    ok(r.error == SBI_SUCCESS && r.value == 0,
       "DBCN read of 8192 bytes with no input -> 0, 0 bytes (got %ld, %ld)", r.error, r.value);
}

static void crafted_harts(void)
{
    /* §3.1 hart masks; §7.1 send_ipi, §8 RFENCE: a base or a bit naming a
       hart that does not exist is SBI_ERR_INVALID_PARAM. */
    expect_call("IPI to mask ~0 at base 2^63", SBI_ERR_INVALID_PARAM,
                SBI_EXT_IPI, 0, ~0UL, 1UL << 63, 0, 0, 0);
    expect_call("IPI to mask ~0 at base 0 (one hart)", SBI_ERR_INVALID_PARAM,
                SBI_EXT_IPI, 0, ~0UL, 0, 0, 0, 0);
    expect_call("IPI to mask 1 at base ~0-1", SBI_ERR_INVALID_PARAM,
                SBI_EXT_IPI, 0, 1, ~0UL - 1, 0, 0, 0);
    expect_call("IPI to mask 1 << 63 at base 1", SBI_ERR_INVALID_PARAM,
                SBI_EXT_IPI, 0, 1UL << 63, 1, 0, 0, 0);
    expect_call("remote fence.i to mask ~0 at base 2^63", SBI_ERR_INVALID_PARAM,
                SBI_EXT_RFENCE, 0, ~0UL, 1UL << 63, 0, 0, 0);
    /* §8.2: start + size overflowing is SBI_ERR_INVALID_ADDRESS. */
    expect_call("remote sfence.vma of 0x2000 bytes from 2^64-4096", SBI_ERR_INVALID_ADDRESS,
                SBI_EXT_RFENCE, RFENCE_SFENCE_VMA, 1, 0, ~0xfffUL, 0x2000, 0);
    expect_call("remote sfence.vma.asid of 2^63 bytes from 2^63", SBI_ERR_INVALID_ADDRESS,
                SBI_EXT_RFENCE, RFENCE_SFENCE_VMA_ASID, 1, 0, 1UL << 63, 1UL << 63, 7);
    expect_call("remote sfence.vma of all (size ~0) from 2^63", SBI_SUCCESS,
                SBI_EXT_RFENCE, RFENCE_SFENCE_VMA, 1, 0, 1UL << 63, ~0UL, 0);
    expect_call("remote sfence.vma of the last 4095 bytes of the address space", SBI_SUCCESS,
                SBI_EXT_RFENCE, RFENCE_SFENCE_VMA, 1, 0, ~0xfffUL, 0xfff, 0);
    expect_call("remote sfence.vma.asid of 16 bytes ending 16 below 2^64", SBI_SUCCESS,
                SBI_EXT_RFENCE, RFENCE_SFENCE_VMA_ASID, 0, ~0UL, ~0x1fUL, 0x10, 1);
    expect_legacy("legacy sfence.vma of the last 4095 bytes, all harts", SBI_SUCCESS,
                  LEGACY_SFENCE_VMA, 0, ~0xfffUL, 0xfff);
    expect_legacy("legacy sfence.vma of a range that wraps past 2^64", SBI_SUCCESS,
                  LEGACY_SFENCE_VMA, 0, ~0x7ffUL, 0x1000);
    expect_legacy("legacy send_ipi with its mask pointer at 2^64-4", SBI_ERR_INVALID_ADDRESS,
                  LEGACY_SEND_IPI, ~0UL - 3, 0, 0);
    expect_legacy("legacy send_ipi with its mask pointer in the UART", SBI_ERR_INVALID_ADDRESS,
                  LEGACY_SEND_IPI, UART_BASE, 0, 0);

    /* §9.1 hart_start: a hart id the VM does not have is INVALID_PARAM; an
       entry the hart cannot execute is INVALID_ADDRESS; hart 0 runs. */
    expect_call("HSM hart_start of hart 2^63", SBI_ERR_INVALID_PARAM,
                SBI_EXT_HSM, HSM_HART_START, 1UL << 63, GUEST_LOAD_ADDR, 0, 0, 0);
    expect_call("HSM hart_start of hart 1 (the VM has one)", SBI_ERR_INVALID_PARAM,
                SBI_EXT_HSM, HSM_HART_START, 1, GUEST_LOAD_ADDR, 0, 0, 0);
    expect_call("HSM hart_start of hart 0 at 0x1000", SBI_ERR_INVALID_ADDRESS,
                SBI_EXT_HSM, HSM_HART_START, 0, 0x1000, 0, 0, 0);
    expect_call("HSM hart_start of hart 0 at the last 2 bytes of RAM", SBI_ERR_INVALID_ADDRESS,
                SBI_EXT_HSM, HSM_HART_START, 0, GUEST_RAM_END - 2, 0, 0, 0);
    expect_call("HSM hart_start of hart 0 at 2^63", SBI_ERR_INVALID_ADDRESS,
                SBI_EXT_HSM, HSM_HART_START, 0, 1UL << 63, 0, 0, 0);
    expect_call("HSM hart_start of hart 0 (running) in RAM", SBI_ERR_ALREADY_AVAILABLE,
                SBI_EXT_HSM, HSM_HART_START, 0, GUEST_LOAD_ADDR, 0, 0, 0);
    expect_call("HSM hart_get_status of hart ~0", SBI_ERR_INVALID_PARAM,
                SBI_EXT_HSM, HSM_HART_STATUS, ~0UL, 0, 0, 0, 0);
    /* §9.4 hart_suspend: a resume address that cannot run is INVALID_ADDRESS
       (checked before the hart is suspended: the guest goes on here). */
    expect_call("HSM non-retentive suspend resuming at 0x1000", SBI_ERR_INVALID_ADDRESS,
                SBI_EXT_HSM, HSM_HART_SUSPEND, 0x80000000UL, 0x1000, 0, 0, 0);
    expect_call("HSM suspend of reserved type 0x0fffffff", SBI_ERR_INVALID_PARAM,
                SBI_EXT_HSM, HSM_HART_SUSPEND, 0x0fffffffUL, GUEST_LOAD_ADDR, 0, 0, 0);
    expect_call("HSM suspend of platform type 0x7fffffff (none here)", SBI_ERR_INVALID_PARAM,
                SBI_EXT_HSM, HSM_HART_SUSPEND, 0x7fffffffUL, GUEST_LOAD_ADDR, 0, 0, 0);
    expect_call("HSM suspend of type 2^32 + 1 (reserved: the low 32 bits count)",
                SBI_ERR_INVALID_PARAM, SBI_EXT_HSM, HSM_HART_SUSPEND, 1UL << 32 | 1,
                GUEST_LOAD_ADDR, 0, 0, 0);
}

static void crafted_srst_time(void)
{
    /* §10.1: reserved types and reasons, and the vendor or platform ones
       (0xf0000000 and up) this platform lacks, are INVALID_PARAM; only the
       low 32 bits count (§3).  None resets. */
    expect_call("SRST reset type 3 (reserved)", SBI_ERR_INVALID_PARAM,
                SBI_EXT_SRST, 0, 3, 0, 0, 0, 0);
    expect_call("SRST reset type 0xefffffff (reserved)", SBI_ERR_INVALID_PARAM,
                SBI_EXT_SRST, 0, 0xefffffffUL, 0, 0, 0, 0);
    expect_call("SRST reset type 2^32 + 3 (reserved: the low 32 bits count)",
                SBI_ERR_INVALID_PARAM, SBI_EXT_SRST, 0, 1UL << 32 | 3, 0, 0, 0, 0);
    expect_call("SRST shutdown, reason 2 (reserved)", SBI_ERR_INVALID_PARAM,
                SBI_EXT_SRST, 0, 0, 2, 0, 0, 0);
    expect_call("SRST shutdown, reason 2^32 + 2 (reserved: the low 32 bits count)",
                SBI_ERR_INVALID_PARAM, SBI_EXT_SRST, 0, 0, 1UL << 32 | 2, 0, 0, 0);
    expect_call("SRST cold reboot, vendor reason ~0 (none here)", SBI_ERR_INVALID_PARAM,
                SBI_EXT_SRST, 0, 1, ~0UL, 0, 0, 0);
    expect_call("SRST vendor reset type 0xf0000000 (none here)", SBI_ERR_INVALID_PARAM,
                SBI_EXT_SRST, 0, 0xf0000000UL, 0, 0, 0, 0);
    expect_call("SRST function 1 (none such)", SBI_ERR_NOT_SUPPORTED,
                SBI_EXT_SRST, 1, 0, 0, 0, 0, 0);
    /* §6.1: any stime_value is fine; ~0 is "never". */
    expect_call("TIME set_timer(0)", SBI_SUCCESS, SBI_EXT_TIME, 0, 0, 0, 0, 0, 0);
    expect_call("TIME set_timer(~0)", SBI_SUCCESS, SBI_EXT_TIME, 0, ~0UL, 0, 0, 0, 0);
    expect_call("base probe_extension(~0)", SBI_SUCCESS, SBI_EXT_BASE, 3, ~0UL, 0, 0, 0, 0);
    expect_call("an EID nobody defined (0x0a0b0c0d)", SBI_ERR_NOT_SUPPORTED,
                0x0a0b0c0dUL, 0, 0, 0, 0, 0, 0);
}

int main(unsigned long hartid, unsigned long dtb)
{
    (void)dtb;
    printf("hostile-sbi: hart %lu, %lu random calls, seed 0x%lx\n", hartid, SWEEP_CALLS,
           xorshift_state);
    sweep_prepare();
    struct sweep_stats s = { 0 };
    unsigned long t0 = csr_read(time);
    printf("# sweep console output: ");
    sweep_run(&s, SWEEP_CALLS);
    printf("\n");
    unsigned long ticks = csr_read(time) - t0;
    sbi_call(SBI_EXT_TIME, 0, ~0UL, 0, 0, 0, 0, 0);     /* the sweep armed timers */
    sweep_report(&s);
    printf("# sweep: %lu calls in %lu time ticks\n", s.calls, ticks);
    crafted_dbcn();
    crafted_harts();
    crafted_srst_time();

    static const char health[] = "hostile-sbi: the console still prints\n";
    memcpy(sweep_scratch, health, sizeof health - 1);
    struct sbiret w = sbi_call(SBI_EXT_DBCN, DBCN_WRITE, sizeof health - 1,
                               (unsigned long)sweep_scratch, 0, 0, 0, 0);
    ok(w.error == SBI_SUCCESS && w.value == (long)sizeof health - 1,
       "DBCN write of %lu bytes after the attack (got %ld, %ld)", sizeof health - 1,
       w.error, w.value);
    ok(hypervisor_answers(), "after %lu random and %lu crafted calls the hypervisor answers "
       "VERSION", s.calls, crafted);
    printf("# hostile-sbi: %lu random calls (%lu left out), %lu crafted\n", s.calls,
           s.excluded, crafted);
    return tap_done();
}
