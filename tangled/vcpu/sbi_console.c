/* The guest's console: legacy console_putchar and DBCN. */
#include "lib/console.h"
#include "vcpu/sbi.h"

#define DBCN_CHUNK 256

static bool dbcn_buffer_ok(const struct vcpu *vcpu)
{
    const unsigned long *x = vcpu->regs.guest_x;
    return x[REG_A0 + 2] == 0 &&
           vcpu_guest_ram_holds(vcpu, x[REG_A1], x[REG_A0]);
}
static struct sbiret dbcn_write(struct vcpu *vcpu)
{
    const unsigned long *x = vcpu->regs.guest_x;
    unsigned char buf[DBCN_CHUNK];
    unsigned long n = x[REG_A0] < DBCN_CHUNK ? x[REG_A0] : DBCN_CHUNK;
    if (!dbcn_buffer_ok(vcpu) ||
        vcpu_read_guest(vcpu, GUEST_PHYSICAL, x[REG_A1], buf, n) < 0)
        return (struct sbiret){ SBI_ERR_INVALID_PARAM, 0 };
    for (unsigned long i = 0; i < n; i++)
        console_guest_putc(vcpu->cfg.vm_id, buf[i]);
    return (struct sbiret){ SBI_SUCCESS, (long)n };
}
static struct sbiret dbcn_read(struct vcpu *vcpu)
{
    const unsigned long *x = vcpu->regs.guest_x;
    unsigned char buf[DBCN_CHUNK];
    unsigned long n = x[REG_A0] < DBCN_CHUNK ? x[REG_A0] : DBCN_CHUNK, got = 0;
    if (!dbcn_buffer_ok(vcpu))
        return (struct sbiret){ SBI_ERR_INVALID_PARAM, 0 };
    for (int c; got < n && (c = console_guest_getc(vcpu->cfg.vm_id)) >= 0; got++)
        buf[got] = (unsigned char)c;
    if (vcpu_write_guest(vcpu, GUEST_PHYSICAL, x[REG_A1], buf, got) < 0)
        return (struct sbiret){ SBI_ERR_FAILED, 0 };
    return (struct sbiret){ SBI_SUCCESS, (long)got };
}

enum sbi_action sbi_dbcn_call(struct vcpu *vcpu, unsigned long eid, unsigned long fid,
                              struct sbiret *ret, struct vcpu_exit *exit)
{
    (void)eid; (void)exit;
    switch (fid) {
    case SBI_DBCN_WRITE_BYTE:
        console_guest_putc(vcpu->cfg.vm_id, (unsigned char)vcpu->regs.guest_x[REG_A0]);
        ret->error = SBI_SUCCESS;
        break;
    case SBI_DBCN_WRITE:
        *ret = dbcn_write(vcpu);
        break;
    case SBI_DBCN_READ:
        *ret = dbcn_read(vcpu);
        break;
    }
    return SBI_RETURN;
}
