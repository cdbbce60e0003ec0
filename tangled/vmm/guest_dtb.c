/* The guest's device tree: only what its VM has. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "lib/fdt.h"
#include "vmm/guest_dtb.h"

static const char isa_letters[] = "imafdc";
static const char *const isa_passthrough[] = {
    "zicntr", "zicsr", "zifencei", "zihintntl", "zihintpause", "zawrs",
    "zfa", "zfh", "zfhmin", "zca", "zcb", "zcd", "zba", "zbb", "zbc", "zbs",
    "zkt", "svinval", "svnapot",
};

static int isa_append(char *out, size_t cap, size_t *len, const char *s, size_t n)
{
    if (*len + n + 1 > cap)
        return -ENOSPC;
    memcpy(out + *len, s, n);
    *len += n;
    out[*len] = '\0';
    return 0;
}
static const struct { const char *name; unsigned offer; } isa_offered[] = {
    { "sstc", GUEST_OFFER_SSTC }, { "zicbom", GUEST_OFFER_ZICBOM },
    { "zicboz", GUEST_OFFER_ZICBOZ }, { "svpbmt", GUEST_OFFER_SVPBMT },
};

static bool isa_is(const char *ext, size_t n, const char *name)
{
    return strlen(name) == n && strncmp(ext, name, n) == 0;
}

static bool isa_allowed(const char *ext, size_t n, unsigned offer)
{
    for (size_t i = 0; i < sizeof isa_offered / sizeof *isa_offered; i++)
        if ((offer & isa_offered[i].offer) &&
            isa_is(ext, n, isa_offered[i].name))
            return true;
    for (size_t i = 0; i < sizeof isa_passthrough / sizeof *isa_passthrough; i++)
        if (isa_is(ext, n, isa_passthrough[i]))
            return true;
    return false;
}

int guest_isa(const char *host_isa, unsigned offer, char *out, size_t cap)
{
    size_t len = 0;
    const char *p = host_isa + 4;
    if (cap == 0 || strncmp(host_isa, "rv64", 4) != 0)
        return -EINVAL;
    out[0] = '\0';
    if (isa_append(out, cap, &len, "rv64", 4) < 0)
        return -ENOSPC;
    for (; *p && *p != '_'; p++) {
        char c = (char)tolower((unsigned char)*p);
        if (strchr(isa_letters, c) && isa_append(out, cap, &len, &c, 1) < 0)
            return -ENOSPC;
    }
    while (*p == '_') {
        const char *ext = ++p;
        while (*p && *p != '_')
            p++;
        if (isa_allowed(ext, (size_t)(p - ext), offer) &&
            (isa_append(out, cap, &len, "_", 1) < 0 ||
             isa_append(out, cap, &len, ext, (size_t)(p - ext)) < 0))
            return -ENOSPC;
    }
    return (int)len;
}
static int isa_list(const char *isa, char *out, size_t cap)
{
    size_t len = 0;
    for (const char *p = isa + 4; *p; p++) {
        const char *ext = p;
        if (*p == '_')
            for (ext = ++p; p[1] && p[1] != '_'; p++)
                ;
        if (isa_append(out, cap, &len, ext, (size_t)(p + 1 - ext)) < 0 ||
            isa_append(out, cap, &len, "", 1) < 0)
            return -ENOSPC;
    }
    return (int)len;
}
bool isa_has(const char *isa, const char *ext)
{
    size_t n = strlen(ext);
    for (const char *p = strchr(isa, '_'); p; p = strchr(p + 1, '_'))
        if (strncmp(p + 1, ext, n) == 0 &&
            (p[n + 1] == '_' || p[n + 1] == '\0'))
            return true;
    return false;
}
static int write_cpus(struct fdt_writer *w, const struct guest_dtb_info *info)
{
    char isa[256], list[512], name[32];
    int n;
    if (guest_isa(info->host_isa, info->offer, isa, sizeof isa) < 0 ||
        (n = isa_list(isa, list, sizeof list)) < 0)
        return -EINVAL;
    fdt_w_node(w, "cpus");
    fdt_w_prop_u32(w, "#address-cells", 1);
    fdt_w_prop_u32(w, "#size-cells", 0);
    fdt_w_prop_u32(w, "timebase-frequency", info->timebase);
    for (unsigned i = 0; i < info->nr_harts; i++) {
        snprintf(name, sizeof name, "cpu@%u", i);
        fdt_w_node(w, name);
        fdt_w_prop_str(w, "device_type", "cpu");
        fdt_w_prop_u32(w, "reg", i);
        fdt_w_prop_str(w, "compatible", "riscv");
        fdt_w_prop_str(w, "riscv,isa", isa);
        fdt_w_prop_str(w, "riscv,isa-base", "rv64i");
        fdt_w_prop(w, "riscv,isa-extensions", list, (size_t)n);
        if (info->offer & GUEST_OFFER_ZICBOM)
            fdt_w_prop_u32(w, "riscv,cbom-block-size", info->cbom_block);
        if (info->offer & GUEST_OFFER_ZICBOZ)
            fdt_w_prop_u32(w, "riscv,cboz-block-size", info->cboz_block);
        fdt_w_prop_str(w, "mmu-type",
                       info->mmu_type ? info->mmu_type : "riscv,sv39");
        fdt_w_prop_str(w, "status", "okay");
        fdt_w_node(w, "interrupt-controller");
        fdt_w_prop_u32(w, "#interrupt-cells", 1);
        fdt_w_prop_empty(w, "interrupt-controller");
        fdt_w_prop_str(w, "compatible", "riscv,cpu-intc");
        fdt_w_prop_u32(w, "phandle", i + 1);
        fdt_w_end_node(w);
        fdt_w_end_node(w);
    }
    fdt_w_end_node(w);
    return 0;
}
static void write_device(struct fdt_writer *w, const char *kind, const char *compatible,
                         uint64_t base, uint64_t size, const struct guest_dtb_info *info)
{
    char name[48];
    uint32_t reg[4] = { (uint32_t)(base >> 32), (uint32_t)base,
                        (uint32_t)(size >> 32), (uint32_t)size };
    (void)info;
    snprintf(name, sizeof name, "%s@%llx", kind, (unsigned long long)base);
    fdt_w_node(w, name);
    fdt_w_prop_str(w, "compatible", compatible);
    fdt_w_prop_cells(w, "reg", reg, 4);
    if (strcmp(kind, "serial") == 0)
        fdt_w_prop_u32(w, "clock-frequency", 3686400);
    if (info->plic_base && strcmp(kind, "serial") == 0) {
        fdt_w_prop_u32(w, "interrupt-parent", GUEST_PLIC_PHANDLE);
        fdt_w_prop_u32(w, "interrupts", info->uart_irq);
    }
    fdt_w_end_node(w);
}

int guest_dtb_build(void *buf, size_t cap, const struct guest_dtb_info *info)
{
    struct fdt_writer w;
    char name[32];
    fdt_w_begin(&w, buf, cap, 0);
    fdt_w_node(&w, "");
    fdt_w_prop_u32(&w, "#address-cells", 2);
    fdt_w_prop_u32(&w, "#size-cells", 2);
    fdt_w_prop_str(&w, "compatible", "riscv-virtio");
    fdt_w_prop_str(&w, "model", "RVH virtual machine");
    fdt_w_node(&w, "chosen");
    fdt_w_prop_str(&w, "bootargs", info->bootargs ? info->bootargs : "");
    if (info->uart_base) {
        char path[48];
        snprintf(path, sizeof path, "/soc/serial@%llx", (unsigned long long)info->uart_base);
        fdt_w_prop_str(&w, "stdout-path", path);
    }
    fdt_w_end_node(&w);
    snprintf(name, sizeof name, "memory@%llx", (unsigned long long)info->ram_gpa);
    fdt_w_node(&w, name);
    fdt_w_prop_str(&w, "device_type", "memory");
    uint32_t reg[4] = { (uint32_t)(info->ram_gpa >> 32), (uint32_t)info->ram_gpa,
                        (uint32_t)(info->ram_size >> 32), (uint32_t)info->ram_size };
    fdt_w_prop_cells(&w, "reg", reg, 4);
    fdt_w_end_node(&w);
    if (write_cpus(&w, info) < 0)
        return -EINVAL;
    if (info->uart_base || info->testdev_base) {
        fdt_w_node(&w, "soc");
        fdt_w_prop_u32(&w, "#address-cells", 2);
        fdt_w_prop_u32(&w, "#size-cells", 2);
        fdt_w_prop_str(&w, "compatible", "simple-bus");
        fdt_w_prop_empty(&w, "ranges");
        if (info->uart_base)
            write_device(&w, "serial", "ns16550a", info->uart_base, 0x100, info);
        if (info->testdev_base)
            write_device(&w, "test", "rvh,mmio-test", info->testdev_base, 0x1000, info);
        if (info->plic_base) {
            static const char compat[] = "sifive,plic-1.0.0\0riscv,plic0";
            char name[48];
            uint32_t reg[4] = { 0, (uint32_t)info->plic_base, 0, 0x4000000 };
            snprintf(name, sizeof name, "plic@%llx", (unsigned long long)info->plic_base);
            fdt_w_node(&w, name);
            fdt_w_prop(&w, "compatible", compat, sizeof compat);
            fdt_w_prop_cells(&w, "reg", reg, 4);
            fdt_w_prop_u32(&w, "#address-cells", 0);
            fdt_w_prop_u32(&w, "#interrupt-cells", 1);
            fdt_w_prop_empty(&w, "interrupt-controller");
            uint32_t ctx[2 * 8];
            unsigned n = info->nr_harts < 8 ? info->nr_harts : 8;
            for (unsigned i = 0; i < n; i++) {
                ctx[2 * i] = i + 1;
                ctx[2 * i + 1] = 9;
            }
            fdt_w_prop_cells(&w, "interrupts-extended", ctx, 2 * n);
            fdt_w_prop_u32(&w, "riscv,ndev", 31);
            fdt_w_prop_u32(&w, "phandle", GUEST_PLIC_PHANDLE);
            fdt_w_end_node(&w);
        }
        fdt_w_end_node(&w);
    }
    fdt_w_end_node(&w);
    return fdt_w_finish(&w);
}
