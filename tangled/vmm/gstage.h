/* G-stage page tables (Sv39x4, Sv48x4, Sv57x4): guest-physical to host-physical. */
#ifndef VMM_GSTAGE_H
#define VMM_GSTAGE_H

#include <stdint.h>
#include "arch/csr.h"       /* HGATP_MODE_SV39X4, ... */
#include "lib/page.h"

#define PTE_V   (1UL << 0)     /* valid */
#define PTE_R   (1UL << 1)     /* readable */
#define PTE_W   (1UL << 2)     /* writable */
#define PTE_X   (1UL << 3)     /* executable */
#define PTE_U   (1UL << 4)     /* user: required on G-stage leaves */
#define PTE_G   (1UL << 5)     /* global: reserved in the G-stage */
#define PTE_A   (1UL << 6)     /* accessed */
#define PTE_D   (1UL << 7)     /* dirty */

#define GSTAGE_FENCE_LEAVES 32

struct gstage {
    struct page_pool *pool;     /* where the tables come from and go back to */
    uintptr_t root;             /* physical address of the 16 KiB root table */
    unsigned levels;            /* 3 for Sv39x4, 4 for Sv48x4, 5 for Sv57x4 */
    unsigned long mode;         /* HGATP_MODE_SV39X4, ... */
    unsigned long vmid;         /* tags this VM's TLB entries and fences */
};

/* Empty tables for mode HGATP_MODE_SV39X4/SV48X4/SV57X4 and a VMID of up to
   14 bits: -EINVAL for another mode or VMID, -ENOMEM without 16 KiB. */
int gstage_init(struct gstage *g, struct page_pool *pool, unsigned long mode,
                unsigned long vmid);

/* Map [gpa, gpa+size) to [hpa, hpa+size) with perm (R, W, X; W needs R).
   -EINVAL: bad perm, an address or size not 4 KiB-aligned, size 0, a range
   past the mode's GPA space or past 2^56 bytes of host memory.
   -EEXIST: a page is already mapped; -ENOMEM: no table page.  On any error
   nothing of the range is mapped.  No fence (see the text). */
int gstage_map(struct gstage *g, uint64_t gpa, uint64_t hpa, uint64_t size,
               unsigned long perm);

/* Unmap every mapped page of [gpa, gpa+size) and fence: -EINVAL as for
   gstage_map, -ENOMEM if a 2 MiB leaf must be split and no page is left
   (nothing changes then). */
int gstage_unmap(struct gstage *g, uint64_t gpa, uint64_t size);

/* The HPA and the leaf's R|W|X for gpa (either pointer may be NULL):
   0, or -ENOENT if gpa is not mapped. */
int gstage_translate(const struct gstage *g, uint64_t gpa, uint64_t *hpa,
                     unsigned long *perm);

void gstage_destroy(struct gstage *g);
unsigned long gstage_hgatp(const struct gstage *g);

#endif
