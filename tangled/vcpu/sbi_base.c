/* The base extension: who we are, and what we offer. */
#include "vcpu/sbi.h"

enum sbi_action sbi_base_call(struct vcpu *vcpu, unsigned long eid, unsigned long fid,
                              struct sbiret *ret, struct vcpu_exit *exit)
{
    (void)eid; (void)exit;
    ret->error = SBI_SUCCESS;
    switch (fid) {
    case SBI_BASE_GET_SPEC_VERSION: ret->value = RVH_SBI_SPEC_VERSION; break;
    case SBI_BASE_GET_IMPL_ID:      ret->value = RVH_SBI_IMPL_ID; break;
    case SBI_BASE_GET_IMPL_VERSION: ret->value = RVH_SBI_IMPL_VERSION; break;
    case SBI_BASE_PROBE_EXT:
        ret->value = sbi_find(vcpu->regs.guest_x[REG_A0]) != NULL;
        break;
    case SBI_BASE_GET_MVENDORID:
    case SBI_BASE_GET_MARCHID:
    case SBI_BASE_GET_MIMPID:
        ret->value = sbi_get_base(fid);
        break;
    default:
        ret->error = SBI_ERR_NOT_SUPPORTED;
    }
    return SBI_RETURN;
}
