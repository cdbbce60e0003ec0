/* The guest's console: legacy console_putchar and DBCN. */
#include "lib/console.h"
#include "vcpu/sbi.h"

bool sbi_dbcn_call(struct vcpu *vcpu, unsigned long eid, unsigned long fid,
                   struct sbiret *ret, struct vcpu_exit *exit)
{
    (void)eid; (void)exit;
    switch (fid) {
    case SBI_DBCN_WRITE_BYTE:
        console_putc((unsigned char)vcpu->regs.guest_x[REG_A0]);
        ret->error = SBI_SUCCESS;
        break;
    /* added by later chapters */
    }
    return false;
}
