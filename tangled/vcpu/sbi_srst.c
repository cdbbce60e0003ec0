/* SRST: the guest asks to shut down or reboot its machine. */
#include "vcpu/sbi.h"

enum sbi_action sbi_srst_call(struct vcpu *vcpu, unsigned long eid, unsigned long fid,
                              struct sbiret *ret, struct vcpu_exit *exit)
{
    unsigned long type = vcpu->regs.guest_x[REG_A0];
    unsigned long reason = vcpu->regs.guest_x[REG_A1];
    (void)eid;
    if (fid != SBI_SRST_SYSTEM_RESET)
        return SBI_RETURN;                      /* NOT_SUPPORTED */
    if (type > 0xffffffffUL || reason > 0xffffffffUL ||
        (type > SBI_SRST_TYPE_WARM_REBOOT && type < 0xf0000000UL) ||
        (reason > SBI_SRST_REASON_FAILURE && reason < 0xf0000000UL)) {
        ret->error = SBI_ERR_INVALID_PARAM;
        return SBI_RETURN;
    }
    if (type > SBI_SRST_TYPE_WARM_REBOOT)
        return SBI_RETURN;                      /* vendor type: NOT_SUPPORTED */
    exit->reason = type == SBI_SRST_TYPE_SHUTDOWN ? VCPU_EXIT_SYSTEM_DOWN
                                                  : VCPU_EXIT_SYSTEM_RESET;
    exit->system.type = type;
    exit->system.reason = reason;
    return SBI_NO_RETURN;
}
