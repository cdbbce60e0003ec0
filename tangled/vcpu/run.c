/* vcpu_run: the only part of the vCPU library that touches the hart. */
#include <errno.h>
#include "arch/csr.h"
#include "arch/hext.h"
#include "arch/hfence.h"
#include "vcpu/vcpu.h"

void _run_guest(struct vcpu_regs *regs);        /* asm/switch.S */

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
    csr_write(hvip, vs->hvip);
    csr_write(htimedelta, vs->htimedelta);
    csr_write(hgatp, vcpu->hgatp);
    hfence_gvma_vmid(vcpu->hgatp >> HGATP_VMID_SHIFT & HGATP_VMID_MASK);
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
    vs->hvip = csr_read(hvip);
    vcpu->loaded = false;
}

int vcpu_run(struct vcpu *vcpu, struct vcpu_exit *exit)
{
    if (vcpu->state != VCPU_READY)
        return -EPERM;
    vcpu->state = VCPU_RUNNING;
    if (!vcpu->loaded)
        vcpu_load(vcpu);
    do {
        _run_guest(&vcpu->regs);
        vcpu->exits++;
    } while (!vcpu_handle_exit(vcpu, exit));
    vcpu->state = VCPU_READY;
    return 0;
}
