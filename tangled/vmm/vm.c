/* Creating, booting and running a VM. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "arch/hext.h"
#include "arch/names.h"
#include "arch/sbi.h"
#include "arch/timer.h"
#include "arch/trap.h"
#include "lib/console.h"
#include "vmm/guest_dtb.h"
#include "vmm/hartmask.h"
#include "vmm/loader.h"
#include "vmm/sched.h"
#include "vmm/vm.h"

#define GUEST_RAM_GPA   0x80000000UL
#define SIZE_2M         (2UL << 20)

#define VM_UART_BASE    0x10000000UL
#define VM_UART_IRQ     10              /* its line on the PLIC of chapter 8 */
#define VM_TESTDEV_BASE 0x10001000UL

static void vm_uart_tx(void *ctx, uint8_t byte)
{
    console_guest_putc(((struct vm *)ctx)->id, byte);
}

static int vm_uart_rx(void *ctx)
{
    return console_guest_getc(((struct vm *)ctx)->id);
}

static int vm_uart_read(void *ctx, uint64_t off, unsigned width, uint64_t *value)
{
    struct vm *vm = ctx;
    if (width != 1 || off >= 8)
        return -EINVAL;
    *value = uart_read(&vm->uart, (unsigned)off);
    vplic_set_level(&vm->plic, VM_UART_IRQ, uart_irq_pending(&vm->uart));
    return 0;
}

static int vm_uart_write(void *ctx, uint64_t off, unsigned width, uint64_t value)
{
    struct vm *vm = ctx;
    if (width != 1 || off >= 8)
        return -EINVAL;
    uart_write(&vm->uart, (unsigned)off, (uint8_t)value);
    vplic_set_level(&vm->plic, VM_UART_IRQ, uart_irq_pending(&vm->uart));
    return 0;
}
static int vm_testdev_read(void *ctx, uint64_t off, unsigned width, uint64_t *value)
{
    struct vm *vm = ctx;
    uint64_t v = 0;
    for (unsigned i = 0; i < width; i++)
        v |= (uint64_t)vm->testdev[off + i] << (8 * i);
    *value = v;
    return 0;
}

static int vm_testdev_write(void *ctx, uint64_t off, unsigned width, uint64_t value)
{
    struct vm *vm = ctx;
    for (unsigned i = 0; i < width; i++)
        vm->testdev[off + i] = (uint8_t)(value >> (8 * i));
    return 0;
}
#define VM_PLIC_BASE    0x0c000000UL

static void vm_plic_notify(void *ctx, unsigned context, bool eip)
{
    struct vm *vm = ctx;
    vcpu_post_interrupt(&vm->cpu[context].vcpu, IRQ_VS_EXT, eip);
    vm_kick(vm, context);
}

static int vm_plic_read(void *ctx, uint64_t off, unsigned width, uint64_t *value)
{
    return vplic_read(&((struct vm *)ctx)->plic, off, width, value);
}

static int vm_plic_write(void *ctx, uint64_t off, unsigned width, uint64_t value)
{
    return vplic_write(&((struct vm *)ctx)->plic, off, width, value);
}
static unsigned long vm_envcfg(const struct boot_config *b,
                               struct guest_dtb_info *info)
{
    unsigned long e = 0, cbom = HENVCFG_CBIE_FLUSH | HENVCFG_CBCFE;
    if ((hext.envcfg & cbom) == cbom && b->cbom_block &&
        isa_has(b->isa, "zicbom")) {
        e |= cbom;
        info->offer |= GUEST_OFFER_ZICBOM;
        info->cbom_block = b->cbom_block;
    }
    if ((hext.envcfg & HENVCFG_CBZE) && b->cboz_block &&
        isa_has(b->isa, "zicboz")) {
        e |= HENVCFG_CBZE;
        info->offer |= GUEST_OFFER_ZICBOZ;
        info->cboz_block = b->cboz_block;
    }
    if ((hext.envcfg & HENVCFG_PBMTE) && isa_has(b->isa, "svpbmt")) {
        e |= HENVCFG_PBMTE;
        info->offer |= GUEST_OFFER_SVPBMT;
    }
    return e;
}

