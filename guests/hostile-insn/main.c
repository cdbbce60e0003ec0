/*
 * hostile-insn: instructions the hypervisor does not emulate, aimed at its
 * devices, and instructions a guest may not run.  Run with testdev:
 *
 *   make qemu GUEST=build/guests/hostile-insn.bin BOOTARGS=testdev
 *
 *   1. Every kind of memory instruction but a plain load or store, at the
 *      UART and the test device: AMOs, LR/SC, FP loads and stores,
 *      misaligned and wrong-width accesses.  The hypervisor decodes only
 *      plain loads and stores (chapter 7); each of these must come back as
 *      an access fault, 5 for what reads, 7 for what writes or is an AMO.
 *      Also AMOs and LR at a misaligned address in RAM: the firmware
 *      passes those on, and the guest must get the misaligned exception.
 *   2. Instructions of the H extension and CSRs above VS-mode: the hart
 *      raises a virtual-instruction exception (Priv. spec 20211203 §8.6.1),
 *      which RVH turns into the illegal-instruction exception (cause 2) a
 *      guest expects from a machine without H; M-mode CSRs raise cause 2
 *      directly (hedeleg).  stval holds the instruction's bits.
 *   3. A wfi storm: 100 000 wfi with the timer's interrupt enabled in sie but
 *      sstatus.SIE off, and the timer set in the past, so that each wfi
 *      finds an interrupt pending and returns at once (Priv. spec §3.3.3).
 *   4. Fetches where nothing is: 0x1000, a device, past RAM.
 * The test device must be unchanged by it all, and the hypervisor must answer.
 */
#include "hostile.h"

#define DEV(off)        (TESTDEV_BASE + (off))
#define WFI_STORM       100000UL
#define SBI_EXT_TIME    0x54494D45

static unsigned long tried;

static void expect(const char *what, unsigned long cause, unsigned long tval,
                   unsigned long pc, unsigned long v)
{
    bool good = fault_was(cause, tval, pc, v);
    const volatile struct fault_record *r = &fault_record;
    tried++;
    ok(good, "%s: one trap (got %lu), scause %lu (got %ld), stval 0x%lx (got 0x%lx), "
       "sepc at the instruction", what, r->count, cause, (long)r->cause, tval, r->tval);
}

/* --- 1. Memory instructions RVH does not emulate ---------------------------- */

#define AT(insn, addr, cause, what)                                             \
    do {                                                                        \
        unsigned long v_ = SENTINEL, a_ = (addr);                               \
        unsigned long pc_ = FAULT_AT(insn, a_, v_);                             \
        expect(what, cause, a_, pc_, v_);                                       \
    } while (0)

/* An SC without a reservation (the LR above faulted) may fail without
   touching memory, and QEMU's does: then rd is nonzero and nothing traps
   (unprivileged spec 20191213 §8.2).  If it does try the store, the store
   must fault. */
static void store_conditionals(void)
{
    static const struct { unsigned long addr; const char *what; } sc[] = {
        { DEV(0), "sc.w at the test device" },
        { 0x10000100UL, "sc.w in the hole after the UART" },
    };
    for (unsigned i = 0; i < 2; i++) {
        unsigned long v = SENTINEL, a = sc[i].addr;
        unsigned long pc = FAULT_AT("sc.w %[v], %[v], (%[a])", a, v);
        const volatile struct fault_record *r = &fault_record;
        bool failed = r->count == 0 && v != 0 && v != SENTINEL;
        bool faulted = r->count == 1 && r->cause == EXC_STORE_ACCESS && r->tval == a &&
                       r->epc == pc;
        tried++;
        ok(failed || faulted, "%s: %s (traps %lu, rd 0x%lx)", sc[i].what,
           faulted ? "store access fault" : "fails without a reservation", r->count, v);
    }
}

