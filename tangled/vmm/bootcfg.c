/* Reading the boot configuration from the host device tree. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "lib/fdt.h"
#include "vmm/bootcfg.h"

static const char *bootarg_find(const char *args, const char *key)
{
    size_t n = strlen(key);
    for (const char *p = args; (p = strstr(p, key)) != NULL; p += n)
        if (p == args || p[-1] == ' ')
            return p + n;
    return NULL;
}
int bootargs_size(const char *args, const char *key, uint64_t *value)
{
    const char *p = args ? bootarg_find(args, key) : NULL;
    uint64_t v = 0;
    if (!p)
        return -ENOENT;
    if (*p < '0' || *p > '9')
        return -EINVAL;
    for (; *p >= '0' && *p <= '9'; p++) {
        uint64_t digit = (uint64_t)(*p - '0');
        if (v > (UINT64_MAX - digit) / 10)
            return -EINVAL;
        v = v * 10 + digit;
    }
    unsigned shift = *p == 'K' ? 10 : *p == 'M' ? 20 : *p == 'G' ? 30 : 0;
    if (shift)
        p++;
    if ((*p != ' ' && *p != '\0') || v > UINT64_MAX >> shift)
        return -EINVAL;
    *value = v << shift;
    return 0;
}
int bootcfg_read(struct boot_config *cfg, const void *dtb, unsigned long boot_hart)
{
    struct fdt f;
    uint32_t ac = 0, sc = 0;
    memset(cfg, 0, sizeof *cfg);
    if (fdt_open(&f, dtb, fdt_total_size(dtb)) < 0)
        return -EINVAL;
    int root = fdt_path_offset(&f, "/");
    if (!fdt_prop_u32(&f, root, "#address-cells", &ac) ||
        !fdt_prop_u32(&f, root, "#size-cells", &sc) || ac != 2 || sc != 2)
        return -EINVAL;
    int mem = fdt_path_offset(&f, "/memory");
    if (mem < 0 || !fdt_prop_cells(&f, mem, "reg", 0, 2, &cfg->ram_base) ||
        !fdt_prop_cells(&f, mem, "reg", 2, 2, &cfg->ram_size) || cfg->ram_size == 0)
        return -EINVAL;
    int chosen = fdt_path_offset(&f, "/chosen");
    cfg->bootargs = "";
    if (chosen >= 0) {
        const char *args = fdt_prop_string(&f, chosen, "bootargs");
        uint64_t start, end;
        if (args)
            cfg->bootargs = args;
        if (fdt_prop_cells(&f, chosen, "linux,initrd-start", 0, 2, &start) &&
            fdt_prop_cells(&f, chosen, "linux,initrd-end", 0, 2, &end)) {
            if (end <= start || start < cfg->ram_base ||
                end - cfg->ram_base > cfg->ram_size)
                return -EINVAL;
            cfg->initrd_start = start;
            cfg->initrd_end = end;
        }
    }
    char path[32];
    snprintf(path, sizeof path, "/cpus/cpu@%lu", boot_hart);
    int cpus = fdt_path_offset(&f, "/cpus");
    int cpu = fdt_path_offset(&f, path);
    if (cpus < 0 || cpu < 0 || !fdt_prop_u32(&f, cpus, "timebase-frequency", &cfg->timebase))
        return -EINVAL;
    cfg->isa = fdt_prop_string(&f, cpu, "riscv,isa");
    if (!cfg->isa)
        return -EINVAL;
    fdt_prop_u32(&f, cpu, "riscv,cboz-block-size", &cfg->cboz_block);
    fdt_prop_u32(&f, cpu, "riscv,cbom-block-size", &cfg->cbom_block);
    cfg->mmu_type = fdt_prop_string(&f, cpu, "mmu-type");
    return bootcfg_options(cfg);
}

int bootcfg_options(struct boot_config *cfg)
{
    cfg->guest_mem = 128UL << 20;
    int err = bootargs_size(cfg->bootargs, "mem=", &cfg->guest_mem);
    if ((err < 0 && err != -ENOENT) || cfg->guest_mem == 0 || cfg->guest_mem % (2UL << 20))
        return -EINVAL;
    cfg->sstc_off = bootarg_find(cfg->bootargs, "sstc=off") != NULL;
    cfg->testdev = bootarg_find(cfg->bootargs, "testdev") != NULL;
    uint64_t vcpus = 0;
    err = bootargs_size(cfg->bootargs, "vcpus=", &vcpus);
    if ((err < 0 && err != -ENOENT) || vcpus > 64)
        return -EINVAL;
    cfg->vcpus = (unsigned)vcpus;
    return 0;
}
