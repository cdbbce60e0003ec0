/* A virtual machine: memory, G-stage, vCPU, and the exit loop that serves it. */
#ifndef VMM_VM_H
#define VMM_VM_H

#include <stdbool.h>
#include "lib/page.h"
#include "vcpu/vcpu.h"
#include "vmm/bootcfg.h"
#include "vmm/gstage.h"
#include "vmm/guest_mem.h"
#include "vmm/mmio.h"
#include "vmm/uart.h"
#include "vmm/vplic.h"

struct vm {
    unsigned id;
    const struct boot_config *boot;
    struct page_pool *pool;
    struct guest_ram ram;
    struct gstage gstage;
    struct vcpu vcpu;
    const void *image;
    size_t image_size;
    uint64_t entry_gpa, dtb_gpa;
    unsigned long echo_calls, echo_mismatches;
    unsigned long boots;            /* how often vm_boot has run */
    struct mmio_bus bus;
    struct uart16550 uart;
    uint8_t testdev[4096];
    struct vplic plic;
};

int  vm_create(struct vm *vm, unsigned id, const struct boot_config *boot,
               struct page_pool *pool, const void *image, size_t image_size);
int  vm_boot(struct vm *vm);
bool vm_run(struct vm *vm);
void vm_destroy(struct vm *vm);
void vm_hypercall(struct vm *vm, const struct vcpu_exit *exit);
void vm_print_stats(const struct vm *vm);

#endif
