/* The vCPU's timer: a deadline, on the emulated or the Sstc path. */
#include <errno.h>
#include "arch/csr.h"
#include "arch/timer.h"
#include "vcpu/sbi.h"
#include "vcpu/vcpu.h"

int vcpu_setup_timer(struct vcpu *vcpu, bool sstc, uint64_t htimedelta)
{
    if (vcpu->state != VCPU_CREATED && vcpu->state != VCPU_READY)
        return -EPERM;
    vcpu->sstc = sstc;
    vcpu->regs.vs.htimedelta = htimedelta;
    vcpu->regs.vs.vstimecmp = ~0UL;
    vcpu->timer_deadline = ~0UL;
    return 0;
}
uint64_t host_deadline(const struct vcpu *vcpu)
{
    uint64_t d = vcpu->timer_deadline, boot = -vcpu->regs.vs.htimedelta;
    if (d == ~0UL || d > UINT64_MAX - boot)
        return TIMER_NEVER;
    return d + boot;
}
bool vcpu_timer_expired(struct vcpu *vcpu)
{
    bool fired = false;
    if (!vcpu->sstc && vcpu->timer_deadline != ~0UL &&
        timer_now() >= host_deadline(vcpu)) {
        vcpu->timer_deadline = ~0UL;
        vcpu_inject_interrupt(vcpu, IRQ_VS_TIMER);
        fired = true;
    }
    timer_set_guest(vcpu->sstc ? TIMER_NEVER : host_deadline(vcpu));
    return fired;
}
