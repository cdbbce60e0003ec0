/* SRST: the guest asks to shut down or reboot its machine. */
#include "vcpu/sbi.h"

enum sbi_action sbi_srst_call(struct vcpu *vcpu, unsigned long eid, unsigned long fid,
                              struct sbiret *ret, struct vcpu_exit *exit)
{
    uint32_t type = (uint32_t)vcpu->regs.guest_x[REG_A0];
    uint32_t reason = (uint32_t)vcpu->regs.guest_x[REG_A1];
    bool sbi_reason = reason >= 0xe0000000U && reason <= 0xefffffffU;
    (void)eid;
    if (fid != SBI_SRST_SYSTEM_RESET)
        return SBI_RETURN;                      /* NOT_SUPPORTED */
    if (type > SBI_SRST_TYPE_WARM_REBOOT ||
        (reason > SBI_SRST_REASON_FAILURE && !sbi_reason)) {
        ret->error = SBI_ERR_INVALID_PARAM;     /* reserved, or a vendor's */
        return SBI_RETURN;
    }
    exit->reason = type == SBI_SRST_TYPE_SHUTDOWN ? VCPU_EXIT_SYSTEM_DOWN
                                                  : VCPU_EXIT_SYSTEM_RESET;
    exit->system.type = type;
    exit->system.reason = reason;
    return SBI_NO_RETURN;
}
