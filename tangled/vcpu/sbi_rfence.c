/* RFENCE: remote fences on the harts of a mask, done by the monitor. */
#include "vcpu/sbi.h"

enum sbi_action sbi_rfence_call(struct vcpu *vcpu, unsigned long eid, unsigned long fid,
                                struct sbiret *ret, struct vcpu_exit *exit)
{
    const unsigned long *x = vcpu->regs.guest_x;
    (void)eid;
    if (fid > RFENCE_SFENCE_VMA_ASID)
        return SBI_RETURN;                      /* NOT_SUPPORTED */
    if (fid != RFENCE_FENCE_I && x[REG_A0 + 3] != ~0UL &&
        x[REG_A0 + 2] + x[REG_A0 + 3] < x[REG_A0 + 2]) {
        ret->error = SBI_ERR_INVALID_ADDRESS;
        return SBI_RETURN;
    }
    exit->reason = VCPU_EXIT_RFENCE;
    exit->rfence.kind = (unsigned)fid;
    exit->rfence.mask = x[REG_A0];
    exit->rfence.base = x[REG_A1];
    exit->rfence.start = fid == RFENCE_FENCE_I ? 0 : x[REG_A0 + 2];
    exit->rfence.size = fid == RFENCE_FENCE_I ? 0 : x[REG_A0 + 3];
    exit->rfence.asid = fid == RFENCE_SFENCE_VMA_ASID ? x[REG_A0 + 4] : 0;
    return SBI_TO_MONITOR;
}

bool rfence_range(unsigned long start, unsigned long size,
                  unsigned long *first, unsigned long *pages)
{
    *first = start & ~4095UL;
    *pages = 0;
    if (size == ~0UL || (start == 0 && size == 0) || size > 64 * 4096 ||
        start + size < start)
        return true;                            /* fence everything */
    if (size != 0)
        *pages = ((start + size - 1) >> 12) - (start >> 12) + 1;
    return false;
}
