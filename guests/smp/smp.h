/*
 * smp.h: what main.c and entry.S share: the layout of the per-hart record
 * (struct hart in main.c) and of the per-hart stacks.  entry.S writes the
 * first five fields before any C code runs; main.c checks the offsets.
 */
#ifndef SMP_H
#define SMP_H

#define SMP_MAX_HARTS       8           /* harts 0..7: cpu@0..cpu@7 */
#define SMP_STACK_SHIFT     14
#define SMP_STACK_SIZE      (1 << SMP_STACK_SHIFT)     /* 16 KiB per hart */

#define HART_SIZE           128         /* sizeof(struct hart) */
#define HART_ENTRY_A0       0           /* a0 at the entry: the hart id */
#define HART_ENTRY_A1       8           /* a1: the opaque value */
#define HART_ENTRY_SATP     16          /* the raw CSRs at the entry */
#define HART_ENTRY_SSTATUS  24
#define HART_ENTRY_SIP      32

#endif
