/* IPI: the monitor delivers to the harts of the mask. */
#include "vcpu/sbi.h"

enum sbi_action sbi_ipi_call(struct vcpu *vcpu, unsigned long eid, unsigned long fid,
                             struct sbiret *ret, struct vcpu_exit *exit)
{
    (void)eid; (void)ret;
    if (fid != 0)
        return SBI_RETURN;                      /* NOT_SUPPORTED */
    exit->reason = VCPU_EXIT_SEND_IPI;
    exit->ipi.mask = vcpu->regs.guest_x[REG_A0];
    exit->ipi.base = vcpu->regs.guest_x[REG_A1];
    return SBI_TO_MONITOR;
}