static void device_instructions(void)
{
    AT("amoadd.w %[v], %[v], (%[a])", UART_BASE, EXC_STORE_ACCESS, "amoadd.w at the UART");
    AT("amoswap.d %[v], %[v], (%[a])", DEV(8), EXC_STORE_ACCESS, "amoswap.d at the test device");
    AT("amoor.w %[v], %[v], (%[a])", DEV(4), EXC_STORE_ACCESS, "amoor.w at the test device");
    AT("amomax.d %[v], %[v], (%[a])", PLIC_BASE, EXC_STORE_ACCESS, "amomax.d at the vPLIC");
    AT("lr.w %[v], (%[a])", DEV(0), EXC_LOAD_ACCESS, "lr.w at the test device");
    AT("lr.d %[v], (%[a])", UART_BASE, EXC_LOAD_ACCESS, "lr.d at the UART");
    store_conditionals();
    AT("lw %[v], 0(%[a])", DEV(2), EXC_LOAD_ACCESS, "misaligned lw at the test device");
    AT("lh %[v], 0(%[a])", DEV(0xfff), EXC_LOAD_ACCESS, "lh over the test device's end");
    AT("sh %[v], 0(%[a])", UART_BASE + 1, EXC_STORE_ACCESS, "misaligned sh at the UART");
    AT("sw %[v], 0(%[a])", UART_BASE, EXC_STORE_ACCESS, "4-byte sw at the UART (byte registers)");
    AT("ld %[v], 0(%[a])", UART_BASE + 0xf8, EXC_LOAD_ACCESS, "ld at the UART window's end");
    AT("lwu %[v], 0(%[a])", DEV(0xffe), EXC_LOAD_ACCESS, "lwu over the test device's end");

    /* FP loads and stores need sstatus.FS on (Priv. spec §4.1.1.5). */
    csr_set(sstatus, SSTATUS_FS_INITIAL);
    AT(".option arch, +f\nflw ft0, 0(%[a])", UART_BASE, EXC_LOAD_ACCESS, "flw at the UART");
    AT(".option arch, +d\nfld ft0, 0(%[a])", DEV(16), EXC_LOAD_ACCESS, "fld at the test device");
    AT(".option arch, +f\nfsw ft0, 0(%[a])", DEV(4), EXC_STORE_ACCESS, "fsw at the test device");
    AT(".option arch, +d\nfsd ft0, 0(%[a])", UART_BASE, EXC_STORE_ACCESS, "fsd at the UART");
    csr_clear(sstatus, SSTATUS_FS);
}

/* Atomics at a misaligned address in the guest's own RAM: the firmware
   cannot emulate them and passes them on; the guest must get the
   misaligned exception (cause 4 or 6: QEMU with OpenSBI 1.5 reports an AMO
   as a misaligned load), not lose its VM.  stval is the address. */
static uint64_t ram_words[4];

static void misaligned_atomics(void)
{
    static const char *const what[] = { "amoadd.d", "amoswap.w", "lr.d", "amomin.w" };
    unsigned long a = (unsigned long)ram_words + 4 + 2;
    for (unsigned i = 0; i < 4; i++) {
        unsigned long v = SENTINEL, pc;
        switch (i) {
        case 0: pc = FAULT_AT("amoadd.d %[v], %[v], (%[a])", a, v); break;
        case 1: pc = FAULT_AT("amoswap.w %[v], %[v], (%[a])", a, v); break;
        case 2: pc = FAULT_AT("lr.d %[v], (%[a])", a, v); break;
        default: pc = FAULT_AT("amomin.w %[v], %[v], (%[a])", a, v); break;
        }
        const volatile struct fault_record *r = &fault_record;
        bool good = r->count == 1 && (r->cause == 4 || r->cause == 6) && r->tval == a &&
                    r->epc == pc;
        tried++;
        ok(good, "misaligned %s in RAM at 0x%lx: misaligned exception in the guest "
           "(traps %lu, scause %ld, stval 0x%lx)", what[i], a, r->count, (long)r->cause,
           r->tval);
    }
}

/* --- 2. Instructions that are not the guest's ------------------------------- */

/* The instruction's bits, from its address (the guest runs with satp off). */
static unsigned long insn_at(unsigned long pc)
{
    return *(volatile uint32_t *)pc;
}

#define ILLEGAL(insn, what)                                                     \
    do {                                                                        \
        unsigned long v_ = SENTINEL;                                            \
        unsigned long pc_ = FAULT_AT(insn, SENTINEL, v_);                       \
        expect(what, EXC_ILLEGAL_INST, insn_at(pc_), pc_, v_);                  \
    } while (0)

