/* HSM: start, stop, status go to the monitor; suspend is the vCPU's own. */
#include "vcpu/sbi.h"

static enum sbi_action hart_suspend(struct vcpu *vcpu, struct sbiret *ret,
                                    struct vcpu_exit *exit)
{
    uint32_t type = (uint32_t)vcpu->regs.guest_x[REG_A0];
    if (type != SBI_HSM_SUSPEND_RETENTIVE &&
        type != SBI_HSM_SUSPEND_NON_RETENTIVE) {
        ret->error = SBI_ERR_INVALID_PARAM;     /* reserved, or a platform's */
        return SBI_RETURN;
    }
    exit->reason = VCPU_EXIT_IDLE;
    exit->idle.suspend = true;
    if (type == SBI_HSM_SUSPEND_RETENTIVE) {
        vcpu_set_sbi_result(vcpu, SBI_SUCCESS, 0);
        vcpu->regs.guest.sepc += 4;
        return SBI_NO_RETURN;
    }
    unsigned long resume = vcpu->regs.guest_x[REG_A1];
    if (vcpu_guest_executable(vcpu, resume) < 0) {
        ret->error = SBI_ERR_INVALID_ADDRESS;
        return SBI_RETURN;
    }
    vcpu->regs.guest_x[REG_A1] = vcpu->regs.guest_x[REG_A0 + 2];
    vcpu->regs.guest_x[REG_A0] = vcpu->cfg.hart_id;
    vcpu->regs.guest.sepc = resume;
    vcpu_reset_vs_state(vcpu);
    return SBI_NO_RETURN;
}

enum sbi_action sbi_hsm_call(struct vcpu *vcpu, unsigned long eid, unsigned long fid,
                             struct sbiret *ret, struct vcpu_exit *exit)
{
    const unsigned long *x = vcpu->regs.guest_x;
    (void)eid;
    switch (fid) {
    case SBI_HSM_HART_START:
        exit->reason = VCPU_EXIT_CPU_UP;
        exit->cpu_up.target = x[REG_A0];
        exit->cpu_up.entry = x[REG_A1];
        exit->cpu_up.opaque = x[REG_A0 + 2];
        return SBI_TO_MONITOR;
    case SBI_HSM_HART_STOP:
        exit->reason = VCPU_EXIT_CPU_DOWN;
        return SBI_NO_RETURN;
    case SBI_HSM_HART_GET_STATUS:
        exit->reason = VCPU_EXIT_HART_STATUS;
        exit->hart_status.target = x[REG_A0];
        return SBI_TO_MONITOR;
    case SBI_HSM_HART_SUSPEND:
        return hart_suspend(vcpu, ret, exit);
    }
    return SBI_RETURN;                          /* NOT_SUPPORTED */
}
