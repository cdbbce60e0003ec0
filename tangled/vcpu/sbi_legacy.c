/* The legacy SBI v0.1 extensions, EIDs 0x00 to 0x08. */
#include "lib/console.h"
#include "vcpu/sbi.h"

static enum sbi_action legacy_hart_mask_call(struct vcpu *vcpu, unsigned long eid,
                                             struct sbiret *ret, struct vcpu_exit *exit)
{
    unsigned long *x = vcpu->regs.guest_x, mask = 0, base = 0;
    if (x[REG_A0] == 0)
        base = ~0UL;
    else if (vcpu_read_guest(vcpu, GUEST_VIRTUAL, x[REG_A0], &mask, sizeof mask) < 0) {
        ret->error = SBI_ERR_INVALID_ADDRESS;
        return SBI_RETURN;
    }
    if (eid == SBI_EXT_LEGACY_SEND_IPI) {
        exit->reason = VCPU_EXIT_SEND_IPI;
        exit->ipi.mask = mask;
        exit->ipi.base = base;
        return SBI_TO_MONITOR;
    }
    exit->reason = VCPU_EXIT_RFENCE;
    exit->rfence.kind = (unsigned)(eid - SBI_EXT_LEGACY_FENCE_I);
    exit->rfence.mask = mask;
    exit->rfence.base = base;
    exit->rfence.start = eid == SBI_EXT_LEGACY_FENCE_I ? 0 : x[REG_A1];
    exit->rfence.size = eid == SBI_EXT_LEGACY_FENCE_I ? 0 : x[REG_A0 + 2];
    exit->rfence.asid = eid == SBI_EXT_LEGACY_SFENCE_VMA_ASID ? x[REG_A0 + 3] : 0;
    return SBI_TO_MONITOR;
}

enum sbi_action sbi_legacy_call(struct vcpu *vcpu, unsigned long eid, unsigned long fid,
                                struct sbiret *ret, struct vcpu_exit *exit)
{
    (void)fid;
    switch (eid) {
    case SBI_EXT_LEGACY_PUTCHAR:
        console_guest_putc(vcpu->cfg.vm_id, (unsigned char)vcpu->regs.guest_x[REG_A0]);
        ret->error = SBI_SUCCESS;
        return SBI_RETURN;
    case SBI_EXT_LEGACY_SHUTDOWN:
        exit->reason = VCPU_EXIT_SYSTEM_DOWN;
        exit->system.type = SBI_SRST_TYPE_SHUTDOWN;
        exit->system.reason = SBI_SRST_REASON_NONE;
        return SBI_NO_RETURN;
    case SBI_EXT_LEGACY_SET_TIMER:
        vcpu_set_timer(vcpu, vcpu->regs.guest_x[REG_A0]);
        ret->error = SBI_SUCCESS;
        return SBI_RETURN;
    case SBI_EXT_LEGACY_GETCHAR:
        ret->error = console_guest_getc(vcpu->cfg.vm_id);
        return SBI_RETURN;
    case SBI_EXT_LEGACY_CLEAR_IPI:
        ret->error = vcpu_irq_is_pending(vcpu, IRQ_VS_SOFT);   /* 1 or 0 */
        vcpu_clear_interrupt(vcpu, IRQ_VS_SOFT);
        return SBI_RETURN;
    case SBI_EXT_LEGACY_SEND_IPI:
    case SBI_EXT_LEGACY_FENCE_I:
    case SBI_EXT_LEGACY_SFENCE_VMA:
    case SBI_EXT_LEGACY_SFENCE_VMA_ASID:
        return legacy_hart_mask_call(vcpu, eid, ret, exit);
    }
    return SBI_RETURN;
}
