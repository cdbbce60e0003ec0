/* The hart's loop: which vCPU each physical hart runs, and when. */
#include <stdio.h>
#include "config.h"
#include "arch/csr.h"
#include "arch/sbi.h"
#include "arch/timer.h"
#include "lib/console.h"
#include "lib/panic.h"
#include "vmm/sched.h"
#include "vmm/vm.h"

#define SCHED_TICK_HZ   100             /* the monitor's tick: 10 ms */
#define SCHED_MAX_VMS   4

struct hart_sched {
    unsigned n, next;                   /* vCPUs placed here; the last one run */
    struct vm_cpu *cpu[VM_MAX_VCPUS * SCHED_MAX_VMS];
    struct vm_cpu *current;             /* loaded in this hart's CSRs, or NULL */
    uint64_t tick;                      /* when the next tick is due */
    bool slice_over;                    /* the current vCPU had its 10 ms */
};

static struct hart_sched harts[RVH_MAX_HARTS];
static unsigned long hart_order[RVH_MAX_HARTS];  /* the boot hart first */
static unsigned nr_harts;
static struct vm *vms[SCHED_MAX_VMS];
static unsigned nr_vms, live_vms, next_slot;
static bool any_failed;
static uint64_t tick_ticks;
static uint32_t timebase_hz;            /* ticks of time per second */
static _Thread_local unsigned long this_hart;

void _secondary_start(void);            /* asm/boot.S */

static void sched_tick(struct hart_sched *s);
static struct vm_cpu *sched_pick(struct hart_sched *s);
static bool sched_claim(struct hart_sched *s, struct vm_cpu *d);
static bool sched_runnable(struct hart_sched *s, struct vm_cpu *c);
static bool sched_wakes(struct hart_sched *s, struct vm_cpu *c, int hsm);
static bool sched_start_vcpu(struct hart_sched *s, struct vm_cpu *c);
static void sched_unload(struct hart_sched *s);
static void sched_idle(struct hart_sched *s);
static void sched_try_finish(struct vm *vm);
static bool sched_reboot(struct vm *vm);
static void sched_account_steal(struct vm_cpu *d);
void sched_init(unsigned long boot_hart, uint32_t timebase)
{
    tick_ticks = timebase / SCHED_TICK_HZ;
    timebase_hz = timebase;
    hart_order[nr_harts++] = boot_hart;
    for (unsigned long id = 0; id < RVH_MAX_HARTS; id++)
        if (id != boot_hart && sbi_hart_status(id) >= 0)
            hart_order[nr_harts++] = id;
    csr_set(sie, 1UL << IRQ_S_SOFT);
}

unsigned sched_nr_harts(void)
{
    return nr_harts;
}
void sched_add_vm(struct vm *vm)
{
    if (nr_vms == SCHED_MAX_VMS)
        panic("more than %d VMs", SCHED_MAX_VMS);
    vms[nr_vms++] = vm;
    live_vms++;
    for (unsigned i = 0; i < vm->nr_vcpus; i++) {
        struct vm_cpu *c = &vm->cpu[i];
        c->hart = hart_order[next_slot++ % nr_harts];
        struct hart_sched *s = &harts[c->hart];
        s->cpu[s->n++] = c;
    }
    for (unsigned k = 0; k < nr_harts; k++) {   /* the VM may have made a hart shared */
        struct hart_sched *s = &harts[hart_order[k]];
        for (unsigned j = 0; j < s->n; j++)
            s->cpu[j]->shares_hart = s->n > 1;
    }
}
noreturn void sched_start(unsigned long boot_hart)
{
    for (unsigned k = 1; k < nr_harts; k++) {
        unsigned long id = hart_order[k];
        if (harts[id].n == 0)
            continue;
        struct sbiret r = sbi_ecall(SBI_EXT_HSM, SBI_HSM_HART_START, id,
                                    (unsigned long)_secondary_start, 0, 0, 0, 0);
        if (r.error)
            printf("vmm: cannot start hart %lu: SBI error %ld\n", id, r.error);
    }
    sched_run(boot_hart);
}
noreturn void sched_run(unsigned long hartid)
{
    struct hart_sched *s = &harts[hartid];
    this_hart = hartid;
    sched_tick(s);                              /* the first tick sets the timer */
    for (;;) {
        csr_clear(sip, 1UL << IRQ_S_SOFT);
        if ((csr_read(sip) & 1UL << IRQ_S_TIMER) && timer_now() >= s->tick)
            sched_tick(s);
        struct vm_cpu *c = sched_pick(s);
        if (c)
            vm_run_vcpu(c->vm, c);
        else
            sched_idle(s);
    }
}
static void sched_tick(struct hart_sched *s)
{
    s->tick = timer_now() + tick_ticks;
    timer_set_own(s->tick);
    s->slice_over = true;
    if (this_hart == hart_order[0]) {
        for (unsigned i = 0; i < nr_vms; i++)
            vm_poll_console(vms[i]);
        console_guest_flush();
    }
}
static struct vm_cpu *sched_pick(struct hart_sched *s)
{
    struct vm_cpu *c = s->current;
    if (c && !s->slice_over && !c->yielded && sched_runnable(s, c))
        return c;
    s->slice_over = false;
    if (c)
        c->yielded = false;
    if (c && __atomic_load_n(&c->vm->state, __ATOMIC_SEQ_CST) != VM_RUNNING)
        sched_unload(s);
    for (unsigned k = 1; k <= s->n; k++) {
        unsigned i = (s->next + k) % s->n;
        struct vm_cpu *d = s->cpu[i];
        if (sched_claim(s, d)) {
            s->next = i;
            if (s->current != d) {
                if (s->current)
                    sched_unload(s);
                s->current = d;
                sched_account_steal(d);
            }
            return d;
        }
        sched_try_finish(d->vm);
    }
    return NULL;
}
static bool sched_claim(struct hart_sched *s, struct vm_cpu *d)
{
    if (d == s->current)
        return sched_runnable(s, d);
    __atomic_store_n(&d->on_cpu, true, __ATOMIC_SEQ_CST);
    if (sched_runnable(s, d))
        return true;
    __atomic_store_n(&d->on_cpu, false, __ATOMIC_SEQ_CST);
    return false;
}
static void sched_unload(struct hart_sched *s)
{
    struct vm_cpu *c = s->current;
    vcpu_put(&c->vcpu);
    s->current = NULL;
    if (!c->waiting && __atomic_load_n(&c->hsm, __ATOMIC_ACQUIRE) == SBI_HSM_STATE_STARTED)
        c->ready_since = timer_now();
    __atomic_store_n(&c->on_cpu, false, __ATOMIC_SEQ_CST);
}
static inline bool sched_runnable(struct hart_sched *s, struct vm_cpu *c)
{
    if (__atomic_load_n(&c->vm->state, __ATOMIC_SEQ_CST) != VM_RUNNING)
        return false;
    int hsm = __atomic_load_n(&c->hsm, __ATOMIC_ACQUIRE);
    if (hsm == SBI_HSM_STATE_STARTED && !c->waiting)
        return true;                            /* the common case */
    return sched_wakes(s, c, hsm);
}

