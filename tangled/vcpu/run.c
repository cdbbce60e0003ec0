/* vcpu_run: the only part of the vCPU library that touches the hart. */
#include <errno.h>
#include "arch/csr.h"
#include "arch/hext.h"
#include "arch/hfence.h"
#include "arch/sbi.h"
#include "arch/timer.h"
#include "vcpu/sbi.h"
#include "vcpu/vcpu.h"

void _run_guest(struct vcpu_regs *regs);        /* asm/switch.S */
bool vcpu_guest_trapped(struct vcpu_regs *regs);        /* called by it */

static void vcpu_load(struct vcpu *vcpu)
{
    const struct vcpu_vs_csrs *vs = &vcpu->regs.vs;
    csr_write(vsstatus, vs->vsstatus);
    csr_write(vsie, vs->vsie);
    csr_write(vstvec, vs->vstvec);
    csr_write(vsscratch, vs->vsscratch);
    csr_write(vsepc, vs->vsepc);
    csr_write(vscause, vs->vscause);
    csr_write(vstval, vs->vstval);
    csr_write(vsatp, vs->vsatp);
    csr_write(scounteren, vs->scounteren);
    csr_write(hvip, vs->hvip);
    csr_write(htimedelta, vs->htimedelta);
    csr_write(henvcfg, vcpu->envcfg | (vcpu->sstc ? HENVCFG_STCE : 0));
    if (!vcpu->sstc && hext.sstc)
        csr_write(CSR_VSTIMECMP, ~0UL);
    vcpu_timer_to_hart(vcpu);
    csr_write(hgatp, vcpu->hgatp);
    hfence_gvma_vmid(vcpu->hgatp >> HGATP_VMID_SHIFT & HGATP_VMID_MASK);
    vcpu_fp_load(&vcpu->fp);
    __asm__ volatile("hfence.vvma zero, zero" ::: "memory");
    __asm__ volatile("fence.i" ::: "memory");
    csr_write(CSR_SENVCFG, vcpu->senvcfg);
    if (hext.stateen)
        csr_write(CSR_SSTATEEN0, vcpu->sstateen0);
    vcpu->loaded = true;
}
void vcpu_put(struct vcpu *vcpu)
{
    struct vcpu_vs_csrs *vs = &vcpu->regs.vs;
    if (!vcpu->loaded)
        return;
    vs->vsstatus = csr_read(vsstatus);
    vs->vsie = csr_read(vsie);
    vs->vstvec = csr_read(vstvec);
    vs->vsscratch = csr_read(vsscratch);
    vs->vsepc = csr_read(vsepc);
    vs->vscause = csr_read(vscause);
    vs->vstval = csr_read(vstval);
    vs->vsatp = csr_read(vsatp);
    vs->scounteren = csr_read(scounteren);
    vs->hvip = csr_read(hvip);
    if (vcpu->sstc)
        vcpu->regs.vs.vstimecmp = csr_read(CSR_VSTIMECMP);
    else
        timer_set_guest(TIMER_NEVER);
    if ((vcpu->regs.guest.sstatus & SSTATUS_FS) == SSTATUS_FS_DIRTY) {
        vcpu_fp_save(&vcpu->fp);
        vcpu->regs.guest.sstatus = (vcpu->regs.guest.sstatus & ~SSTATUS_FS) | SSTATUS_FS_CLEAN;
    }
    vcpu->senvcfg = csr_read(CSR_SENVCFG);
    if (hext.stateen)
        vcpu->sstateen0 = csr_read(CSR_SSTATEEN0);
    vcpu->loaded = false;
}

int vcpu_run(struct vcpu *vcpu, struct vcpu_exit *exit)
{
    if (vcpu->state != VCPU_READY)
        return -EPERM;
    vcpu->state = VCPU_RUNNING;
    if (!vcpu->loaded)
        vcpu_load(vcpu);
    if (__atomic_load_n(&vcpu->posted_changed, __ATOMIC_RELAXED))
        vcpu_take_posted(vcpu);
    if (vcpu->sta.dirty)
        sta_publish(vcpu);
    if (__atomic_load_n(&vcpu->requests, __ATOMIC_RELAXED))
        vcpu_take_requests(vcpu);
    vcpu->exit = exit;
    _run_guest(&vcpu->regs);
    vcpu->state = VCPU_READY;
    return 0;
}
_Static_assert(offsetof(struct vcpu, regs) == 0, "the block starts the vCPU");

bool vcpu_guest_trapped(struct vcpu_regs *regs)
{
    struct vcpu *vcpu = (struct vcpu *)regs;
    vcpu->exits++;
    return vcpu_handle_exit(vcpu, vcpu->exit);
}
static bool vs_irq(unsigned irq)
{
    return irq == IRQ_VS_SOFT || irq == IRQ_VS_TIMER || irq == IRQ_VS_EXT;
}

int vcpu_inject_interrupt(struct vcpu *vcpu, unsigned irq)
{
    if (!vs_irq(irq))
        return -EINVAL;
    vcpu->regs.vs.hvip |= 1UL << irq;
    if (vcpu->loaded)
        csr_set(hvip, 1UL << irq);
    return 0;
}

