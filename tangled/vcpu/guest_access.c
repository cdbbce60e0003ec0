/* The vCPU library's access to guest memory: hlv/hsv with a fault guard. */
#include <errno.h>
#include <stdint.h>
#include "arch/csr.h"
#include "vcpu/vcpu.h"

int _guest_load_u8(unsigned long addr, uint8_t *out);
int _guest_store_u8(unsigned long addr, uint8_t v);
int _guest_fetch_u16(unsigned long addr, uint16_t *out);

struct guest_ctx { unsigned long hstatus, vsatp; };

static void enter_guest_space(struct vcpu *vcpu, enum guest_space space, struct guest_ctx *c)
{
    c->hstatus = csr_read(hstatus);
    csr_write(hstatus, (c->hstatus & ~HSTATUS_SPVP) |
                       (vcpu->regs.guest.hstatus & HSTATUS_SPVP));
    c->vsatp = csr_read(vsatp);
    if (space == GUEST_PHYSICAL)
        csr_write(vsatp, 0);
}

static void leave_guest_space(const struct guest_ctx *c)
{
    csr_write(vsatp, c->vsatp);
    csr_write(hstatus, c->hstatus);
}
int vcpu_read_guest(struct vcpu *vcpu, enum guest_space space, unsigned long addr,
                    void *dst, size_t len)
{
    struct guest_ctx c;
    int err = 0;
    enter_guest_space(vcpu, space, &c);
    for (size_t i = 0; i < len && !err; i++)
        if (_guest_load_u8(addr + i, (uint8_t *)dst + i) < 0)
            err = -EFAULT;
    leave_guest_space(&c);
    return err;
}

int vcpu_write_guest(struct vcpu *vcpu, enum guest_space space, unsigned long addr,
                     const void *src, size_t len)
{
    struct guest_ctx c;
    int err = 0;
    enter_guest_space(vcpu, space, &c);
    for (size_t i = 0; i < len && !err; i++)
        if (_guest_store_u8(addr + i, ((const uint8_t *)src)[i]) < 0)
            err = -EFAULT;
    leave_guest_space(&c);
    return err;
}

int vcpu_guest_executable(struct vcpu *vcpu, unsigned long gpa)
{
    struct guest_ctx c;
    uint16_t insn;
    enter_guest_space(vcpu, GUEST_PHYSICAL, &c);
    int err = _guest_fetch_u16(gpa, &insn) < 0 ? -EFAULT : 0;
    leave_guest_space(&c);
    return err;
}
int vcpu_fetch_guest(struct vcpu *vcpu, unsigned long gva, uint16_t *halfword)
{
    struct guest_ctx c;
    enter_guest_space(vcpu, GUEST_VIRTUAL, &c);
    int err = _guest_fetch_u16(gva, halfword);
    leave_guest_space(&c);
    return err;
}
