/* The guest's side of a VM exit: the SBI dispatcher and every handler
 * (vcpu/sbi*.c, chapters 4 and 5) and the rest of vcpu_handle_exit (guest
 * page faults decoded as MMIO, chapter 7), with the fake hart of the unit
 * tests (tests/unit/fake_hart.c: 64 KiB of guest RAM at FAKE_RAM_GPA).
 *
 * An input is a header (vCPU flags, bytes for guest RAM, console input) and
 * then up to MAX_EXITS exit records, applied to one vCPU in turn.  Most
 * records are ecalls whose a7/a6 come from a table of the extensions we
 * implement (or are raw), and whose a0..a5 are raw or steered to RAM edges,
 * small values and values near 2^64.  After each exit the harness checks:
 *   - an ecall that returns has advanced sepc by 4 and has a0 = SBI_SUCCESS
 *     or a code of SBI spec 2.0 chapter 3, table 1 (-1..-10); legacy getchar
 *     returns a character or -1 (section 5.3); legacy calls leave a1 alone;
 *   - no ecall changes any guest register but a0 and a1, and the one that
 *     changes the pc otherwise is a non-retentive HSM suspend that resumes
 *     at an executable address with a0 = hart id, a1 = opaque (section 9.4);
 *   - calls handed to the monitor carry what the guest passed, and calls that
 *     do not return leave sepc alone;
 *   - a DBCN call succeeds exactly when its whole buffer, [base, base +
 *     num_bytes), lies in the guest RAM the vCPU was given (sections 12.1,
 *     12.2, 3.2); console_write prints exactly the bytes in guest RAM, and
 *     guest RAM changes only where a console_read says it wrote;
 *   - the 32-bit parameters (HSM suspend_type, SRST reset_type and
 *     reset_reason) are judged by their low 32 bits alone (section 3);
 *   - an MMIO exit has width 1, 2, 4 or 8, an aligned address and a register
 *     below 32, and its completion writes the register (never x0) with the
 *     right extension and retires the instruction;
 *   - an RFENCE range handed to the monitor is one the monitor's page loop
 *     (vcpu_fence_local, chapter 5) covers in at most 64 steps.
 * ASan checks that nothing reads or writes outside the fake RAM and stack.
 */
// sources: tangled/vcpu/vcpu.c tangled/vcpu/exit.c tangled/vcpu/sbi.c tangled/vcpu/sbi_sta.c tangled/vcpu/sbi_console.c tangled/vcpu/sbi_legacy.c tangled/vcpu/sbi_srst.c tangled/vcpu/sbi_rvh.c tangled/vcpu/sbi_base.c tangled/vcpu/sbi_time.c tangled/vcpu/sbi_ipi.c tangled/vcpu/sbi_rfence.c tangled/vcpu/sbi_hsm.c tangled/vcpu/timer.c tangled/vcpu/insn.c tests/unit/fake_hart.c
#include <errno.h>
#include "arch/csr.h"
#include "vcpu/sbi.h"
#include "vcpu/vcpu.h"
#include "fake_hart.h"
#include "fuzz.h"

#define MAX_EXITS 24
#define SEPC      (FAKE_RAM_GPA + 0x100)      /* where the guest's ecalls are */

static struct vcpu v;
static uint8_t ram_expected[FAKE_RAM_SIZE];   /* what guest RAM must hold */
static char input_text[64];                   /* the host console's input */

/* The extensions a guest is likely to ask for, so that most calls reach a handler. */
static const unsigned long eids[] = {
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0x0f, SBI_EXT_BASE, 0x11, SBI_EXT_TIME, SBI_EXT_IPI,
    SBI_EXT_RFENCE, SBI_EXT_HSM, SBI_EXT_SRST, SBI_EXT_DBCN, SBI_EXT_RVH, 0x504D55,
};