int vcpu_clear_interrupt(struct vcpu *vcpu, unsigned irq)
{
    if (!vs_irq(irq))
        return -EINVAL;
    vcpu->regs.vs.hvip &= ~(1UL << irq);
    if (vcpu->loaded)
        csr_clear(hvip, 1UL << irq);
    return 0;
}

bool vcpu_irq_is_pending(const struct vcpu *vcpu, unsigned irq)
{
    unsigned long hvip = vcpu->loaded ? csr_read(hvip) : vcpu->regs.vs.hvip;
    return vs_irq(irq) && (hvip >> irq & 1);
}
void vcpu_fence_local(struct vcpu *vcpu, unsigned kind, unsigned long start,
                      unsigned long size, unsigned long asid)
{
    (void)vcpu;
    if (kind == RFENCE_FENCE_I) {
        __asm__ volatile("fence.i" ::: "memory");
        return;
    }
    unsigned long a, pages;
    bool all = rfence_range(start, size, &a, &pages);
    if (all && kind == RFENCE_SFENCE_VMA_ASID)
        __asm__ volatile("hfence.vvma zero, %0" :: "r"(asid) : "memory");
    else if (all)
        __asm__ volatile("hfence.vvma zero, zero" ::: "memory");
    else
        for (; pages > 0; pages--, a += 4096) {
            if (kind == RFENCE_SFENCE_VMA_ASID)
                __asm__ volatile("hfence.vvma %0, %1" :: "r"(a), "r"(asid) : "memory");
            else
                __asm__ volatile("hfence.vvma %0, zero" :: "r"(a) : "memory");
        }
}
void vcpu_reset_vs_state(struct vcpu *vcpu)
{
    vcpu->regs.vs.vsatp = 0;
    vcpu->regs.vs.vsstatus &= ~SSTATUS_SIE;
    if (vcpu->loaded) {
        csr_write(vsatp, 0);
        csr_clear(vsstatus, SSTATUS_SIE);
    }
}
void vcpu_timer_to_hart(struct vcpu *vcpu)
{
    if (vcpu->sstc)
        csr_write(CSR_VSTIMECMP, vcpu->regs.vs.vstimecmp);
    else
        timer_set_guest(host_deadline(vcpu));
}
int vcpu_set_envcfg(struct vcpu *vcpu, unsigned long envcfg)
{
    if (envcfg & ~hext.envcfg)
        return -EINVAL;
    vcpu->envcfg = envcfg;
    return 0;
}
int vcpu_inject_exception(struct vcpu *vcpu, unsigned long cause, unsigned long tval)
{
    if (!vcpu->loaded)
        return -EPERM;
    if ((csr_read(vstvec) & ~3UL) == vcpu->regs.guest.sepc)
        return -ELOOP;
    unsigned long vs = csr_read(vsstatus);
    bool from_vs = vcpu->regs.guest.sstatus & SSTATUS_SPP;
    vs = (vs & ~(SSTATUS_SPP | SSTATUS_SPIE | SSTATUS_SIE)) |
         (from_vs ? SSTATUS_SPP : 0) | (vs & SSTATUS_SIE ? SSTATUS_SPIE : 0);
    csr_write(vsstatus, vs);
    csr_write(vsepc, vcpu->regs.guest.sepc);
    csr_write(vscause, cause);
    csr_write(vstval, tval);
    vcpu->regs.guest.sepc = csr_read(vstvec) & ~3UL;
    vcpu->regs.guest.sstatus |= SSTATUS_SPP;        /* the handler runs in VS-mode */
    vcpu->mmio.length = 0;
    return 0;
}
void vcpu_post_interrupt(struct vcpu *vcpu, unsigned irq, bool pending)
{
    if (pending)
        __atomic_fetch_or(&vcpu->posted, 1UL << irq, __ATOMIC_SEQ_CST);
    else
        __atomic_fetch_and(&vcpu->posted, ~(1UL << irq), __ATOMIC_SEQ_CST);
    __atomic_store_n(&vcpu->posted_changed, true, __ATOMIC_SEQ_CST);
}

void vcpu_take_posted(struct vcpu *vcpu)
{
    if (!__atomic_load_n(&vcpu->posted_changed, __ATOMIC_SEQ_CST))
        return;
    __atomic_store_n(&vcpu->posted_changed, false, __ATOMIC_SEQ_CST);
    unsigned long p = __atomic_fetch_and(&vcpu->posted, ~(1UL << IRQ_VS_SOFT),
                                         __ATOMIC_SEQ_CST);
    if (p & 1UL << IRQ_VS_SOFT)
        vcpu_inject_interrupt(vcpu, IRQ_VS_SOFT);
    if (p & 1UL << IRQ_VS_EXT)
        vcpu_inject_interrupt(vcpu, IRQ_VS_EXT);
    else
        vcpu_clear_interrupt(vcpu, IRQ_VS_EXT);
}
