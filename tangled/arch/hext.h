/* The hypervisor extension: detect it, probe what it offers, enable it. */
#ifndef ARCH_HEXT_H
#define ARCH_HEXT_H

#include <stdbool.h>
#include "arch/csr.h"

struct hext_info {
    bool present;           /* the hart has the H extension */
    bool sv39x4, sv48x4, sv57x4;  /* G-stage translation modes hgatp accepts */
    unsigned vmid_bits;     /* VMIDLEN: 0..14 */
    bool sstc;              /* henvcfg.STCE sticks: the hart has Sstc */
    bool stateen;           /* hstateen0 exists: the hart has Smstateen */
    unsigned long envcfg;   /* henvcfg CBIE, CBCFE, CBZE, PBMTE that stick */
};

extern struct hext_info hext;

bool has_hardware_support(void);
void hext_probe(struct hext_info *info);
void hext_enable_hart(void);

static inline unsigned long hgatp_make(unsigned long mode, unsigned long vmid,
                                       unsigned long root_ppn)
{
    return mode << HGATP_MODE_SHIFT | (vmid & HGATP_VMID_MASK) << HGATP_VMID_SHIFT
           | (root_ppn & HGATP_PPN_MASK);
}

static inline unsigned long hgatp_mode(unsigned long hgatp)
{
    return hgatp >> HGATP_MODE_SHIFT;
}

static inline unsigned hgatp_vmid_bits(unsigned long hgatp_readback)
{
    unsigned long vmid = hgatp_readback >> HGATP_VMID_SHIFT & HGATP_VMID_MASK;
    unsigned bits = 0;
    while (vmid & 1UL << bits)
        bits++;
    return bits;
}

#endif