static bool sched_wakes(struct hart_sched *s, struct vm_cpu *c, int hsm)
{
    if (hsm == SBI_HSM_STATE_START_PENDING)
        return sched_start_vcpu(s, c);
    if (hsm != SBI_HSM_STATE_STARTED && hsm != SBI_HSM_STATE_SUSPENDED)
        return false;
    if (c->waiting) {
        if (!vcpu_interrupt_pending(&c->vcpu))
            return false;
        c->waiting = false;
        __atomic_store_n(&c->hsm, SBI_HSM_STATE_STARTED, __ATOMIC_RELEASE);
    }
    return true;
}
static bool sched_start_vcpu(struct hart_sched *s, struct vm_cpu *c)
{
    struct vm *vm = c->vm;
    bool started = false;
    spin_lock(&vm->lock);
    if (vm->state == VM_RUNNING && c->hsm == SBI_HSM_STATE_START_PENDING) {
        if (s->current == c)
            s->current->vcpu.loaded = false;
        if (vm_cpu_start(vm, c, c->start_entry, c->start_opaque) == 0) {
            c->waiting = false;
            __atomic_store_n(&c->hsm, SBI_HSM_STATE_STARTED, __ATOMIC_RELEASE);
            started = true;
        } else {
            printf("vmm: vm%u: cannot start vCPU %u\n", vm->id, (unsigned)(c - vm->cpu));
            vm_end(vm, VM_ENDING, false);
        }
    }
    spin_unlock(&vm->lock);
    return started;
}
static void sched_idle(struct hart_sched *s)
{
    uint64_t wake = s->tick;
    for (unsigned i = 0; i < s->n; i++) {
        uint64_t w = vcpu_wake_deadline(&s->cpu[i]->vcpu);
        if (s->cpu[i]->waiting && w < wake)
            wake = w;
    }
    if (s->current)
        vcpu_take_requests(&s->current->vcpu);
    timer_set_own(wake);
    __asm__ volatile("wfi");
    timer_set_own(s->tick);
}
static void sched_try_finish(struct vm *vm)
{
    enum vm_state state = __atomic_load_n(&vm->state, __ATOMIC_SEQ_CST);
    if (state == VM_RUNNING || state == VM_GONE)
        return;
    for (unsigned i = 0; i < vm->nr_vcpus; i++)
        if (__atomic_load_n(&vm->cpu[i].on_cpu, __ATOMIC_SEQ_CST))
            return;
    if (__atomic_exchange_n(&vm->finishing, 1, __ATOMIC_SEQ_CST))
        return;
    if (state == VM_REBOOTING && sched_reboot(vm))
        return;
    console_guest_gone(vm->id);
    vm_print_stats(vm);
    vm_destroy(vm);
    __atomic_store_n(&vm->state, VM_GONE, __ATOMIC_SEQ_CST);
    any_failed |= !vm->ok;
    if (__atomic_sub_fetch(&live_vms, 1, __ATOMIC_SEQ_CST) == 0) {
        printf("vmm: all VMs stopped\n");
        power_off(any_failed);
    }
}
static bool sched_reboot(struct vm *vm)
{
    spin_lock(&vm->lock);
    int err = vm_boot(vm);
    if (err) {
        printf("vmm: vm%u: stopped: the reboot failed (%d)\n", vm->id, err);
        vm->ok = false;
    }
    vm->finishing = 0;
    spin_unlock(&vm->lock);
    for (unsigned i = 0; !err && i < vm->nr_vcpus; i++)
        vm_kick(vm, i);
    return err == 0;
}
void sched_kick(unsigned long hart)
{
    if (hart != this_hart)
        sbi_ecall(SBI_EXT_IPI, 0, 1, hart, 0, 0, 0, 0);
}
static void sched_account_steal(struct vm_cpu *d)
{
    if (d->ready_since == 0)
        return;
    uint64_t t = timer_now() - d->ready_since;
    d->ready_since = 0;
    vcpu_add_steal(&d->vcpu, t / timebase_hz * 1000000000u +
                             t % timebase_hz * 1000000000u / timebase_hz);
}
