/* A virtual machine: memory, G-stage, vCPUs, and the exit loop that serves them. */
#ifndef VMM_VM_H
#define VMM_VM_H

#include <stdbool.h>
#include "lib/page.h"
#include "lib/spinlock.h"
#include "vcpu/vcpu.h"
#include "vmm/bootcfg.h"
#include "vmm/gstage.h"
#include "vmm/guest_mem.h"
#include "vmm/mmio.h"
#include "vmm/uart.h"
#include "vmm/vplic.h"

#define VM_MAX_VCPUS    8               /* one vPLIC context each (chapter 8) */

enum vm_state {
    VM_RUNNING,                         /* its vCPUs may run */
    VM_REBOOTING,                       /* to boot again once no hart runs it */
    VM_ENDING,                          /* to be destroyed once no hart runs it */
    VM_GONE,                        /* destroyed */
};

struct vm;
struct vm_cpu {                         /* a vCPU, as the monitor sees it */
    struct vcpu vcpu;
    struct vm *vm;
    unsigned long hart;             /* the physical hart that runs it */
    bool shares_hart;               /* with other vCPUs: time slices, wfi exits */
    int hsm;                        /* SBI_HSM_STATE_*: what hart_get_status says */
    bool waiting;                   /* in wfi or suspended, until an interrupt */
    bool yielded;                   /* it gave up its slice (wrs) */
    bool on_cpu;                    /* a hart holds it or is looking at it */
    uint64_t start_entry;           /* of a hart_start in progress */
    unsigned long start_opaque;
    uint64_t fence_wait;            /* vCPUs that owe this one a remote fence */
    uint64_t ready_since;           /* left its hart while runnable; 0 if not */
};

struct vm {
    unsigned id;
    const struct boot_config *boot;
    struct page_pool *pool;
    struct guest_ram ram;
    struct gstage gstage;
    unsigned nr_vcpus;
    struct vm_cpu cpu[VM_MAX_VCPUS];
    struct spinlock lock;               /* held while an exit is served */
    enum vm_state state;
    bool ok;                            /* it ended by a clean shutdown */
    uint64_t htimedelta;                /* the VM's clock, for every vCPU */
    const void *image;
    size_t image_size;
    uint64_t entry_gpa, dtb_gpa;
    unsigned long echo_calls, echo_mismatches;
    unsigned long boots;            /* how often vm_boot has run */
    bool sstc;                      /* its vCPUs own vstimecmp */
    unsigned long envcfg;           /* henvcfg bits its vCPUs get, besides STCE */
    struct mmio_bus bus;
    struct uart16550 uart;
    uint8_t testdev[4096];
    struct vplic plic;
    int finishing;                  /* a hart is rebooting or destroying it */
};

int  vm_create(struct vm *vm, unsigned id, const struct boot_config *boot,
               unsigned nr_vcpus, struct page_pool *pool,
               const void *image, size_t image_size);
int  vm_boot(struct vm *vm);
int  vm_cpu_start(struct vm *vm, struct vm_cpu *c, uint64_t entry, unsigned long a1);
void vm_run_vcpu(struct vm *vm, struct vm_cpu *c);
void vm_end(struct vm *vm, enum vm_state how, bool ok);
void vm_destroy(struct vm *vm);
void vm_hypercall(struct vm *vm, struct vcpu *vcpu, const struct vcpu_exit *exit);
void vm_print_stats(const struct vm *vm);
void vm_poll_console(struct vm *vm);
void vm_kick(struct vm *vm, unsigned i);
void vmm_seal_image(void);
void vmm_check_image(unsigned vm_id);

#endif
