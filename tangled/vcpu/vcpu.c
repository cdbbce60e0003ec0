/* The vCPU lifecycle: creation and set-up (no hardware access). */
#include <errno.h>
#include <string.h>
#include "arch/csr.h"
#include "arch/hext.h"
#include "vcpu/vcpu.h"

static void become_ready_if_complete(struct vcpu *vcpu)
{
    if (vcpu->state == VCPU_CREATED && vcpu->setup_done && vcpu->entry_set &&
        vcpu->gstage_set)
        vcpu->state = VCPU_READY;
}

int vcpu_new(struct vcpu *vcpu, const struct vcpu_config *cfg)
{
    if (!vcpu || !cfg)
        return -EINVAL;
    memset(vcpu, 0, sizeof *vcpu);
    vcpu->cfg = *cfg;
    vcpu->regs.guest_x[REG_A0] = cfg->hart_id;
    vcpu->regs.guest_x[REG_A1] = cfg->dtb_gpa;
    vcpu->regs.vs.vstimecmp = ~0UL;     /* no timer pending: chapter 6 */
    vcpu->state = VCPU_CREATED;
    return 0;
}
int vcpu_setup(struct vcpu *vcpu)
{
    if (vcpu->state != VCPU_CREATED || vcpu->setup_done)
        return -EPERM;
    vcpu->regs.guest.sstatus = SSTATUS_SPP | SSTATUS_FS_INITIAL;
    vcpu->regs.guest.hstatus = HSTATUS_SPV | HSTATUS_SPVP | HSTATUS_VSXL_64;
    vcpu->regs.vs.scounteren = 0x7;         /* CY | TM | IR, as OpenSBI gives S-mode */
    vcpu->setup_done = true;
    become_ready_if_complete(vcpu);
    return 0;
}
int vcpu_set_entry(struct vcpu *vcpu, unsigned long entry_gpa)
{
    if (vcpu->state != VCPU_CREATED && vcpu->state != VCPU_READY)
        return -EPERM;
    vcpu->regs.guest.sepc = entry_gpa;
    vcpu->entry_set = true;
    become_ready_if_complete(vcpu);
    return 0;
}

int vcpu_set_gstage_root(struct vcpu *vcpu, unsigned long hgatp)
{
    if (vcpu->state != VCPU_CREATED && vcpu->state != VCPU_READY)
        return -EPERM;
    if (hgatp_mode(hgatp) == HGATP_MODE_BARE)
        return -EINVAL;             /* a guest without a G-stage owns all memory */
    vcpu->hgatp = hgatp;
    vcpu->gstage_set = true;
    become_ready_if_complete(vcpu);
    return 0;
}
int vcpu_set_gpr(struct vcpu *vcpu, unsigned index, unsigned long value)
{
    if (index > 31)
        return -EINVAL;
    if (vcpu->state == VCPU_RUNNING)
        return -EPERM;
    if (index != 0)
        vcpu->regs.guest_x[index] = value;
    return 0;
}

int vcpu_get_gpr(const struct vcpu *vcpu, unsigned index, unsigned long *value)
{
    if (index > 31 || !value)
        return -EINVAL;
    if (vcpu->state == VCPU_RUNNING)
        return -EPERM;
    *value = vcpu->regs.guest_x[index];
    return 0;
}
int vcpu_down(struct vcpu *vcpu)
{
    if (vcpu->state == VCPU_RUNNING)
        return -EPERM;
    vcpu->state = VCPU_DOWN;
    return 0;
}

const char *vcpu_state_name(enum vcpu_state state)
{
    static const char *const names[] = { "created", "ready", "running", "down" };
    return (unsigned)state < 4 ? names[state] : "invalid";
}

int vcpu_set_guest_ram(struct vcpu *vcpu, uint64_t gpa, uint64_t size)
{
    if (vcpu->state != VCPU_CREATED && vcpu->state != VCPU_READY)
        return -EPERM;
    if (gpa + size < gpa)
        return -EINVAL;
    vcpu->ram_gpa = gpa;
    vcpu->ram_size = size;
    return 0;
}

bool vcpu_guest_ram_holds(const struct vcpu *vcpu, unsigned long gpa,
                          unsigned long len)
{
    unsigned long off = gpa - vcpu->ram_gpa;
    return len == 0 || (gpa >= vcpu->ram_gpa && off < vcpu->ram_size &&
                        len <= vcpu->ram_size - off);
}