static void privileged_instructions(void)
{
    ILLEGAL(".option arch, +h\ncsrr %[v], hstatus", "csrr hstatus (virtual instruction)");
    ILLEGAL(".option arch, +h\ncsrr %[v], hgatp", "csrr hgatp (virtual instruction)");
    ILLEGAL(".option arch, +h\ncsrw hgatp, %[v]", "csrw hgatp (virtual instruction)");
    ILLEGAL(".option arch, +h\ncsrr %[v], vsatp", "csrr vsatp (virtual instruction)");
    ILLEGAL(".option arch, +h\ncsrw hvip, %[a]", "csrw hvip (virtual instruction)");
    ILLEGAL(".option arch, +h\nhfence.gvma zero, zero", "hfence.gvma (virtual instruction)");
    ILLEGAL(".option arch, +h\nhlv.d %[v], (%[a])", "hlv.d (virtual instruction)");
    ILLEGAL("csrr %[v], mstatus", "csrr mstatus (illegal)");
    ILLEGAL("csrw mtvec, %[a]", "csrw mtvec (illegal)");
    /* mret: QEMU 10 leaves a stale stval for it (the illegal-instruction
       exception is delegated straight to the guest, the hypervisor never
       sees it); stval may be 0 or the bits (Priv. spec §4.1.9), so only the
       cause and sepc are checked. */
    {
        unsigned long v = SENTINEL, pc = FAULT_AT("mret", SENTINEL, v);
        const volatile struct fault_record *r = &fault_record;
        tried++;
        ok(r->count == 1 && r->cause == EXC_ILLEGAL_INST && r->epc == pc,
           "mret (illegal): one trap (got %lu), scause 2 (got %ld), stval 0x%lx",
           r->count, (long)r->cause, r->tval);
    }
    ILLEGAL(".word 0xffffffff", "an instruction that does not exist");
    /* The vector extension: the hypervisor keeps sstatus.VS off for its
       guests (it saves no vector state), so a vector instruction is illegal
       whether or not the hart has V. */
    ILLEGAL(".option arch, +v\nvsetivli zero, 1, e8, m1, ta, ma", "vsetivli (no vector state)");
}

/* --- 3. A wfi storm ---------------------------------------------------------- */

static void wfi_storm(void)
{
    unsigned long t0 = csr_read(time);
    sbi_call(SBI_EXT_TIME, 0, 0, 0, 0, 0, 0, 0);       /* set_timer(0): in the past */
    csr_set(sie, SIE_STIE);                             /* enabled, but SIE is off */
    for (unsigned long i = 0; i < WFI_STORM; i++)
        __asm__ volatile("wfi");
    bool pending = csr_read(sip) & SIE_STIE;
    csr_clear(sie, SIE_STIE);
    sbi_call(SBI_EXT_TIME, 0, ~0UL, 0, 0, 0, 0, 0);    /* set_timer(~0): never */
    unsigned long ticks = csr_read(time) - t0;
    tried += WFI_STORM;
    ok(pending && fault_record.count == 0,
       "%lu wfi with the timer pending and SIE off: each returned, no trap "
       "(sip.STIP %d, %lu time ticks)", WFI_STORM, pending, ticks);
}

/* --- 4. Fetches where nothing is --------------------------------------------- */

static void wild_fetches(void)
{
    static const unsigned long where[] = { 0x1000, UART_BASE, DEV(0), GUEST_RAM_END,
                                           0x20000000000UL };
    for (unsigned i = 0; i < sizeof where / sizeof where[0]; i++) {
        bool good = fetch_faults(where[i]) && fault_record.tval == where[i];
        tried++;
        ok(good, "jump to 0x%lx: instruction access fault (scause %ld, stval 0x%lx)",
           where[i], (long)fault_record.cause, fault_record.tval);
    }
}

/* --- The test device before and after ---------------------------------------- */

static uint64_t snapshot[8];

static uint64_t dev_ld(unsigned long off)
{
    return *(volatile uint64_t *)DEV(off);
}

int main(unsigned long hartid, unsigned long dtb)
{
    (void)dtb;
    printf("hostile-insn: hart %lu\n", hartid);
    for (unsigned i = 0; i < 8; i++) {
        *(volatile uint64_t *)DEV(8 * i) = 0x0101010101010101UL * (i + 1);
        snapshot[i] = dev_ld(8 * i);
    }
    unsigned long common = fault_vector_on();
    device_instructions();
    misaligned_atomics();
    privileged_instructions();
    wild_fetches();
    fault_reset();
    wfi_storm();
    csr_write(stvec, common);
    unsigned changed = 0;
    for (unsigned i = 0; i < 8; i++)
        changed += dev_ld(8 * i) != snapshot[i];
    ok(changed == 0, "the test device's first 64 bytes are as written (%u dwords changed)",
       changed);
    ok(hypervisor_answers(), "after %lu hostile instructions the hypervisor still answers",
       tried);
    printf("# hostile-insn: %lu instructions tried\n", tried);
    return tap_done();
}
