/* Writing the device tree a guest boots with. */
#ifndef VMM_GUEST_DTB_H
#define VMM_GUEST_DTB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct guest_dtb_info {
    uint64_t ram_gpa, ram_size;
    unsigned nr_harts;
    uint32_t timebase;
    const char *host_isa;       /* the host's riscv,isa, filtered for the guest */
    const char *mmu_type;       /* the host's mmu-type, or NULL for Sv39 */
    unsigned offer;             /* GUEST_OFFER_*: what the VM enables */
    uint32_t cbom_block, cboz_block;    /* with Zicbom, Zicboz: block sizes */
    const char *bootargs;       /* the guest's /chosen/bootargs */
    uint64_t uart_base;             /* 0: no UART */
    uint64_t testdev_base;          /* 0: no test device */
    uint64_t plic_base;             /* 0: no PLIC */
    unsigned uart_irq;              /* the UART's PLIC source */
};

#define GUEST_OFFER_SSTC    1u  /* the guest owns vstimecmp (chapter 6) */
#define GUEST_OFFER_ZICBOM  2u  /* henvcfg.CBIE and CBCFE (chapter 6) */
#define GUEST_OFFER_ZICBOZ  4u  /* henvcfg.CBZE */
#define GUEST_OFFER_SVPBMT  8u  /* henvcfg.PBMTE */

int guest_dtb_build(void *buf, size_t cap, const struct guest_dtb_info *info);
int guest_isa(const char *host_isa, unsigned offer, char *out, size_t cap);
bool isa_has(const char *isa, const char *ext);

#endif
#define GUEST_PLIC_PHANDLE  0x100   /* above the harts' 1..n */
