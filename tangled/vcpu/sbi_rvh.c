/* The RVH hypercall extension: handed to the monitor as it is. */
#include "vcpu/sbi.h"

enum sbi_action sbi_rvh_call(struct vcpu *vcpu, unsigned long eid, unsigned long fid,
                             struct sbiret *ret, struct vcpu_exit *exit)
{
    (void)eid; (void)ret;
    exit->reason = VCPU_EXIT_HYPERCALL;
    exit->hypercall.nr = fid;
    const unsigned long *a = &vcpu->regs.guest_x[REG_A0];
    unsigned long *arg = exit->hypercall.args;
    arg[0] = a[0], arg[1] = a[1], arg[2] = a[2];
    arg[3] = a[3], arg[4] = a[4], arg[5] = a[5];
    return SBI_TO_MONITOR;
}
