/* The guest's SBI: find the extension, call it, complete the ecall. */
#include "vcpu/sbi.h"

static const struct vcpu_sbi_ext sbi_extensions[] = {
    { 0x00, SBI_EXT_LEGACY_SHUTDOWN, sbi_legacy_call },
    { SBI_EXT_DBCN, SBI_EXT_DBCN, sbi_dbcn_call },
    { SBI_EXT_SRST, SBI_EXT_SRST, sbi_srst_call },
    { SBI_EXT_RVH, SBI_EXT_RVH, sbi_rvh_call },
    { SBI_EXT_TIME, SBI_EXT_TIME, sbi_time_call },
    { SBI_EXT_IPI, SBI_EXT_IPI, sbi_ipi_call },
    { SBI_EXT_RFENCE, SBI_EXT_RFENCE, sbi_rfence_call },
    { SBI_EXT_BASE, SBI_EXT_BASE, sbi_base_call },
    { SBI_EXT_HSM, SBI_EXT_HSM, sbi_hsm_call },
    { SBI_EXT_STA, SBI_EXT_STA, sbi_sta_call },
};

bool vcpu_sbi_call(struct vcpu *vcpu, struct vcpu_exit *exit)
{
    unsigned long *x = vcpu->regs.guest_x;
    unsigned long eid = x[REG_A7], fid = x[REG_A6];
    struct sbiret ret = { SBI_ERR_NOT_SUPPORTED, 0 };
    const struct vcpu_sbi_ext *e = vcpu->sbi_ext;
    if (!e || eid < e->eid_first || eid > e->eid_last)
        vcpu->sbi_ext = e = sbi_find(eid);
    vcpu->sbi_eid = eid;                /* before the handler: it may answer itself */
    enum sbi_action action = e ? e->handler(vcpu, eid, fid, &ret, exit) : SBI_RETURN;
    if (action == SBI_RETURN) {                 /* the common case first */
        vcpu->regs.guest.sepc += 4;
        vcpu_set_sbi_result(vcpu, ret.error, ret.value);
        return false;
    }
    if (action == SBI_TO_MONITOR)
        vcpu->regs.guest.sepc += 4;
    return action != SBI_REDIRECTED;            /* the monitor sees the other two */
}
const struct vcpu_sbi_ext *sbi_find(unsigned long eid)
{
    for (unsigned i = 0; i < sizeof sbi_extensions / sizeof sbi_extensions[0]; i++)
        if (eid >= sbi_extensions[i].eid_first && eid <= sbi_extensions[i].eid_last)
            return &sbi_extensions[i];
    return NULL;
}
void vcpu_set_sbi_result(struct vcpu *vcpu, long error, long value)
{
    vcpu->regs.guest_x[REG_A0] = (unsigned long)error;
    if (vcpu->sbi_eid > 0x0f)
        vcpu->regs.guest_x[REG_A1] = (unsigned long)value;
}