int vm_create(struct vm *vm, unsigned id, const struct boot_config *boot,
              unsigned nr_vcpus, struct page_pool *pool,
              const void *image, size_t image_size)
{
    if (nr_vcpus < 1 || nr_vcpus > VM_MAX_VCPUS)
        return -EINVAL;
    memset(vm, 0, sizeof *vm);
    vm->id = id;
    vm->boot = boot;
    vm->nr_vcpus = nr_vcpus;
    for (unsigned i = 0; i < nr_vcpus; i++)
        vm->cpu[i].vm = vm;
    vm->pool = pool;
    vm->image = image;
    vm->image_size = image_size;
    uintptr_t hpa = page_alloc(pool, boot->guest_mem >> PAGE_SHIFT, SIZE_2M >> PAGE_SHIFT);
    if (!hpa)
        return -ENOMEM;
    vm->ram = (struct guest_ram){ GUEST_RAM_GPA, boot->guest_mem, hpa };
    unsigned long vmid = (unsigned long)id + 1;
    if (vmid >= 1UL << hext.vmid_bits)
        vmid = 0;
    int err = gstage_init(&vm->gstage, pool, HGATP_MODE_SV39X4, vmid);
    if (!err)
        err = gstage_map(&vm->gstage, vm->ram.gpa, hpa, vm->ram.size, PTE_R | PTE_W | PTE_X);
    if (err) {
        page_free(pool, hpa, boot->guest_mem >> PAGE_SHIFT);
        return err;
    }
    return 0;
}
int vm_boot(struct vm *vm)
{
    if (vm->boots++)
        page_zero(vm->ram.hpa, vm->ram.size);
    vm->dtb_gpa = vm->ram.gpa + vm->ram.size - SIZE_2M;
    struct guest_dtb_info info = {
        .ram_gpa = vm->ram.gpa, .ram_size = vm->ram.size, .nr_harts = vm->nr_vcpus,
        .timebase = vm->boot->timebase, .host_isa = vm->boot->isa,
        .mmu_type = vm->boot->mmu_type,
        .bootargs = "",
    };
    vm->sstc = hext.sstc && !vm->boot->sstc_off;
    if (vm->sstc)
        info.offer |= GUEST_OFFER_SSTC;
    vm->envcfg = vm_envcfg(vm->boot, &info);
    memset(&vm->bus, 0, sizeof vm->bus);
    uart_init(&vm->uart, vm_uart_tx, vm_uart_rx, vm);
    struct mmio_device uart = { "uart", VM_UART_BASE, 0x100, vm_uart_read, vm_uart_write, vm };
    mmio_register(&vm->bus, &uart);
    info.uart_base = VM_UART_BASE;
    if (vm->boot->testdev) {
        struct mmio_device test = { "testdev", VM_TESTDEV_BASE, sizeof vm->testdev,
                                    vm_testdev_read, vm_testdev_write, vm };
        memset(vm->testdev, 0, sizeof vm->testdev);
        mmio_register(&vm->bus, &test);
        info.testdev_base = VM_TESTDEV_BASE;
    }
    vplic_init(&vm->plic, vm->nr_vcpus, vm_plic_notify, vm);
    struct mmio_device plic = { "plic", VM_PLIC_BASE, VPLIC_SIZE, vm_plic_read, vm_plic_write, vm };
    mmio_register(&vm->bus, &plic);
    info.plic_base = VM_PLIC_BASE;
    info.uart_irq = VM_UART_IRQ;
    int size = guest_dtb_build(guest_ram_ptr(&vm->ram, vm->dtb_gpa, SIZE_2M), SIZE_2M, &info);
    if (size < 0)
        return size;
    int err = image_load(&vm->ram, vm->image, vm->image_size, vm->dtb_gpa, &vm->entry_gpa);
    if (err)
        return err;
    vm->htimedelta = -timer_now();          /* the guest's clock starts at 0 */
    if (vm_cpu_start(vm, &vm->cpu[0], vm->entry_gpa, vm->dtb_gpa) < 0)
        return -EINVAL;
    vm->cpu[0].hsm = SBI_HSM_STATE_STARTED;
    vm->cpu[0].waiting = false;
    for (unsigned i = 1; i < vm->nr_vcpus; i++) {
        vm->cpu[i].hsm = SBI_HSM_STATE_STOPPED;
        vm->cpu[i].waiting = false;
        vm->cpu[i].fence_wait = 0;
    }
    vm->state = VM_RUNNING;
    printf("vmm: vm%u: %lu MiB at 0x%lx (host 0x%lx), entry 0x%lx, device tree 0x%lx (%d bytes)\n",
           vm->id, (unsigned long)(vm->ram.size >> 20), (unsigned long)vm->ram.gpa,
           (unsigned long)vm->ram.hpa, (unsigned long)vm->entry_gpa,
           (unsigned long)vm->dtb_gpa, size);
    return 0;
}
int vm_cpu_start(struct vm *vm, struct vm_cpu *c, uint64_t entry, unsigned long a1)
{
    struct vcpu *vcpu = &c->vcpu;
    unsigned index = (unsigned)(c - vm->cpu);
    struct vcpu_config vc = { .vm_id = vm->id, .vcpu_id = index, .hart_id = index,
                              .dtb_gpa = a1 };
    if (vcpu_new(vcpu, &vc) || vcpu_setup(vcpu) || vcpu_set_entry(vcpu, entry) ||
        vcpu_set_gstage_root(vcpu, gstage_hgatp(&vm->gstage)))
        return -EINVAL;
    if (vcpu_setup_timer(vcpu, vm->sstc, vm->htimedelta))
        return -EINVAL;
    if (vcpu_set_envcfg(vcpu, vm->envcfg))
        return -EINVAL;
    if (vcpu_set_guest_ram(vcpu, vm->ram.gpa, vm->ram.size))
        return -EINVAL;
    vcpu_set_wfi_exits(vcpu, c->shares_hart);
    return 0;
}
static unsigned long vm_exits(const struct vm *vm)
{
    unsigned long n = 0;
    for (unsigned i = 0; i < vm->nr_vcpus; i++)
        n += vm->cpu[i].vcpu.exits;
    return n;
}

