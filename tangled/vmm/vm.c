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
#include "vmm/vm.h"

#define GUEST_RAM_GPA   0x80000000UL
#define SIZE_2M         (2UL << 20)

#define VM_UART_BASE    0x10000000UL
#define VM_UART_IRQ     10              /* its line on the PLIC of chapter 8 */
#define VM_TESTDEV_BASE 0x10001000UL

static void vm_uart_tx(void *ctx, uint8_t byte) { (void)ctx; console_putc(byte); }
static int vm_uart_rx(void *ctx) { (void)ctx; return console_getc(); }

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
    (void)context;
    if (eip)
        vcpu_inject_interrupt(&vm->vcpu, IRQ_VS_EXT);
    else
        vcpu_clear_interrupt(&vm->vcpu, IRQ_VS_EXT);
}

static int vm_plic_read(void *ctx, uint64_t off, unsigned width, uint64_t *value)
{
    return vplic_read(&((struct vm *)ctx)->plic, off, width, value);
}

static int vm_plic_write(void *ctx, uint64_t off, unsigned width, uint64_t value)
{
    return vplic_write(&((struct vm *)ctx)->plic, off, width, value);
}

int vm_create(struct vm *vm, unsigned id, const struct boot_config *boot,
              struct page_pool *pool, const void *image, size_t image_size)
{
    memset(vm, 0, sizeof *vm);
    vm->id = id;
    vm->boot = boot;
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
        memset((void *)vm->ram.hpa, 0, vm->ram.size);
    vm->dtb_gpa = vm->ram.gpa + vm->ram.size - SIZE_2M;
    struct guest_dtb_info info = {
        .ram_gpa = vm->ram.gpa, .ram_size = vm->ram.size, .nr_harts = 1,
        .timebase = vm->boot->timebase, .host_isa = vm->boot->isa,
        .bootargs = "",
    };
    info.sstc = hext.sstc && !vm->boot->sstc_off;
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
    vplic_init(&vm->plic, 1, vm_plic_notify, vm);
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
    struct vcpu_config vc = { .vm_id = vm->id, .vcpu_id = 0, .hart_id = 0,
                              .dtb_gpa = vm->dtb_gpa };
    if (vcpu_new(&vm->vcpu, &vc) || vcpu_setup(&vm->vcpu) ||
        vcpu_set_entry(&vm->vcpu, vm->entry_gpa) ||
        vcpu_set_gstage_root(&vm->vcpu, gstage_hgatp(&vm->gstage)))
        return -EINVAL;
    if (vcpu_setup_timer(&vm->vcpu, info.sstc, -timer_now()))
        return -EINVAL;
    printf("vmm: vm%u: %lu MiB at 0x%lx (host 0x%lx), entry 0x%lx, device tree 0x%lx (%d bytes)\n",
           vm->id, (unsigned long)(vm->ram.size >> 20), (unsigned long)vm->ram.gpa,
           (unsigned long)vm->ram.hpa, (unsigned long)vm->entry_gpa,
           (unsigned long)vm->dtb_gpa, size);
    return 0;
}
static bool vm_stopped(struct vm *vm, const char *what, const struct vcpu_exit *exit)
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
    dump_gprs(vm->vcpu.regs.guest_x);
    printf("vmm: vm%u: %lu exits\n", vm->id, vm->vcpu.exits);
    return false;
}
static void vm_hart_mask_call(struct vm *vm, const struct vcpu_exit *exit)
{
    bool ipi = exit->reason == VCPU_EXIT_SEND_IPI;
    uint64_t targets;
    if (hartmask_targets(ipi ? exit->ipi.mask : exit->rfence.mask,
                         ipi ? exit->ipi.base : exit->rfence.base, 1, &targets) < 0) {
        vcpu_set_sbi_result(&vm->vcpu, SBI_ERR_INVALID_PARAM, 0);
        return;
    }
    if (targets & 1) {
        if (ipi)
            vcpu_inject_interrupt(&vm->vcpu, IRQ_VS_SOFT);
        else
            vcpu_fence_local(&vm->vcpu, exit->rfence.kind, exit->rfence.start,
                             exit->rfence.size, exit->rfence.asid);
    }
    vcpu_set_sbi_result(&vm->vcpu, SBI_SUCCESS, 0);
}
static bool vm_mmio(struct vm *vm, const struct vcpu_exit *exit)
{
    bool read = exit->reason == VCPU_EXIT_MMIO_READ;
    uint64_t value = 0;
    int err = read ? mmio_read(&vm->bus, exit->mmio_read.addr, exit->mmio_read.width, &value)
                   : mmio_write(&vm->bus, exit->mmio_write.addr, exit->mmio_write.width,
                                exit->mmio_write.data);
    if (!err)
        return vcpu_mmio_complete(&vm->vcpu, value) == 0;
    return vcpu_inject_exception(&vm->vcpu, read ? EXC_LOAD_ACCESS : EXC_STORE_ACCESS,
                                 vm->vcpu.regs.trap.stval) == 0;
}
static void vm_tick(struct vm *vm)
{
    if (timer_own_deadline() != TIMER_NEVER && timer_now() < timer_own_deadline())
        return;
    int c;
    while (!(vm->uart.mcr & 0x10) && vm->uart.rx_count < UART_FIFO_SIZE &&
           (c = console_getc()) >= 0)
        uart_receive(&vm->uart, (uint8_t)c);
    vplic_set_level(&vm->plic, VM_UART_IRQ, uart_irq_pending(&vm->uart));
    timer_set_own(timer_now() + vm->boot->timebase / 100);
}

