/* The guest's SBI: find the extension, call it, complete the ecall. */
#include "vcpu/sbi.h"

static const struct vcpu_sbi_ext sbi_extensions[] = {
    { SBI_EXT_LEGACY_PUTCHAR, SBI_EXT_LEGACY_SHUTDOWN, sbi_legacy_call },
    { SBI_EXT_DBCN, SBI_EXT_DBCN, sbi_dbcn_call },
    { SBI_EXT_SRST, SBI_EXT_SRST, sbi_srst_call },
    { SBI_EXT_RVH, SBI_EXT_RVH, sbi_rvh_call },
};

bool vcpu_sbi_call(struct vcpu *vcpu, struct vcpu_exit *exit)
{
    unsigned long *x = vcpu->regs.guest_x;
    unsigned long eid = x[REG_A7], fid = x[REG_A6];
    struct sbiret ret = { SBI_ERR_NOT_SUPPORTED, 0 };
    bool to_monitor = false;
    for (unsigned i = 0; i < sizeof sbi_extensions / sizeof sbi_extensions[0]; i++) {
        const struct vcpu_sbi_ext *e = &sbi_extensions[i];
        if (eid >= e->eid_first && eid <= e->eid_last) {
            to_monitor = e->handler(vcpu, eid, fid, &ret, exit);
            break;
        }
    }
    vcpu->regs.guest.sepc += 4;
    if (!to_monitor) {
        x[REG_A0] = (unsigned long)ret.error;
        if (eid > 0x0f)
            x[REG_A1] = (unsigned long)ret.value;
    }
    return to_monitor;
}
void vcpu_set_sbi_result(struct vcpu *vcpu, long error, long value)
{
    vcpu->regs.guest_x[REG_A0] = (unsigned long)error;
    vcpu->regs.guest_x[REG_A1] = (unsigned long)value;
}
