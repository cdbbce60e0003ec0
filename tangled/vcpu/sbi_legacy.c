/* The legacy SBI v0.1 extensions, EIDs 0x00 to 0x08. */
#include "lib/console.h"
#include "vcpu/sbi.h"

bool sbi_legacy_call(struct vcpu *vcpu, unsigned long eid, unsigned long fid,
                     struct sbiret *ret, struct vcpu_exit *exit)
{
    (void)fid;
    switch (eid) {
    case SBI_EXT_LEGACY_PUTCHAR:
        console_putc((unsigned char)vcpu->regs.guest_x[REG_A0]);
        ret->error = SBI_SUCCESS;
        return false;
    case SBI_EXT_LEGACY_SHUTDOWN:
        exit->reason = VCPU_EXIT_SYSTEM_DOWN;
        exit->system.type = SBI_SRST_TYPE_SHUTDOWN;
        exit->system.reason = SBI_SRST_REASON_NONE;
        return true;
    /* added by later chapters */
    }
    return false;
}