/* An argument: raw, or steered towards where handlers take decisions. */
static unsigned long arg(struct input *in, unsigned hint)
{
    static const unsigned long special[16] = {
        0, 0x80000000UL, 0xf0000000UL, 0xffffffffUL, 1UL << 32, ~0UL, 0x10000000UL, 4096,
        0xe0000000UL, 0xefffffffUL, 0xffffffff80000000UL, 1UL << 32 | 1, 0x90000000UL,
        FAKE_RAM_SIZE, FAKE_RAM_SIZE + 1, 1UL << 63,
    };
    uint64_t raw = take_u64(in, 8);
    switch (hint & 3) {
    case 0: return raw;
    case 1: return FAKE_RAM_GPA - 0x100 + raw % (FAKE_RAM_SIZE + 0x200);   /* RAM, both edges */
    case 2: return raw & 7 ? raw % 0x1000 : special[raw >> 3 & 15];
    default: return ~0UL - raw % 0x2000;                                    /* near 2^64 */
    }
}

static bool sbi_error_ok(long e)
{
    return e <= 0 && e >= -10;          /* SBI_SUCCESS .. SBI_ERR_INVALID_STATE (SBI 2.0 table 1) */
}

/* How vcpu_fence_local (run.c, which runs on the hart and cannot be linked
   here) fences a range: rfence_range decides, and must never fence fewer
   pages than the range has, nor loop past them. */
static void check_rfence(const struct vcpu_exit *ex)
{
    unsigned long start = ex->rfence.start, size = ex->rfence.size, first, pages;
    MUST(ex->rfence.kind <= RFENCE_SFENCE_VMA_ASID);
    if (ex->rfence.kind == RFENCE_FENCE_I)
        return;
    bool all = rfence_range(start, size, &first, &pages);
    unsigned __int128 end = (unsigned __int128)start + size;
    if (size == ~0UL || (start == 0 && size == 0) || end > ((unsigned __int128)1 << 64))
        MUST(all);                                  /* the whole space, or a wrapping range */
    if (all)
        return;
    MUST(first == (start & ~4095UL));
    /* The pages of [start, start + size), counted without wrapping. */
    MUST(pages == (size == 0 ? 0 : (unsigned long)(((end - 1) >> 12) - (start >> 12) + 1)));
    MUST(pages <= 65);
}

/* The completion the monitor would give an MMIO read or write. */
static void check_mmio(const struct vcpu_exit *ex, unsigned long value, unsigned long sepc)
{
    bool read = ex->reason == VCPU_EXIT_MMIO_READ;
    unsigned width = read ? ex->mmio_read.width : ex->mmio_write.width;
    uint64_t addr = read ? ex->mmio_read.addr : ex->mmio_write.addr;
    MUST(width == 1 || width == 2 || width == 4 || width == 8);
    MUST(addr % width == 0);
    MUST(v.mmio.length == 2 || v.mmio.length == 4);
    MUST(v.mmio.store == !read);
    if (!read) {
        unsigned long x = v.regs.guest_x[v.mmio.reg];
        MUST(ex->mmio_write.data == (width == 8 ? x : x & ((1UL << (8 * width)) - 1)));
    }
    unsigned reg = read ? ex->mmio_read.reg : 0;
    if (read)
        MUST(reg < 32);
    unsigned long before[32];
    memcpy(before, v.regs.guest_x, sizeof before);
    unsigned length = v.mmio.length;
    MUST(vcpu_mmio_complete(&v, value) == 0);
    MUST(v.regs.guest.sepc == sepc + length);
    MUST(vcpu_mmio_complete(&v, value) == -EPERM);      /* one completion only */
    MUST(v.regs.guest_x[0] == 0);
    for (unsigned i = 1; i < 32; i++)
        if (!read || i != reg)
            MUST(v.regs.guest_x[i] == before[i]);
    if (read && reg != 0) {
        unsigned long want = value;
        if (width < 8) {
            unsigned long mask = (1UL << (8 * width)) - 1, sign = 1UL << (8 * width - 1);
            want &= mask;
            if (ex->mmio_read.sign_ext && (want & sign))
                want |= ~mask;
        }
        MUST(v.regs.guest_x[reg] == want);
    }
}