static void vm_stopped(struct vm *vm, struct vcpu *vcpu, const char *what,
                       const struct vcpu_exit *exit)
{
    if (exit && exit->reason == VCPU_EXIT_GUEST_PAGE_FAULT)
        printf("vmm: vm%u: stopped: %s guest-page fault at gpa 0x%lx, pc 0x%lx:"
               " no memory or device there\n", vm->id, what,
               (unsigned long)exit->page_fault.gpa, exit->page_fault.pc);
    else if (exit && exit->reason == VCPU_EXIT_FAIL)
        printf("vmm: vm%u: stopped: %s: %s (scause=0x%lx) at pc 0x%lx, stval=0x%lx"
               " htval=0x%lx htinst=0x%lx\n", vm->id, what, scause_name(exit->fail.scause),
               exit->fail.scause, exit->fail.pc, exit->fail.stval, exit->fail.htval,
               exit->fail.htinst);
    else
        printf("vmm: vm%u: stopped: %s\n", vm->id, what);
    dump_gprs(vcpu->regs.guest_x);
    printf("vmm: vm%u: %lu exits\n", vm->id, vm_exits(vm));
    vm_end(vm, VM_ENDING, false);
}
static bool vm_mmio(struct vm *vm, struct vcpu *vcpu, const struct vcpu_exit *exit)
{
    bool read = exit->reason == VCPU_EXIT_MMIO_READ;
    uint64_t value = 0;
    int err = read ? mmio_read(&vm->bus, exit->mmio_read.addr, exit->mmio_read.width, &value)
                   : mmio_write(&vm->bus, exit->mmio_write.addr, exit->mmio_write.width,
                                exit->mmio_write.data);
    if (!err)
        return vcpu_mmio_complete(vcpu, value) == 0;
    return vcpu_inject_exception(vcpu, read ? EXC_LOAD_ACCESS : EXC_STORE_ACCESS,
                                 vcpu->regs.trap.stval) == 0;
}
static long vm_hart_start(struct vm *vm, const struct vcpu_exit *exit)
{
    unsigned long t = exit->cpu_up.target;
    if (t >= vm->nr_vcpus)
        return SBI_ERR_INVALID_PARAM;
    if (!guest_ram_ptr(&vm->ram, exit->cpu_up.entry, 4))
        return SBI_ERR_INVALID_ADDRESS;
    struct vm_cpu *c = &vm->cpu[t];
    if (c->hsm != SBI_HSM_STATE_STOPPED)
        return SBI_ERR_ALREADY_AVAILABLE;
    c->start_entry = exit->cpu_up.entry;
    c->start_opaque = exit->cpu_up.opaque;
    __atomic_store_n(&c->hsm, SBI_HSM_STATE_START_PENDING, __ATOMIC_RELEASE);
    vm_kick(vm, (unsigned)t);
    return SBI_SUCCESS;
}
static void vm_hart_stop(struct vm *vm, struct vm_cpu *c)
{
    __atomic_store_n(&c->hsm, SBI_HSM_STATE_STOPPED, __ATOMIC_RELEASE);
    c->waiting = false;
    for (unsigned i = 0; i < vm->nr_vcpus; i++)
        if (vm->cpu[i].hsm != SBI_HSM_STATE_STOPPED)
            return;
    printf("vmm: vm%u: hart %u stopped; no hart of the VM is left running\n", vm->id,
           c->vcpu.cfg.vcpu_id);
    vm_end(vm, VM_ENDING, true);
}
static void vm_send_ipi(struct vm *vm, uint64_t targets)
{
    for (unsigned i = 0; i < vm->nr_vcpus; i++)
        if (targets >> i & 1) {
            vcpu_post_interrupt(&vm->cpu[i].vcpu, IRQ_VS_SOFT, true);
            vm_kick(vm, i);
        }
}
static void vm_remote_fence(struct vm *vm, struct vm_cpu *c, uint64_t targets,
                            const struct vcpu_exit *exit)
{
    unsigned long req = exit->rfence.kind == RFENCE_FENCE_I ? VCPU_REQ_FENCE_I
                                                           : VCPU_REQ_HFENCE_VVMA;
    for (unsigned i = 0; i < vm->nr_vcpus; i++) {
        if (!(targets >> i & 1))
            continue;
        if (&vm->cpu[i] == c) {
            vcpu_fence_local(&c->vcpu, exit->rfence.kind, exit->rfence.start,
                             exit->rfence.size, exit->rfence.asid);
            continue;
        }
        vcpu_request(&vm->cpu[i].vcpu, req);
        vm_kick(vm, i);
        c->fence_wait |= 1ULL << i;
    }
}
static __attribute__((noinline)) void vm_wait_fences(struct vm *vm, struct vm_cpu *c)
{
    for (unsigned i = 0; i < vm->nr_vcpus; i++) {
        struct vm_cpu *t = &vm->cpu[i];
        if (!(c->fence_wait >> i & 1))
            continue;
        while (vcpu_request_pending(&t->vcpu) && t->hart != c->hart &&
               __atomic_load_n(&t->on_cpu, __ATOMIC_SEQ_CST) &&
               __atomic_load_n(&vm->state, __ATOMIC_SEQ_CST) == VM_RUNNING)
            vcpu_take_requests(&c->vcpu);
    }
    c->fence_wait = 0;
}
static __attribute__((noinline))
void vm_serve_exit(struct vm *vm, struct vm_cpu *c, const struct vcpu_exit *exit)
{
    struct vcpu *vcpu = &c->vcpu;
    switch (exit->reason) {
    case VCPU_EXIT_SYSTEM_DOWN:
        printf("vmm: vm%u: shutdown (reason: %s) by hart %u after %lu exits\n", vm->id,
               exit->system.reason == SBI_SRST_REASON_NONE ? "none" : "system failure",
               vcpu->cfg.vcpu_id, vm_exits(vm));
        vm_end(vm, VM_ENDING, exit->system.reason == SBI_SRST_REASON_NONE);
        break;
    case VCPU_EXIT_SYSTEM_RESET:
        printf("vmm: vm%u: reboot\n", vm->id);
        vm_end(vm, VM_REBOOTING, true);
        break;
    case VCPU_EXIT_GUEST_PAGE_FAULT:
        if (exit->page_fault.access == VCPU_ACCESS_FETCH &&
            vcpu_inject_exception(vcpu, EXC_INST_ACCESS, vcpu->regs.trap.stval) == 0)
            break;
        vm_stopped(vm, vcpu, exit->page_fault.access == VCPU_ACCESS_FETCH ? "instruction fetch"
                             : exit->page_fault.access == VCPU_ACCESS_LOAD ? "load" : "store",
                   exit);
        break;
    case VCPU_EXIT_FAIL:
        vm_stopped(vm, vcpu, exit->fail.why, exit);
        break;
    default:
        vm_stopped(vm, vcpu, "an exit the monitor does not serve", exit);
        break;
    case VCPU_EXIT_MMIO_READ:
    case VCPU_EXIT_MMIO_WRITE:
        if (!vm_mmio(vm, vcpu, exit))
            vm_stopped(vm, vcpu, "the guest cannot take an access fault", exit);
        break;
    case VCPU_EXIT_CPU_UP:
        vcpu_set_sbi_result(vcpu, vm_hart_start(vm, exit), 0);
        break;
    case VCPU_EXIT_CPU_DOWN:
        vm_hart_stop(vm, c);
        break;
    case VCPU_EXIT_HART_STATUS:
        if (exit->hart_status.target >= vm->nr_vcpus)
            vcpu_set_sbi_result(vcpu, SBI_ERR_INVALID_PARAM, 0);
        else
            vcpu_set_sbi_result(vcpu, SBI_SUCCESS, vm->cpu[exit->hart_status.target].hsm);
        break;
    case VCPU_EXIT_IDLE:
        c->waiting = true;
        if (exit->idle.suspend)
            __atomic_store_n(&c->hsm, SBI_HSM_STATE_SUSPENDED, __ATOMIC_RELEASE);
        break;case VCPU_EXIT_YIELD:
        c->yielded = true;
        break;
    case VCPU_EXIT_SEND_IPI:
    case VCPU_EXIT_RFENCE: {
        bool ipi = exit->reason == VCPU_EXIT_SEND_IPI;
        uint64_t targets;
        if (hartmask_targets(ipi ? exit->ipi.mask : exit->rfence.mask,
                             ipi ? exit->ipi.base : exit->rfence.base, vm->nr_vcpus, &targets) < 0) {
            vcpu_set_sbi_result(vcpu, SBI_ERR_INVALID_PARAM, 0);
            break;
        }
        if (ipi)
            vm_send_ipi(vm, targets);
        else
            vm_remote_fence(vm, c, targets, exit);
        vcpu_set_sbi_result(vcpu, SBI_SUCCESS, 0);
        break;
    }
    }
}

