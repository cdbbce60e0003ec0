/* vmm_main: from boot configuration to running guests. */
#include <stdio.h>
#include "arch/hext.h"
#include "arch/timer.h"
#include "lib/fdt.h"
#include "lib/page.h"
#include "lib/panic.h"
#include "vmm/sched.h"
#include "vmm/vm.h"
#include "vmm/vmm.h"

extern char __image_end[];

static struct boot_config boot;
static struct page_pool host_pages;
static struct vm vm0;

static void init_host_pages(unsigned long dtb)
{
    uintptr_t start = (uintptr_t)__image_end;
    if (page_pool_init(&host_pages, start, boot.ram_base + boot.ram_size) < 0)
        panic("no free RAM after the hypervisor's image");
    page_reserve(&host_pages, dtb, dtb + fdt_total_size((const void *)dtb));
    if (boot.initrd_start)
        page_reserve(&host_pages, boot.initrd_start, boot.initrd_end);
    printf("vmm: host RAM 0x%lx-0x%lx, %lu MiB free for guests\n",
           (unsigned long)boot.ram_base, (unsigned long)(boot.ram_base + boot.ram_size),
           (unsigned long)(page_free_count(&host_pages) >> (20 - PAGE_SHIFT)));
}

noreturn void vmm_main(unsigned long hartid, unsigned long dtb)
{
    if (bootcfg_read(&boot, (const void *)dtb, hartid) < 0)
        panic("cannot read the boot configuration from the device tree at 0x%lx", dtb);
    init_host_pages(dtb);
    timer_init_hart();
    sched_init(hartid, boot.timebase);
    vmm_seal_image();
    if (!boot.initrd_start) {
        printf("vmm: no guest image: start QEMU with -initrd IMAGE (make run GUEST=IMAGE)\n");
        power_off(false);
    }
    unsigned nr_vcpus = boot.vcpus ? boot.vcpus : sched_nr_harts();
    int err = vm_create(&vm0, 0, &boot, nr_vcpus, &host_pages,
                        (const void *)boot.initrd_start, boot.initrd_end - boot.initrd_start);
    if (err) {
        printf("vmm: vm0: cannot create: %d (%lu MiB of guest RAM requested with mem=,"
               " %u vCPUs with vcpus=; give QEMU more memory with -m or the guest less,"
               " and at most %d vCPUs)\n", err, (unsigned long)(boot.guest_mem >> 20),
               nr_vcpus, VM_MAX_VCPUS);
        power_off(true);
    }
    sched_add_vm(&vm0);
    if ((err = vm_boot(&vm0)) < 0) {
        printf("vmm: vm0: cannot boot its image (%lu bytes): %d\n",
               (unsigned long)vm0.image_size, err);
        power_off(true);
    }
    sched_start(hartid);
}
noreturn void vmm_secondary(unsigned long hartid)
{
    timer_init_hart();
    csr_set(sie, 1UL << IRQ_S_SOFT);
    sched_run(hartid);
}