bool vm_run(struct vm *vm)
{
    struct vcpu_exit exit;
    for (;;) {
        vm_tick(vm);
        memset(&exit, 0, sizeof exit);
        int err = vcpu_run(&vm->vcpu, &exit);
        if (err) {
            printf("vmm: vm%u: cannot run its vCPU (state %s, error %d)\n", vm->id,
                   vcpu_state_name(vm->vcpu.state), err);
            return false;
        }
        switch (exit.reason) {
        case VCPU_EXIT_NOTHING:
            continue;
        case VCPU_EXIT_HYPERCALL:
            vm_hypercall(vm, &exit);
            continue;
        case VCPU_EXIT_SYSTEM_DOWN:
            printf("vmm: vm%u: shutdown (reason: %s) after %lu exits\n", vm->id,
                   exit.system.reason == SBI_SRST_REASON_NONE ? "none" : "system failure",
                   vm->vcpu.exits);
            return exit.system.reason == SBI_SRST_REASON_NONE;
        case VCPU_EXIT_SYSTEM_RESET:
            printf("vmm: vm%u: reboot\n", vm->id);
            vcpu_put(&vm->vcpu);
            if (vm_boot(vm) == 0)
                continue;
            return vm_stopped(vm, "the reboot failed", NULL);
        case VCPU_EXIT_GUEST_PAGE_FAULT:
            if (exit.page_fault.access == VCPU_ACCESS_FETCH &&
                vcpu_inject_exception(&vm->vcpu, EXC_INST_ACCESS, vm->vcpu.regs.trap.stval) == 0)
                continue;
            return vm_stopped(vm, exit.page_fault.access == VCPU_ACCESS_FETCH ? "instruction fetch"
                                  : exit.page_fault.access == VCPU_ACCESS_LOAD ? "load" : "store",
                              &exit);
        case VCPU_EXIT_FAIL:
            return vm_stopped(vm, exit.fail.why, &exit);
        default:
            return vm_stopped(vm, "an exit the monitor does not serve", &exit);
        case VCPU_EXIT_SEND_IPI:
        case VCPU_EXIT_RFENCE:
            vm_hart_mask_call(vm, &exit);
            continue;
        case VCPU_EXIT_CPU_UP:
            vcpu_set_sbi_result(&vm->vcpu, exit.cpu_up.target >= 1 ? SBI_ERR_INVALID_PARAM
                : !guest_ram_ptr(&vm->ram, exit.cpu_up.entry, 2) ? SBI_ERR_INVALID_ADDRESS
                : SBI_ERR_ALREADY_AVAILABLE, 0);
            continue;
        case VCPU_EXIT_HART_STATUS:
            if (exit.hart_status.target >= 1)
                vcpu_set_sbi_result(&vm->vcpu, SBI_ERR_INVALID_PARAM, 0);
            else
                vcpu_set_sbi_result(&vm->vcpu, SBI_SUCCESS, SBI_HSM_STATE_STARTED);
            continue;
        case VCPU_EXIT_CPU_DOWN:
            printf("vmm: vm%u: hart 0 stopped; no hart of the VM is left running\n", vm->id);
            return true;
        case VCPU_EXIT_MMIO_READ:
        case VCPU_EXIT_MMIO_WRITE:
            if (vm_mmio(vm, &exit))
                continue;
            return vm_stopped(vm, "the guest cannot take an access fault", &exit);
        }
    }
}
void vm_print_stats(const struct vm *vm)
{
    const unsigned long *k = vm->vcpu.exits_by_kind;
    printf("vmm: vm%u: exits: sbi %lu, timer %lu, tick %lu, external %lu, software %lu, "
           "guest-page fault %lu, virtual instruction %lu, other %lu\n", vm->id,
           k[VCPU_KIND_SBI], k[VCPU_KIND_TIMER], k[VCPU_KIND_TICK], k[VCPU_KIND_EXTERNAL],
           k[VCPU_KIND_SOFTWARE],
           k[VCPU_KIND_PAGE_FAULT], k[VCPU_KIND_VIRTUAL_INST], k[VCPU_KIND_OTHER]);
}
void vm_destroy(struct vm *vm)
{
    vcpu_put(&vm->vcpu);
    vcpu_down(&vm->vcpu);
    gstage_destroy(&vm->gstage);
    page_free(vm->pool, vm->ram.hpa, vm->ram.size >> PAGE_SHIFT);
}