void vm_run_vcpu(struct vm *vm, struct vm_cpu *c)
{
    struct vcpu *vcpu = &c->vcpu;
    struct vcpu_exit exit;
    exit.reason = VCPU_EXIT_NOTHING;            /* the rest is filled with the reason */
    int err = vcpu_run(vcpu, &exit);
    spin_lock(&vm->lock);
    if (vm->state != VM_RUNNING)
        exit.reason = VCPU_EXIT_NOTHING;        /* the VM is over: serve nothing */
    else if (err)
        vm_stopped(vm, vcpu, "the monitor cannot run this vCPU", NULL);
    if (err || exit.reason == VCPU_EXIT_NOTHING)
        ;                                       /* nothing to serve */
    else if (exit.reason == VCPU_EXIT_HYPERCALL)
        vm_hypercall(vm, vcpu, &exit);
    else
        vm_serve_exit(vm, c, &exit);
    spin_unlock(&vm->lock);
    if (c->fence_wait)
        vm_wait_fences(vm, c);
}
void vm_end(struct vm *vm, enum vm_state how, bool ok)
{
    if (vm->state != VM_RUNNING)
        return;
    vm->ok = ok;
    __atomic_store_n(&vm->state, how, __ATOMIC_SEQ_CST);
    for (unsigned i = 0; i < vm->nr_vcpus; i++)
        vm_kick(vm, i);
}
void vm_print_stats(const struct vm *vm)
{
    unsigned long k[VCPU_EXIT_KINDS] = { 0 };
    for (unsigned i = 0; i < vm->nr_vcpus; i++)
        for (unsigned j = 0; j < VCPU_EXIT_KINDS; j++)
            k[j] += vm->cpu[i].vcpu.exits_by_kind[j];
    printf("vmm: vm%u: exits: sbi %lu, timer %lu, tick %lu, external %lu, software %lu, "
           "guest-page fault %lu, virtual instruction %lu, other %lu\n", vm->id,
           k[VCPU_KIND_SBI], k[VCPU_KIND_TIMER], k[VCPU_KIND_TICK], k[VCPU_KIND_EXTERNAL],
           k[VCPU_KIND_SOFTWARE],
           k[VCPU_KIND_PAGE_FAULT], k[VCPU_KIND_VIRTUAL_INST], k[VCPU_KIND_OTHER]);
    vmm_check_image(vm->id);
    printf("vmm: vm%u: hypercall echo: %lu calls in sequence, %lu out of sequence\n",
           vm->id, vm->echo_calls, vm->echo_mismatches);
}
void vm_destroy(struct vm *vm)
{
    for (unsigned i = 0; i < vm->nr_vcpus; i++)
        vcpu_down(&vm->cpu[i].vcpu);
    gstage_destroy(&vm->gstage);
    page_free(vm->pool, vm->ram.hpa, vm->ram.size >> PAGE_SHIFT);
}
void vm_poll_console(struct vm *vm)
{
    int c;
    spin_lock(&vm->lock);
    while (vm->state == VM_RUNNING && !(vm->uart.mcr & 0x10) &&
           vm->uart.rx_count < UART_FIFO_SIZE && (c = console_guest_getc(vm->id)) >= 0)
        uart_receive(&vm->uart, (uint8_t)c);
    if (vm->state == VM_RUNNING)
        vplic_set_level(&vm->plic, VM_UART_IRQ, uart_irq_pending(&vm->uart));
    spin_unlock(&vm->lock);
}
void vm_kick(struct vm *vm, unsigned i)
{
    sched_kick(vm->cpu[i].hart);
}
