/* Decoding a VM exit from the trap CSRs (no hardware access). */
#include <string.h>
#include "arch/csr.h"
#include "vcpu/sbi.h"
#include "vcpu/vcpu.h"

/* added by later chapters */
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
static bool guest_page_fault(struct vcpu *vcpu, struct vcpu_exit *exit)
{
    const struct vcpu_trap_csrs *t = &vcpu->regs.trap;
    uint64_t gpa = (uint64_t)t->htval << 2 | (t->stval & 3);
    /* Chapter 7 decodes loads and stores here. */
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
    /* added by later chapters */
    case IRQ_S_TIMER:
        vcpu_timer_expired(vcpu);
        return false;
    }
    return vcpu_fail(vcpu, exit, "unexpected host interrupt while the guest ran");
}

bool vcpu_handle_exit(struct vcpu *vcpu, struct vcpu_exit *exit)
{
    unsigned long scause = vcpu->regs.trap.scause;
    /* added by later chapters */
    vcpu->exits_by_kind[exit_kind(scause)]++;
    if (scause & SCAUSE_INTERRUPT)
        return host_interrupt(vcpu, exit, scause & ~SCAUSE_INTERRUPT);
    switch (scause) {
    case EXC_ECALL_VS:
        return vcpu_sbi_call(vcpu, exit);
    case EXC_INST_GUEST_PAGE_FAULT:
    case EXC_LOAD_GUEST_PAGE_FAULT:
    case EXC_STORE_GUEST_PAGE_FAULT:
        return guest_page_fault(vcpu, exit);
    /* added by later chapters */
    default:
        return vcpu_fail(vcpu, exit, "unexpected exception from the guest");
    }
}
