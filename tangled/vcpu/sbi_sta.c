/* STA: where a vCPU's stolen time is reported (SBI chapter 16). */
#include "vcpu/sbi.h"

enum sbi_action sbi_sta_call(struct vcpu *vcpu, unsigned long eid, unsigned long fid,
                             struct sbiret *ret, struct vcpu_exit *exit)
{
    static const uint8_t zero[64];
    const unsigned long *x = vcpu->regs.guest_x;
    unsigned long lo = x[REG_A0], hi = x[REG_A1], flags = x[REG_A0 + 2];
    (void)eid; (void)exit;
    if (fid != 0)
        return SBI_RETURN;                      /* NOT_SUPPORTED */
    if (flags != 0 || (lo % 64 != 0 && !(lo == ~0UL && hi == ~0UL)))
        ret->error = SBI_ERR_INVALID_PARAM;
    else if (lo == ~0UL && hi == ~0UL) {
        vcpu->sta.on = false;
        ret->error = SBI_SUCCESS;
    } else if (hi != 0 ||
               vcpu_write_guest(vcpu, GUEST_PHYSICAL, lo, zero, 64) < 0)
        ret->error = SBI_ERR_INVALID_ADDRESS;
    else {
        vcpu->sta = (struct vcpu_sta){ .shmem = lo, .on = true };
        ret->error = SBI_SUCCESS;
    }
    return SBI_RETURN;
}