static void guest_page_fault(struct input *in, unsigned long cause)
{
    struct vcpu_exit ex;
    memset(&ex, 0, sizeof ex);
    uint8_t how = take_u8(in);
    v.regs.trap.scause = cause;
    v.regs.trap.htinst = how & 1 ? take_u64(in, 4) : how & 2 ? take_u64(in, 8) : 0;
    v.regs.trap.htval = take_u64(in, how & 4 ? 8 : 2);
    v.regs.trap.stval = take_u64(in, 8);
    for (unsigned i = 0; i < 8; i++)
        fake_code[i] = (uint16_t)take_u64(in, 2);
    unsigned long sepc = how & 8 ? take_u64(in, 8) : FAKE_RAM_GPA + 2 * (how >> 4 & 7);
    v.regs.guest.sepc = sepc;
    for (unsigned i = 1; i < 32; i++)
        v.regs.guest_x[i] = take_u64(in, 1) * 0x0101010101010101UL;
    unsigned long regs[32];
    memcpy(regs, v.regs.guest_x, sizeof regs);
    fake_injected = ~0UL;
    bool to_monitor = vcpu_handle_exit(&v, &ex);
    if (!to_monitor) {
        /* An access fault injected, or the instruction could not be read and
           the guest takes the fetch's page fault: never a silent retry. */
        MUST(v.regs.guest.sepc == sepc);
        MUST(fake_injected == EXC_LOAD_ACCESS || fake_injected == EXC_STORE_ACCESS ||
             fake_injected == EXC_INST_PAGE_FAULT);
        if (fake_injected == EXC_INST_PAGE_FAULT)
            MUST(fake_injected_tval == sepc || fake_injected_tval == sepc + 2);
        else
            MUST(fake_injected_tval == v.regs.trap.stval);
        MUST(memcmp(regs, v.regs.guest_x, sizeof regs) == 0);
        return;
    }
    if (cause == EXC_INST_GUEST_PAGE_FAULT) {
        MUST(ex.reason == VCPU_EXIT_GUEST_PAGE_FAULT && ex.page_fault.access == VCPU_ACCESS_FETCH);
        return;
    }
    MUST(ex.reason == VCPU_EXIT_MMIO_READ || ex.reason == VCPU_EXIT_MMIO_WRITE);
    MUST((ex.reason == VCPU_EXIT_MMIO_WRITE) == (cause == EXC_STORE_GUEST_PAGE_FAULT));
    uint64_t gpa = (uint64_t)v.regs.trap.htval << 2 | (v.regs.trap.stval & 3);
    MUST((ex.reason == VCPU_EXIT_MMIO_READ ? ex.mmio_read.addr : ex.mmio_write.addr) == gpa);
    check_mmio(&ex, take_u64(in, 8), sepc);
}

static void other_exit(struct input *in, uint8_t kind)
{
    struct vcpu_exit ex;
    memset(&ex, 0, sizeof ex);
    unsigned long cause = take_u64(in, kind & 1 ? 8 : 1);
    if (kind & 2)
        cause |= SCAUSE_INTERRUPT;
    if (cause == EXC_ECALL_VS || cause == EXC_INST_GUEST_PAGE_FAULT ||
        cause == EXC_LOAD_GUEST_PAGE_FAULT || cause == EXC_STORE_GUEST_PAGE_FAULT)
        return;                                 /* the other records do these */
    fake_time = take_u64(in, 8);
    v.regs.trap.scause = cause;
    unsigned long regs[32], sepc = v.regs.guest.sepc;
    memcpy(regs, v.regs.guest_x, sizeof regs);
    if (vcpu_handle_exit(&v, &ex)) {
        MUST(ex.reason == VCPU_EXIT_FAIL || ex.reason == VCPU_EXIT_EXTERNAL_INTERRUPT ||
             ex.reason == VCPU_EXIT_NOTHING);
        if (ex.reason == VCPU_EXIT_FAIL)
            MUST(ex.fail.why != NULL && ex.fail.scause == cause);
    }
    MUST(v.regs.guest.sepc == sepc && memcmp(regs, v.regs.guest_x, sizeof regs) == 0);
}

