/* Decoding a VM exit from the trap CSRs (no hardware access). */
#include <errno.h>
#include <string.h>
#include "arch/csr.h"
#include "vcpu/sbi.h"
#include "vcpu/vcpu.h"

static enum vcpu_exit_kind exit_kind(unsigned long scause)
{
    switch (scause) {
    case EXC_ECALL_VS: return VCPU_KIND_SBI;
    case SCAUSE_INTERRUPT | IRQ_S_TIMER: return VCPU_KIND_TIMER;
    case SCAUSE_INTERRUPT | IRQ_S_EXT: return VCPU_KIND_EXTERNAL;
    case SCAUSE_INTERRUPT | IRQ_S_SOFT: return VCPU_KIND_SOFTWARE;
    case EXC_INST_GUEST_PAGE_FAULT:
    case EXC_LOAD_GUEST_PAGE_FAULT:
    case EXC_STORE_GUEST_PAGE_FAULT: return VCPU_KIND_PAGE_FAULT;
    case EXC_VIRTUAL_INST: return VCPU_KIND_VIRTUAL_INST;
    default: return VCPU_KIND_OTHER;
    }
}
static bool vcpu_fail(struct vcpu *vcpu, struct vcpu_exit *exit, const char *why)
{
    const struct vcpu_trap_csrs *t = &vcpu->regs.trap;
    exit->reason = VCPU_EXIT_FAIL;
    exit->fail.why = why;
    exit->fail.scause = t->scause;
    exit->fail.stval = t->stval;
    exit->fail.htval = t->htval;
    exit->fail.htinst = t->htinst;
    exit->fail.pc = vcpu->regs.guest.sepc;
    return true;
}
static int fetch_fault(struct vcpu *vcpu, unsigned long cause,
                       unsigned long addr)
{
    unsigned long as_fetch =
        cause == EXC_LOAD_PAGE_FAULT ? EXC_INST_PAGE_FAULT :
        cause == EXC_LOAD_ACCESS ? EXC_INST_ACCESS : 0;
    if (as_fetch == 0 || vcpu_inject_exception(vcpu, as_fetch, addr) < 0)
        return -EFAULT;
    return -EAGAIN;
}
static int read_insn(struct vcpu *vcpu, unsigned long pc, uint32_t *insn,
                     unsigned *length)
{
    uint16_t lo, hi = 0;
    int err = vcpu_fetch_guest(vcpu, pc, &lo);
    if (err == 0 && insn_length(lo) == 4)
        err = vcpu_fetch_guest(vcpu, pc += 2, &hi);
    if (err < 0)
        return fetch_fault(vcpu, (unsigned long)-err, pc);
    *length = insn_length(lo);
    *insn = lo | (uint32_t)hi << 16;
    return 0;
}
static int trapped_insn(struct vcpu *vcpu, uint32_t *insn, unsigned *length)
{
    int err = insn_from_htinst(vcpu->regs.trap.htinst, insn, length);
    if (err != -ENOENT)
        return err;
    return read_insn(vcpu, vcpu->regs.guest.sepc, insn, length);
}

