/* What the host device tree tells the monitor: RAM, image, options. */
#ifndef VMM_BOOTCFG_H
#define VMM_BOOTCFG_H

#include <stdint.h>

struct boot_config {
    uint64_t ram_base, ram_size;        /* the host's RAM */
    uint64_t initrd_start, initrd_end;  /* the guest image; both 0 if none */
    uint32_t timebase;                  /* timer ticks per second */
    uint32_t cboz_block;                /* riscv,cboz-block-size; 0 if none */
    uint32_t cbom_block;                /* riscv,cbom-block-size; 0 if none */
    const char *isa;                    /* the boot hart's riscv,isa */
    const char *mmu_type;               /* its mmu-type; NULL if none */
    const char *bootargs;               /* /chosen/bootargs, "" if none */
    uint64_t guest_mem;                 /* mem=: guest RAM in bytes */
    bool sstc_off;                  /* sstc=off: emulate the timer even with Sstc */
    bool testdev;                   /* testdev: a 4 KiB scratch device at 0x10001000 */
    unsigned vcpus;                 /* vcpus=N: the VM's vCPUs; 0: one per hart */
};

int bootcfg_read(struct boot_config *cfg, const void *dtb, unsigned long boot_hart);
int bootargs_size(const char *args, const char *key, uint64_t *value);
int bootcfg_options(struct boot_config *cfg);

#endif
