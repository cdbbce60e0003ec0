/*
 * entry.S: where a secondary hart of the smp guest starts, and resumes.
 *
 * void smp_secondary_entry(void), passed to HSM hart_start as start_addr and
 * to a non-retentive hart_suspend as resume_addr.  The hart arrives in
 * VS-mode with a0 = its hart id, a1 = the opaque value, satp = 0 and
 * sstatus.SIE = 0; every other register is undefined (SBI spec v2.0 §9.1,
 * §9.4), the stack pointer included.  So this code touches no memory but
 * smp_harts[a0] until it has a stack: it records a0, a1 and the raw satp,
 * sstatus and sip in the hart's record (for hart 0 to check), takes the
 * hart's own 16 KiB stack from smp_stacks, installs the shared interrupt
 * vector (interrupt.S), puts the hart id in sscratch for guest_interrupt,
 * clears tp (a secondary has no thread-local storage: it never calls
 * picolibc) and calls smp_secondary_main(hartid, opaque), which never
 * returns.  A hart id the records have no room for parks the hart: hart 0
 * then times out waiting for it.  .bss is not cleared here: hart 0 did that
 * in _start, and the records are live.
 */
#include "smp.h"

    .text
    .balign 4                           /* an instruction address */
    .globl smp_secondary_entry
smp_secondary_entry:
    li      t0, SMP_MAX_HARTS
    bgeu    a0, t0, park
    la      t0, smp_harts               /* t0 = &smp_harts[a0] */
    li      t1, HART_SIZE
    mul     t1, t1, a0
    add     t0, t0, t1
    sd      a0, HART_ENTRY_A0(t0)
    sd      a1, HART_ENTRY_A1(t0)
    csrr    t1, satp
    sd      t1, HART_ENTRY_SATP(t0)
    csrr    t1, sstatus
    sd      t1, HART_ENTRY_SSTATUS(t0)
    csrr    t1, sip
    sd      t1, HART_ENTRY_SIP(t0)
    fence   rw, rw                      /* the record before anything C does */

    la      t1, smp_stacks              /* sp = top of smp_stacks[a0] */
    addi    t2, a0, 1
    slli    t2, t2, SMP_STACK_SHIFT
    add     sp, t1, t2
    la      t1, guest_interrupt_vector
    csrw    stvec, t1
    csrw    sscratch, a0
    li      tp, 0
    call    smp_secondary_main          /* (a0 = hart id, a1 = opaque) */

park:
    csrw    sie, zero                   /* nothing may wake it */
1:  wfi
    j       1b

    .section .bss.smp_stacks, "aw", @nobits
    .balign 16
    .globl smp_stacks
smp_stacks:
    .space  SMP_MAX_HARTS * SMP_STACK_SIZE