static void ecall(struct input *in)
{
    struct vcpu_exit ex;
    memset(&ex, 0, sizeof ex);
    uint8_t esel = take_u8(in), fsel = take_u8(in);
    unsigned hints = (unsigned)take_u64(in, 2);
    unsigned long *x = v.regs.guest_x;
    unsigned long eid = esel < sizeof eids / sizeof eids[0] ? eids[esel] : take_u64(in, 8);
    unsigned long fid = fsel < 8 ? fsel : take_u64(in, 8);
    for (unsigned i = 0; i < 6; i++)
        x[REG_A0 + i] = arg(in, hints >> (2 * i));
    x[REG_A6] = fid;
    x[REG_A7] = eid;
    v.regs.trap.scause = EXC_ECALL_VS;
    v.regs.guest.sepc = SEPC;

    unsigned long old[32];
    memcpy(old, x, sizeof old);
    unsigned console_before = console_len;
    const char *input_before = console_input;
    bool to_monitor = vcpu_handle_exit(&v, &ex);
    const unsigned long *a = old + REG_A0;      /* the arguments as passed */
    bool legacy = eid <= 0x0f;

    for (unsigned i = 0; i < 32; i++)
        if (i != REG_A0 && i != REG_A1)
            MUST(x[i] == old[i]);
    MUST(v.sbi_eid == eid);

    /* A suspend is answered by the vCPU and then waits in the monitor (IDLE):
       retentive, it returns 0 past the ecall; non-retentive to an executable
       address, it resumes there as a started hart (SBI 2.0 9.4). */
    uint32_t type32 = (uint32_t)a[0];
    if (to_monitor && ex.reason == VCPU_EXIT_IDLE) {
        MUST(eid == SBI_EXT_HSM && fid == SBI_HSM_HART_SUSPEND && ex.idle.suspend);
        if (type32 == SBI_HSM_SUSPEND_RETENTIVE) {
            MUST(v.regs.guest.sepc == SEPC + 4 && x[REG_A0] == 0 && x[REG_A1] == 0);
            return;
        }
        MUST(type32 == SBI_HSM_SUSPEND_NON_RETENTIVE && vcpu_guest_executable(&v, a[1]) == 0);
        MUST(v.regs.guest.sepc == a[1]);
        MUST(x[REG_A0] == v.cfg.hart_id && x[REG_A1] == a[2]);
        MUST(v.regs.vs.vsatp == 0 && !(v.regs.vs.vsstatus & SSTATUS_SIE));
        return;
    }
    MUST(!(eid == SBI_EXT_HSM && fid == SBI_HSM_HART_SUSPEND && x[REG_A0] == 0 &&
           (type32 == SBI_HSM_SUSPEND_RETENTIVE || type32 == SBI_HSM_SUSPEND_NON_RETENTIVE)));
    if (eid == SBI_EXT_HSM && fid == SBI_HSM_HART_SUSPEND && !to_monitor)
        MUST((long)x[REG_A0] == ((type32 == SBI_HSM_SUSPEND_RETENTIVE ||
                                  type32 == SBI_HSM_SUSPEND_NON_RETENTIVE)
                                 ? SBI_ERR_INVALID_ADDRESS : SBI_ERR_INVALID_PARAM));

    if (to_monitor) {
        MUST(x[REG_A0] == old[REG_A0] && x[REG_A1] == old[REG_A1]);
        bool no_return = ex.reason == VCPU_EXIT_CPU_DOWN || ex.reason == VCPU_EXIT_SYSTEM_DOWN ||
                         ex.reason == VCPU_EXIT_SYSTEM_RESET;
        MUST(v.regs.guest.sepc == (no_return ? SEPC : SEPC + 4));
        switch (ex.reason) {
        case VCPU_EXIT_HYPERCALL:
            MUST(eid == SBI_EXT_RVH && ex.hypercall.nr == fid);
            for (unsigned i = 0; i < 6; i++)
                MUST(ex.hypercall.args[i] == a[i]);
            break;
        case VCPU_EXIT_SYSTEM_DOWN:
        case VCPU_EXIT_SYSTEM_RESET:
            MUST(eid == SBI_EXT_SRST || eid == SBI_EXT_LEGACY_SHUTDOWN);
            MUST(ex.system.type <= SBI_SRST_TYPE_WARM_REBOOT);
            MUST((ex.reason == VCPU_EXIT_SYSTEM_DOWN) == (ex.system.type == SBI_SRST_TYPE_SHUTDOWN));
            MUST(ex.system.reason <= SBI_SRST_REASON_FAILURE ||
                 (ex.system.reason >= 0xe0000000UL && ex.system.reason <= 0xefffffffUL));
            if (eid == SBI_EXT_SRST)
                MUST(ex.system.type == (uint32_t)a[0] && ex.system.reason == (uint32_t)a[1]);
            break;
        case VCPU_EXIT_SEND_IPI:
            MUST((eid == SBI_EXT_IPI && fid == 0 && ex.ipi.mask == a[0] && ex.ipi.base == a[1]) ||
                 eid == SBI_EXT_LEGACY_SEND_IPI);
            break;
        case VCPU_EXIT_RFENCE:
            MUST(eid == SBI_EXT_RFENCE || (eid >= SBI_EXT_LEGACY_FENCE_I &&
                                           eid <= SBI_EXT_LEGACY_SFENCE_VMA_ASID));
            if (eid == SBI_EXT_RFENCE)
                MUST(ex.rfence.kind == fid && ex.rfence.mask == a[0] && ex.rfence.base == a[1]);
            check_rfence(&ex);
            break;
        case VCPU_EXIT_CPU_UP:
            MUST(eid == SBI_EXT_HSM && fid == SBI_HSM_HART_START);
            MUST(ex.cpu_up.target == a[0] && ex.cpu_up.entry == a[1] && ex.cpu_up.opaque == a[2]);
            break;
        case VCPU_EXIT_CPU_DOWN:
            MUST(eid == SBI_EXT_HSM && fid == SBI_HSM_HART_STOP);
            break;
        case VCPU_EXIT_HART_STATUS:
            MUST(eid == SBI_EXT_HSM && ex.hart_status.target == a[0]);
            break;
        default:
            MUST(0);                            /* no other exit comes from an ecall */
        }
        return;
    }

    /* Every other call that returns retires the ecall. */
    MUST(v.regs.guest.sepc == SEPC + 4);
    long err = (long)x[REG_A0];
    if (eid == SBI_EXT_LEGACY_GETCHAR)
        MUST(err >= -1 && err <= 255);
    else if (eid == SBI_EXT_LEGACY_CLEAR_IPI)
        MUST(err == 0 || err == 1);             /* was an IPI pending (section 5.4) */
    else
        MUST(sbi_error_ok(err));
    if (legacy)
        MUST(x[REG_A1] == old[REG_A1]);
    if (!sbi_find(eid))
        MUST(err == SBI_ERR_NOT_SUPPORTED);
    if (eid == SBI_EXT_BASE && fid == SBI_BASE_PROBE_EXT)
        MUST(err == 0 && x[REG_A1] <= 1);
    if (eid == SBI_EXT_TIME && fid == 0)
        MUST(err == 0 && v.timer_deadline == a[0]);

    if (eid == SBI_EXT_SRST && fid == SBI_SRST_SYSTEM_RESET)
        MUST(err == SBI_ERR_INVALID_PARAM);     /* what is accepted does not return */
    if (eid == SBI_EXT_DBCN && (fid == SBI_DBCN_WRITE || fid == SBI_DBCN_READ)) {
        unsigned long off = a[1] - FAKE_RAM_GPA;
        bool in_ram = a[2] == 0 && (a[0] == 0 || (a[1] >= FAKE_RAM_GPA &&
                      off < FAKE_RAM_SIZE && a[0] <= FAKE_RAM_SIZE - off));
        MUST(in_ram ? err == SBI_SUCCESS : err == SBI_ERR_INVALID_PARAM);
    }
    if (eid == SBI_EXT_DBCN && fid == SBI_DBCN_WRITE && err == 0) {
        unsigned long n = x[REG_A1];
        MUST(n <= a[0] && (n == 0 || (a[1] >= FAKE_RAM_GPA &&
                                      a[1] - FAKE_RAM_GPA + n <= FAKE_RAM_SIZE)));
        MUST(console_len == console_before + n ||        /* or the fake console is full */
             console_len == sizeof console - 1);
        if (n != 0 && console_len == console_before + n)
            MUST(memcmp(console + console_before, fake_ram + (a[1] - FAKE_RAM_GPA), n) == 0);
    }
    if (eid == SBI_EXT_DBCN && fid == SBI_DBCN_READ && err == 0) {
        unsigned long got = x[REG_A1];
        MUST(got <= a[0] && (size_t)(console_input - input_before) == got);
        MUST(got == 0 || (a[1] >= FAKE_RAM_GPA && a[1] - FAKE_RAM_GPA + got <= FAKE_RAM_SIZE));
        if (got)
            memcpy(ram_expected + (a[1] - FAKE_RAM_GPA), input_before, got);
    }
    /* Guest RAM changes only where a successful console_read delivered bytes. */
    MUST(memcmp(fake_ram, ram_expected, FAKE_RAM_SIZE) == 0);     /* console_read writes only what it read */
    memcpy(ram_expected, fake_ram, FAKE_RAM_SIZE);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct input in = { data, size };
    struct vcpu_config cfg = { 0, 0, 0, 0x87e00000UL };
    uint8_t flags = take_u8(&in);
    cfg.hart_id = flags >> 4;
    MUST(vcpu_new(&v, &cfg) == 0);
    MUST(vcpu_set_guest_ram(&v, FAKE_RAM_GPA, FAKE_RAM_SIZE) == 0);
    MUST(vcpu_setup_timer(&v, flags & 1, take_u64(&in, 2)) == 0);
    v.loaded = flags & 2;
    fake_virtual_ok = !(flags & 4);

    memset(fake_ram, 0, sizeof fake_ram);
    unsigned off = (unsigned)take_u64(&in, 2), len = take_u8(&in);
    for (unsigned i = 0; i < len; i++)
        fake_ram[(off + i) % FAKE_RAM_SIZE] = take_u8(&in);
    memcpy(ram_expected, fake_ram, sizeof fake_ram);
    unsigned tlen = take_u8(&in) % sizeof input_text;
    for (unsigned i = 0; i < tlen; i++)
        input_text[i] = (char)(take_u8(&in) | 1);       /* no NUL inside */
    input_text[tlen] = '\0';
    console_input = input_text;
    console_len = 0;

    for (unsigned n = 0; n < MAX_EXITS && take_left(&in); n++) {
        uint8_t kind = take_u8(&in);
        switch (kind >> 5) {
        case 5:  guest_page_fault(&in, kind & 1 ? EXC_STORE_GUEST_PAGE_FAULT
                                    : kind & 2 ? EXC_INST_GUEST_PAGE_FAULT
                                    : EXC_LOAD_GUEST_PAGE_FAULT); break;
        case 6:  other_exit(&in, kind); break;
        default: ecall(&in); break;
        }
    }
    return 0;
}
