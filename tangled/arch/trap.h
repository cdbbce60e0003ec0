/* The hypervisor's own trap frame, shared by asm/trap.S and C. */
#ifndef ARCH_TRAP_H
#define ARCH_TRAP_H

#define TF_X(n)     ((n) * 8)       /* x0..x31; x0's slot holds nothing */
#define TF_SEPC     (32 * 8)
#define TF_SSTATUS  (33 * 8)
#define TF_SIZE     (34 * 8)        /* a multiple of 16: sp stays aligned */

#ifndef __ASSEMBLER__
#include <stdbool.h>
#include <stddef.h>

struct trap_frame {
    unsigned long x[32];
    unsigned long sepc;
    unsigned long sstatus;
};
_Static_assert(offsetof(struct trap_frame, sepc) == TF_SEPC, "TF_SEPC");
_Static_assert(offsetof(struct trap_frame, sstatus) == TF_SSTATUS, "TF_SSTATUS");
_Static_assert(sizeof(struct trap_frame) == TF_SIZE, "TF_SIZE");

void hyp_trap(struct trap_frame *tf);
void dump_gprs(const unsigned long x[32]);
extern bool hyp_trap_h_csrs;    /* may the dump read the H CSRs? */
#endif

#endif
