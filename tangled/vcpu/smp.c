/* What a vCPU needs when it shares a hart or talks to other harts. */
#include "arch/csr.h"
#include "arch/timer.h"
#include "vcpu/sbi.h"
#include "vcpu/vcpu.h"

void vcpu_set_wfi_exits(struct vcpu *vcpu, bool on)
{
    if (on)
        vcpu->regs.guest.hstatus |= HSTATUS_VTW;
    else
        vcpu->regs.guest.hstatus &= ~HSTATUS_VTW;
}
bool vcpu_interrupt_pending(struct vcpu *vcpu)
{
    vcpu_take_posted(vcpu);
    unsigned long hvip = vcpu->loaded ? csr_read(hvip) : vcpu->regs.vs.hvip;
    unsigned long vsie = vcpu->loaded ? csr_read(vsie) : vcpu->regs.vs.vsie;
    uint64_t now = timer_now() + vcpu->regs.vs.htimedelta;     /* the guest's time */
    uint64_t due = vcpu->timer_deadline;
    if (vcpu->sstc)
        due = vcpu->loaded ? csr_read(CSR_VSTIMECMP) : vcpu->regs.vs.vstimecmp;
    if (due != ~0UL && now >= due)
        hvip |= 1UL << IRQ_VS_TIMER;
    return (hvip >> 1 & vsie) != 0;
}
uint64_t vcpu_wake_deadline(const struct vcpu *vcpu)
{
    uint64_t due = vcpu->sstc ? vcpu->regs.vs.vstimecmp : vcpu->timer_deadline;
    uint64_t boot = -vcpu->regs.vs.htimedelta;
    if (due == ~0UL || due > UINT64_MAX - boot)
        return TIMER_NEVER;
    return due + boot;
}
void vcpu_add_steal(struct vcpu *vcpu, uint64_t ns)
{
    if (vcpu->sta.on) {
        vcpu->sta.steal += ns;
        vcpu->sta.dirty = true;
    }
}
void sta_publish(struct vcpu *vcpu)
{
    struct vcpu_sta *st = &vcpu->sta;
    uint32_t odd = ++st->sequence, even = ++st->sequence;
    st->dirty = false;
    if (vcpu_write_guest(vcpu, GUEST_PHYSICAL, st->shmem, &odd, 4) < 0)
        return;
    __atomic_thread_fence(__ATOMIC_RELEASE);
    vcpu_write_guest(vcpu, GUEST_PHYSICAL, st->shmem + 8, &st->steal, 8);
    __atomic_thread_fence(__ATOMIC_RELEASE);
    vcpu_write_guest(vcpu, GUEST_PHYSICAL, st->shmem, &even, 4);
}
void vcpu_request(struct vcpu *vcpu, unsigned long req)
{
    __atomic_fetch_or(&vcpu->requests, req, __ATOMIC_SEQ_CST);
}

bool vcpu_request_pending(const struct vcpu *vcpu)
{
    return __atomic_load_n(&vcpu->requests, __ATOMIC_SEQ_CST) != 0;
}

void vcpu_take_requests(struct vcpu *vcpu)
{
    if (!vcpu_request_pending(vcpu))
        return;
    unsigned long req = __atomic_exchange_n(&vcpu->requests, 0, __ATOMIC_SEQ_CST);
    if (req & VCPU_REQ_FENCE_I)
        __asm__ volatile("fence.i" ::: "memory");
    if (req & VCPU_REQ_HFENCE_VVMA)
        __asm__ volatile("hfence.vvma zero, zero" ::: "memory");
}