static bool mmio_exit(struct vcpu *vcpu, struct vcpu_exit *exit, uint64_t gpa)
{
    uint32_t insn;
    unsigned length;
    struct insn_mmio *m = &vcpu->mmio;
    bool store = vcpu->regs.trap.scause == EXC_STORE_GUEST_PAGE_FAULT;
    int err = trapped_insn(vcpu, &insn, &length);
    if (err == -EAGAIN)
        return false;                   /* the guest takes a fetch fault */
    if (err == -EFAULT)
        return vcpu_fail(vcpu, exit,
                         "the trapped instruction is outside guest memory");
    if (err < 0 || insn_decode_mmio(insn, length, m) < 0 || m->store != store ||
        gpa % m->width != 0) {
        if (vcpu_inject_exception(vcpu, store ? EXC_STORE_ACCESS : EXC_LOAD_ACCESS,
                                  vcpu->regs.trap.stval) < 0)
            return vcpu_fail(vcpu, exit, "the guest cannot take an access fault");
        return false;
    }
    if (store) {
        uint64_t v = vcpu->regs.guest_x[m->reg];
        exit->reason = VCPU_EXIT_MMIO_WRITE;
        exit->mmio_write.addr = gpa;
        exit->mmio_write.width = m->width;
        exit->mmio_write.data = m->width == 8 ? v : v & ((1ULL << (8 * m->width)) - 1);
    } else {
        exit->reason = VCPU_EXIT_MMIO_READ;
        exit->mmio_read.addr = gpa;
        exit->mmio_read.width = m->width;
        exit->mmio_read.reg = m->reg;
        exit->mmio_read.sign_ext = m->sign_extend;
    }
    return true;
}
static bool guest_page_fault(struct vcpu *vcpu, struct vcpu_exit *exit)
{
    const struct vcpu_trap_csrs *t = &vcpu->regs.trap;
    uint64_t gpa = (uint64_t)t->htval << 2 | (t->stval & 3);
    /* Chapter 7 decodes loads and stores here. */
    if (t->scause != EXC_INST_GUEST_PAGE_FAULT)
        return mmio_exit(vcpu, exit, gpa);
    exit->reason = VCPU_EXIT_GUEST_PAGE_FAULT;
    exit->page_fault.gpa = gpa;
    exit->page_fault.pc = vcpu->regs.guest.sepc;
    exit->page_fault.access = t->scause == EXC_INST_GUEST_PAGE_FAULT ? VCPU_ACCESS_FETCH
                            : t->scause == EXC_LOAD_GUEST_PAGE_FAULT ? VCPU_ACCESS_LOAD
                            : VCPU_ACCESS_STORE;
    return true;
}
static bool host_interrupt(struct vcpu *vcpu, struct vcpu_exit *exit, unsigned long irq)
{
    switch (irq) {
    case IRQ_S_EXT:
        exit->reason = VCPU_EXIT_EXTERNAL_INTERRUPT;
        return true;
    case IRQ_S_TIMER:
        vcpu->exits_by_kind[vcpu_timer_expired(vcpu) ? VCPU_KIND_TIMER : VCPU_KIND_TICK]++;
        if (timer_now() < timer_own_deadline())
            return false;
        exit->reason = VCPU_EXIT_NOTHING;           /* the monitor's own deadline */
        return true;
    case IRQ_S_SOFT:
        exit->reason = VCPU_EXIT_NOTHING;           /* another hart kicked us */
        return true;
    }
    return vcpu_fail(vcpu, exit, "unexpected host interrupt while the guest ran");
}
static bool virtual_insn(struct vcpu *vcpu, struct vcpu_exit *exit)
{
    uint32_t insn = (uint32_t)vcpu->regs.trap.stval;
    unsigned length = 4;
    int err = 0;
    if (insn == 0)
        err = read_insn(vcpu, vcpu->regs.guest.sepc, &insn, &length);
    if (err == -EAGAIN)
        return false;                   /* the guest takes a fetch fault */
    if (err < 0)
        return vcpu_fail(vcpu, exit,
                         "the trapped instruction is outside guest memory");
    if (insn == INSN_WFI) {
        vcpu->regs.guest.sepc += 4;
        exit->reason = VCPU_EXIT_IDLE;
        exit->idle.suspend = false;
        return true;
    }
    if (insn == INSN_WRS_NTO || insn == INSN_WRS_STO) {
        vcpu->regs.guest.sepc += 4;
        exit->reason = VCPU_EXIT_YIELD;
        return true;
    }
    if (vcpu_inject_exception(vcpu, EXC_ILLEGAL_INST, insn) == 0)
        return false;
    return vcpu_fail(vcpu, exit, "the guest cannot take an illegal-instruction exception");
}
static __attribute__((noinline))
bool other_exit(struct vcpu *vcpu, struct vcpu_exit *exit, unsigned long scause)
{
    enum vcpu_exit_kind kind = exit_kind(scause);
    if (kind != VCPU_KIND_TIMER)
        vcpu->exits_by_kind[kind]++;
    if (scause & SCAUSE_INTERRUPT)
        return host_interrupt(vcpu, exit, scause & ~SCAUSE_INTERRUPT);
    switch (scause) {
    case EXC_INST_GUEST_PAGE_FAULT:
    case EXC_LOAD_GUEST_PAGE_FAULT:
    case EXC_STORE_GUEST_PAGE_FAULT:
        return guest_page_fault(vcpu, exit);
    /* added by later chapters */
    case EXC_LOAD_MISALIGNED:
    case EXC_STORE_MISALIGNED:
        if (vcpu_inject_exception(vcpu, vcpu->regs.trap.scause, vcpu->regs.trap.stval) == 0)
            return false;
        return vcpu_fail(vcpu, exit, "the guest cannot take a misaligned-access exception");
    case EXC_INST_ACCESS:
    case EXC_LOAD_ACCESS:
    case EXC_STORE_ACCESS:
        if (vcpu_inject_exception(vcpu, vcpu->regs.trap.scause,
                                  vcpu->regs.trap.stval) == 0)
            return false;
        return vcpu_fail(vcpu, exit, "the guest cannot take an access fault");
    case EXC_VIRTUAL_INST:
        return virtual_insn(vcpu, exit);
    default:
        return vcpu_fail(vcpu, exit, "unexpected exception from the guest");
    }
}

bool vcpu_handle_exit(struct vcpu *vcpu, struct vcpu_exit *exit)
{
    unsigned long scause = vcpu->regs.trap.scause;
    if (scause == EXC_ECALL_VS) {
        enum vcpu_exit_kind kind = exit_kind(scause);
        if (kind != VCPU_KIND_TIMER)
            vcpu->exits_by_kind[kind]++;
        return vcpu_sbi_call(vcpu, exit);
    }
    return other_exit(vcpu, exit, scause);
}
int vcpu_mmio_complete(struct vcpu *vcpu, uint64_t value)
{
    const struct insn_mmio *m = &vcpu->mmio;
    if (m->length == 0)
        return -EPERM;                              /* no access in progress */
    if (!m->store) {
        unsigned shift = 64 - 8 * m->width;
        if (shift)
            value = m->sign_extend ? (uint64_t)((int64_t)(value << shift) >> shift)
                                   : value << shift >> shift;
        vcpu->regs.guest_x[m->reg] = m->reg ? value : 0;
    }
    vcpu->regs.guest.sepc += m->length;
    vcpu->mmio.length = 0;
    return 0;
}
