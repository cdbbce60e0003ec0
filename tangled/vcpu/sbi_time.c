/* TIME: the guest asks for its next timer interrupt. */
#include "vcpu/sbi.h"

enum sbi_action sbi_time_call(struct vcpu *vcpu, unsigned long eid, unsigned long fid,
                              struct sbiret *ret, struct vcpu_exit *exit)
{
    (void)eid; (void)exit;
    if (fid != 0)
        return SBI_RETURN;                      /* NOT_SUPPORTED */
    vcpu_set_timer(vcpu, vcpu->regs.guest_x[REG_A0]);
    ret->error = SBI_SUCCESS;
    return SBI_RETURN;
}
void vcpu_set_timer(struct vcpu *vcpu, uint64_t deadline)
{
    vcpu->timer_deadline = deadline;
    vcpu_clear_interrupt(vcpu, IRQ_VS_TIMER);
    if (vcpu->sstc)
        vcpu->regs.vs.vstimecmp = deadline;
    if (vcpu->loaded)
        vcpu_timer_to_hart(vcpu);
}
