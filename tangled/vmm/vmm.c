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
void page_zero_cbo(uintptr_t pa, size_t bytes);     /* asm/boot.S */
int hext_probe_cbo_zero(uintptr_t pa);
#include <string.h>
#include "lib/console.h"
#include "lib/cpio.h"

extern char __image_end[];

#define VMM_MAX_VMS     4
#define VM_ARGS_MAX     96

struct vm_spec {                        /* what to boot as one VM */
    const void *image;
    size_t size;
    struct boot_config cfg;             /* the host's, with the VM's options */
    char args[VM_ARGS_MAX];             /* the VM's options, if its own */
};

static struct boot_config boot;
static struct page_pool host_pages;
static struct vm_spec specs[VMM_MAX_VMS];
static struct vm vms[VMM_MAX_VMS];

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
static noreturn void vms_list_error(unsigned n, const char *why)
{
    printf("vmm: vm%u in the image's list of VMs: %s\n", n, why);
    power_off(true);
}
static unsigned vms_from_list(const void *archive, size_t size, const struct cpio_file *list)
{
    unsigned n = 0;
    const char *end = (const char *)list->data + list->size, *eol;
    for (const char *line = list->data; line < end; line = eol + 1) {
        eol = memchr(line, '\n', (size_t)(end - line));
        if (!eol)
            eol = end;
        while (line < eol && *line == ' ')
            line++;
        if (line == eol || *line == '#')
            continue;
        const char *name_end = memchr(line, ' ', (size_t)(eol - line));
        if (!name_end)
            name_end = eol;
        char name[64];
        size_t name_len = (size_t)(name_end - line), args_len = (size_t)(eol - name_end);
        struct vm_spec *spec = &specs[n];
        struct cpio_file f;
        if (n == VMM_MAX_VMS || name_len >= sizeof name || args_len >= sizeof spec->args)
            vms_list_error(n, "too many VMs, or a name or options too long");
        memcpy(name, line, name_len);
        name[name_len] = '\0';
        memcpy(spec->args, name_end, args_len);
        spec->args[args_len] = '\0';
        if (cpio_find(archive, size, name, &f) < 0)
            vms_list_error(n, "no such image in the archive");
        spec->image = f.data;
        spec->size = f.size;
        spec->cfg = boot;
        spec->cfg.bootargs = spec->args;
        if (bootcfg_options(&spec->cfg) < 0)
            vms_list_error(n, "bad options");
        n++;
    }
    if (n == 0)
        vms_list_error(0, "the list names no VM");
    return n;
}
static unsigned find_vms(void)
{
    const void *image = (const void *)boot.initrd_start;
    size_t size = boot.initrd_end - boot.initrd_start;
    if (cpio_is_archive(image, size)) {
        struct cpio_file list;
        if (cpio_find(image, size, "vms", &list) < 0)
            vms_list_error(0, "the image is a cpio archive without a member \"vms\"");
        return vms_from_list(image, size, &list);
    }
    specs[0] = (struct vm_spec){ .image = image, .size = size, .cfg = boot };
    return 1;
}

noreturn void vmm_main(unsigned long hartid, unsigned long dtb)
{
    if (bootcfg_read(&boot, (const void *)dtb, hartid) < 0)
        panic("cannot read the boot configuration from the device tree at 0x%lx", dtb);
    init_host_pages(dtb);
    if (strstr(boot.isa, "_zicboz") && boot.cboz_block == 64) {
        uintptr_t scratch = page_alloc(&host_pages, 1, 1);
        if (scratch && hext_probe_cbo_zero(scratch))
            page_zero_with(page_zero_cbo);
        if (scratch)
            page_free(&host_pages, scratch, 1);
    }
    timer_init_hart();
    sched_init(hartid, boot.timebase);
    vmm_seal_image();
    if (!boot.initrd_start) {
        printf("vmm: no guest image: start QEMU with -initrd IMAGE (make run GUEST=IMAGE)\n");
        power_off(false);
    }
    unsigned nr_vms = find_vms();
    console_guests(nr_vms);
    for (unsigned i = 0; i < nr_vms; i++) {
        const struct boot_config *cfg = &specs[i].cfg;
        unsigned nr_vcpus = cfg->vcpus ? cfg->vcpus : sched_nr_harts();
        int err = vm_create(&vms[i], i, cfg, nr_vcpus, &host_pages, specs[i].image, specs[i].size);
        if (err) {
            printf("vmm: vm%u: cannot create: %d (%lu MiB of guest RAM requested with mem=,"
                   " %u vCPUs with vcpus=; give QEMU more memory with -m or the guest less,"
                   " and at most %d vCPUs)\n", i, err, (unsigned long)(cfg->guest_mem >> 20),
                   nr_vcpus, VM_MAX_VCPUS);
            power_off(true);
        }
        sched_add_vm(&vms[i]);
    }
    for (unsigned i = 0; i < nr_vms; i++) {
        int err = vm_boot(&vms[i]);
        if (err < 0) {
            printf("vmm: vm%u: cannot boot its image (%lu bytes): %d\n",
                   i, (unsigned long)vms[i].image_size, err);
            power_off(true);
        }
    }
    sched_start(hartid);
}
noreturn void vmm_secondary(unsigned long hartid)
{
    timer_init_hart();
    csr_set(sie, 1UL << IRQ_S_SOFT);
    sched_run(hartid);
}
