/* The RVH hypercall extension: handed to the monitor as it is. */
#include "vcpu/sbi.h"

enum sbi_action sbi_rvh_call(struct vcpu *vcpu, unsigned long eid, unsigned long fid,
                             struct sbiret *ret, struct vcpu_exit *exit)
{
    (void)eid; (void)ret;
    exit->reason = VCPU_EXIT_HYPERCALL;
    exit->hypercall.nr = fid;
    for (int i = 0; i < 6; i++)
        exit->hypercall.args[i] = vcpu->regs.guest_x[REG_A0 + i];
    return SBI_TO_MONITOR;
}
